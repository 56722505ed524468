// Finish dist/ after the family modules are built: content-hash each module's wasm and JS,
// write index.html with the manifest and the loader inlined, write the one-file builds
// (one per family, for file:// and LMSs that take single HTML files), and measure each
// family's first download (every wasm/JS/CSS/HTML byte fetched until play works, gzip -9).
// Usage: node scripts/pack.mjs DIST FAMILIES_JSON PRESETS_JSON BUDGET_KB
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { gzipSync, constants } from 'node:zlib';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';

// What the browser fetches is minified (npm's terser for JS, csso for CSS, from .tools/,
// installed by scripts/setup.sh); the one-file builds inline the files as written.
const tools = createRequire(join(process.cwd(), '.tools', 'package.json'));
const { minify: minifyJs } = tools('terser');
const { minify: minifyCss } = tools('csso');
const jsMin = async text => (await minifyJs(text, { module: true, compress: true, mangle: true })).code;

const [dist, protocolsPath, presetsPath, budgetArg, maxArg] = process.argv.slice(2);
// The budget every family must meet (reported), and the most the build accepts (fails).
const budgetKb = Number(budgetArg || 300);
const maxKb = Number(maxArg || budgetKb);
const rows = JSON.parse(readFileSync(protocolsPath, 'utf8'));
const presets = JSON.parse(readFileSync(presetsPath, 'utf8'));
// The guided lessons (written beside the presets by build.sh).
const lessons = JSON.parse(readFileSync(join(dirname(presetsPath), 'lessons.json'), 'utf8'));
const families = [...new Set(rows.map(r => r.family))];
const gz = buf => gzipSync(buf, { level: constants.Z_BEST_COMPRESSION }).length;
const hash = buf => createHash('sha256').update(buf).digest('hex').slice(0, 12);
// The page's modules are served LZMA-compressed (xz's .lzma format, its best preset, with
// the uncompressed size written into the header) and inflated by the loader
// (static/lzma.js): about a fifth smaller than gzip -9 and than a server's brotli, and
// small on a server that compresses nothing. lc/lp/pb: the literal context of wasm is the
// previous byte's top bits; positions carry no alignment worth modelling.
const LZMA_OPTIONS = ['--format=lzma', '--stdout', '--lzma1=preset=9e,lc=4,lp=0,pb=0'];
function lzma(wasm) {
  let packed;
  try {
    packed = execFileSync('xz', LZMA_OPTIONS, { input: wasm, maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    throw new Error(`xz could not compress a module (${e.message}); install xz (Debian: apt-get install xz-utils)`);
  }
  let n = wasm.length;
  for (let i = 5; i < 13; i++, n = Math.floor(n / 256)) packed[i] = n % 256;
  return packed;
}

mkdirSync(join(dist, 'pkg'), { recursive: true });
// What the page carries inline stays the same size when a family adds presets or lessons:
// the modules' files, each protocol's family and the menus' file. A preset's or lesson's
// protocol is the longest protocol name its own name begins with, followed by a dash.
const manifest = {
  defaultFamily: rows.find(r => r.presets.length)?.family || families[0],
  families: {},
  protocols: Object.fromEntries(rows.map(r => [r.name, r.family])),
};
const protocolOfName = name => Object.keys(manifest.protocols).filter(p => name.startsWith(`${p}-`)).sort((a, b) => b.length - a.length)[0] || null;
for (const [what, list] of [['preset', presets], ['lesson', lessons]]) {
  for (const x of list) {
    if (protocolOfName(x.name) !== x.protocol) throw new Error(`${what} ${x.name}: its name must begin with its protocol's (${x.protocol}-…), so that the page finds its module without a list of every ${what}`);
  }
}
// The menus across every family, [name, English title, Chinese title] each: a file the
// page fetches when someone opens a menu (the one-file builds inline them).
const menus = { menu: presets.map(p => [p.name, p.title, p.title_zh]), lessons: lessons.map(l => [l.name, l.title, l.title_zh]) };
const presetProtocols = Object.fromEntries(presets.map(p => [p.name, p.protocol]));
const lessonProtocols = Object.fromEntries(lessons.map(l => [l.name, l.protocol]));
const modules = {};
for (const fam of families) {
  const wasm = readFileSync(join('pkg', fam, 'opt.wasm'));
  const js = readFileSync(join('pkg', fam, 'clusterlab.js'));
  const served = Buffer.from(await jsMin(js.toString('utf8')));
  const packed = lzma(wasm);
  const files = { wasm: `pkg/${fam}.${hash(packed)}.wasm.lzma`, js: `pkg/${fam}.${hash(served)}.js` };
  writeFileSync(join(dist, files.wasm), packed);
  writeFileSync(join(dist, files.js), served);
  manifest.families[fam] = files;
  modules[fam] = { wasm, packed, js: js.toString('utf8'), served };
}

// The history viewer: its own module, fetched when someone opens a client history.
const viewer = { wasm: readFileSync(join('pkg', 'viewer', 'opt.wasm')), js: readFileSync(join('pkg', 'viewer', 'clusterlab.js')) };
viewer.served = Buffer.from(await jsMin(viewer.js.toString('utf8')));
viewer.packed = lzma(viewer.wasm);
manifest.viewer = { wasm: `pkg/viewer.${hash(viewer.packed)}.wasm.lzma`, js: `pkg/viewer.${hash(viewer.served)}.js` };
const menusJson = Buffer.from(JSON.stringify(menus));
manifest.menuFile = `pkg/menu.${hash(menusJson)}.json`;
writeFileSync(join(dist, manifest.menuFile), menusJson);
writeFileSync(join(dist, manifest.viewer.wasm), viewer.packed);
writeFileSync(join(dist, manifest.viewer.js), viewer.served);

const html = readFileSync('index.html', 'utf8');
const css = readFileSync(join('static', 'style.css'), 'utf8');
const openHistory = readFileSync(join('static', 'open_history.js'), 'utf8');
const loader = readFileSync(join('static', 'lzma.js'), 'utf8') + readFileSync(join('static', 'loader.js'), 'utf8') + openHistory;
const cssServed = minifyCss(css, { restructure: false }).css;
writeFileSync(join(dist, 'static', 'style.css'), cssServed);
const start = html.indexOf('<!-- clusterlab:boot -->');
const end = html.indexOf('<!-- /clusterlab:boot -->') + '<!-- /clusterlab:boot -->'.length;
if (start < 0 || end < start) throw new Error('index.html lacks the clusterlab:boot markers');
// JSON inside <script>: no "</" can close the element early.
const manifestTag = `<script type="application/json" id="clusterlab-manifest">${JSON.stringify(manifest).replace(/</g, '\\u003c')}</script>`;
// A Content-Security-Policy in each page: scripts and styles only from the page's own
// origin or inline by hash (no 'unsafe-inline', no 'unsafe-eval'), wasm compiled with
// 'wasm-unsafe-eval', nothing from elsewhere. Hashes are of the inline elements as written.
function withCsp(doc) {
  const sha = text => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const inline = (tag, skip) => [...doc.matchAll(new RegExp(`<${tag}(\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))]
    .filter(m => !skip(m[1] || '')).map(m => sha(m[2]));
  const scripts = inline('script', attrs => /\bsrc=|application\/json/.test(attrs));
  const styles = inline('style', () => false);
  const policy = [
    "default-src 'none'",
    `script-src 'self' 'wasm-unsafe-eval' ${scripts.join(' ')}`,
    `style-src 'self'${styles.length ? ' ' + styles.join(' ') : ''}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return doc.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n  <meta http-equiv="Content-Security-Policy" content="${policy}">`);
}

const page = withCsp(html.slice(0, start) + `${manifestTag}\n<script type="module" async>\n${await jsMin(loader)}</script>` + html.slice(end));
writeFileSync(join(dist, 'index.html'), page);

// One file per family: the module inlined (its wasm gzipped, then base64), the history
// viewer inlined the same way inside a function (its glue's names stay its own), started
// only when a history is opened, and a loader that opens another family's scenario in
// that family's file beside this one.
const fileOf = fam => (fam === manifest.defaultFamily ? 'clusterlab.html' : `clusterlab-${fam}.html`);
const unexported = js => js
  .replace(/^export function /gm, 'function ')
  .replace(/^export class /gm, 'class ')
  .replace(/^export const /gm, 'const ')
  .replace(/^export \{[^}]*\};?\s*$/gm, '')
  .replace(/^export default [^;]+;\s*$/gm, '');
const viewerPacked = gzipSync(viewer.wasm, { level: 9 }).toString('base64');
const viewerInline = `const clusterlabViewer = (() => {
${unexported(viewer.js.toString('utf8'))}
let started = null;
return {
  start() {
    const packed = Uint8Array.from(atob(${JSON.stringify(viewerPacked)}), c => c.charCodeAt(0));
    started = started || new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer()
      .then(bytes => __wbg_init({ module_or_path: bytes }));
    return started.then(() => ({ show_history, close_history }));
  },
};
})();`;
for (const fam of families) {
  const glue = unexported(modules[fam].js);
  const packed = gzipSync(modules[fam].wasm, { level: 9 }).toString('base64');
  const files = Object.fromEntries(families.map(f => [f, fileOf(f)]));
  const boot = `<script type="module">
${glue}
${viewerInline}
${openHistory}
window.clusterlabLoader = {
  manifest: { menu: ${JSON.stringify(menus.menu).replace(/</g, '\\u003c')}, lessons: ${JSON.stringify(menus.lessons).replace(/</g, '\\u003c')} },
  openHistory(text, name, lang) { return clusterlabOpenHistory(clusterlabViewer.start(), text, name, lang); },
  family: () => ${JSON.stringify(fam)},
  familyOfPreset: name => { const p = ${JSON.stringify(presetProtocols)}[name]; return p ? ${JSON.stringify(manifest.protocols)}[p] : null; },
  familyOfLesson: name => { const p = ${JSON.stringify(lessonProtocols)}[name]; return p ? ${JSON.stringify(manifest.protocols)}[p] : null; },
  swapFile(family, text) { sessionStorage.setItem('clusterlab-file', text); return this.swap(family, 'file'); },
  takeFile() { const text = sessionStorage.getItem('clusterlab-file'); sessionStorage.removeItem('clusterlab-file'); return text; },
  swap(family, fragment) {
    const file = ${JSON.stringify(files)}[family];
    if (!file) return false;
    // After the call that asked for it returns: stop() writes the page's language and
    // theme into the address, then the family's own file opens.
    setTimeout(() => {
      stop();
      location.href = new URL(file + location.search + '#' + fragment, location.href).href;
    }, 0);
    return true;
  },
};
const packed = Uint8Array.from(atob(${JSON.stringify(packed)}), c => c.charCodeAt(0));
new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer()
  .then(bytes => __wbg_init({ module_or_path: bytes }))
  .catch(e => window.clusterlabBootError && window.clusterlabBootError(e));
</script>`;
  let out = html.slice(0, start) + boot + html.slice(end);
  out = withCsp(out.replace(/<link rel="stylesheet" href="static\/style.css"[^>]*>/, () => `<style>\n${css}\n</style>`));
  writeFileSync(join(dist, fileOf(fam)), out);
  if (out.length > 1024 * 1024) throw new Error(`${fileOf(fam)} is ${Math.round(out.length / 1024)} KB (the one-file build must stay under 1 MB)`);
}

// Each family's first download: the page, the stylesheet, its JS and its module as served
// (the .lzma file), each gzip -9 (DESIGN.md, "How we measure"). Beside it, the module's
// wasm as gzip -9 alone would send it, for comparison.
const base = gz(Buffer.from(page)) + gz(Buffer.from(cssServed));
const over = [];
const failed = [];
const kb = n => `${(n / 1024).toFixed(1)} KB`.padStart(9);
const sizes = m => ({ wasmRaw: m.wasm.length, wasmGz: gz(m.wasm), servedGz: gz(m.packed), jsGz: gz(m.served) });
console.log('module     wasm raw   wasm gz  served (lzma)  js gz   first download gz (page + css + js + module)');
const report = {};
for (const fam of families) {
  const s = sizes(modules[fam]);
  const first = base + s.jsGz + s.servedGz;
  report[fam] = { ...s, firstDownloadGz: first };
  console.log(`${fam.padEnd(8)} ${kb(s.wasmRaw)} ${kb(s.wasmGz)}      ${kb(s.servedGz)} ${kb(s.jsGz)}   ${kb(first)}${first > budgetKb * 1024 ? '  OVER BUDGET' : ''}`);
  if (first > budgetKb * 1024) over.push(fam);
  if (first > maxKb * 1024) failed.push(fam);
}
const v = sizes(viewer);
console.log(`${'viewer'.padEnd(8)} ${kb(v.wasmRaw)} ${kb(v.wasmGz)}      ${kb(v.servedGz)} ${kb(v.jsGz)}   (the history viewer, fetched only when a history is opened)`);
writeFileSync(join(dist, 'sizes.json'), JSON.stringify({ budgetKb, viewer: v, families: report }, null, 1));
if (over.length) console.error(`pack: OVER the ${budgetKb} KB first-download budget: ${over.join(', ')}`);
if (failed.length) {
  console.error(`pack: over the ${maxKb} KB the build accepts: ${failed.join(', ')}`);
  process.exit(3);
}
