// Write DIST/clusterlab.html: one self-contained file (wasm, JS and styles inlined) that
// works from file:// or an LMS that accepts only single HTML files.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = process.argv[2] || 'dist';
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const css = readFileSync(join(dist, 'static', 'style.css'), 'utf8');
const wasm = readFileSync(join(dist, 'pkg', 'clusterlab_bg.wasm')).toString('base64');
let js = readFileSync(join(dist, 'pkg', 'clusterlab.js'), 'utf8');

// Turn the ES module into plain statements inside one inline module script.
js = js
  .replace(/^export function /gm, 'function ')
  .replace(/^export class /gm, 'class ')
  .replace(/^export const /gm, 'const ')
  .replace(/^export \{[^}]*\};?\s*$/gm, '')
  .replace(/^export default [^;]+;\s*$/gm, '');

const boot = `<script type="module">
${js}
const bytes = Uint8Array.from(atob(${JSON.stringify(wasm)}), c => c.charCodeAt(0));
__wbg_init({ module_or_path: bytes }).catch(e => window.clusterlabBootError && window.clusterlabBootError(e));
</script>`;

const start = html.indexOf('<!-- clusterlab:boot -->');
const end = html.indexOf('<!-- /clusterlab:boot -->');
if (start < 0 || end < 0) throw new Error('index.html lacks the clusterlab:boot markers');
let out = html.slice(0, start) + boot + html.slice(end + '<!-- /clusterlab:boot -->'.length);
out = out.replace(/<link rel="stylesheet" href="static\/style.css"[^>]*>/, () => `<style>\n${css}\n</style>`);
writeFileSync(join(dist, 'clusterlab.html'), out);
console.log(`inline: ${join(dist, 'clusterlab.html')} (${Math.round(out.length / 1024)} KB)`);
