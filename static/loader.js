// ClusterLab's loader. Each page module carries one protocol family, so the page learns
// which protocol the address names (a preset or a #s= link) before loading any
// module, loads only that family's module, and swaps modules in place when the page opens
// a scenario of another family. scripts/build.sh writes the manifest (content-hashed module
// files, protocol -> family, the menus' file) into the page beside this script. A preset's
// or lesson's name begins with its protocol's (the build checks it), so the page need not
// carry every family's preset list; the menus of every family are fetched when someone
// opens a menu.
const manifest = JSON.parse(document.getElementById('clusterlab-manifest').textContent);

// The same caps as the link decoder (src/scenario/link.rs), before and during inflation.
const MAX_LINK_BYTES = 8 * 1024;
const MAX_INFLATED_BYTES = 64 * 1024;

function base64urlBytes(text) {
  if (!/^[A-Za-z0-9_-]*=*$/.test(text)) throw new Error('not base64url');
  const b64 = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '==='.slice((b64.length + 3) % 4));
  return Uint8Array.from(bin, c => c.charCodeAt(0));
}

async function inflateRaw(bytes) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_INFLATED_BYTES) { reader.cancel(); throw new Error('inflates too far'); }
    parts.push(value);
  }
  return new TextDecoder().decode(await new Blob(parts).arrayBuffer());
}

// The protocol a preset's or lesson's name begins with: the longest protocol name followed
// by a dash (`paxos-commit-commit` is paxos-commit's, `3pc-partition` 3pc's), or null.
function protocolOfName(name) {
  let best = null;
  for (const p of Object.keys(manifest.protocols)) {
    if (name.startsWith(`${p}-`) && (!best || p.length > best.length)) best = p;
  }
  return best;
}

// The protocol a fragment names, or null (a bad link: the module says what is wrong).
async function protocolOf(fragment) {
  const f = fragment.replace(/^#/, '');
  const preset = f.match(/^preset=([^&]*)/);
  if (preset) return protocolOfName(decodeURIComponent(preset[1]));
  const lesson = f.match(/^lesson=([^&]*)/);
  if (lesson) return protocolOfName(decodeURIComponent(lesson[1]));
  // A teacher's lesson carried whole in the link (its own version, 1).
  const lessonLink = f.match(/^l=(1\.[^&]*)/);
  if (lessonLink) return inflatedProtocol(lessonLink[1]);
  const link = f.startsWith('s=') ? f.slice(2) : /^\d+\./.test(f) ? f : null;
  if (!link || !['1', '2', '3', '4', '5', '6', '7'].includes(link.slice(0, link.indexOf('.')))) return null;
  return inflatedProtocol(link);
}

// The protocol named inside a link body (`V.` + deflated JSON in base64url), or null.
async function inflatedProtocol(link) {
  if (link.length > MAX_LINK_BYTES) return null;
  const dot = link.indexOf('.');
  try {
    const scenario = JSON.parse(await inflateRaw(base64urlBytes(link.slice(dot + 1))));
    return typeof scenario.protocol === 'string' ? scenario.protocol : null;
  } catch {
    return null;
  }
}

async function familyFor(fragment) {
  const protocol = await protocolOf(fragment);
  return (protocol && manifest.protocols[protocol]) || manifest.defaultFamily;
}

// Fetch and compile a family's module without starting it.
async function fetchModule(family) {
  const files = manifest.families[family];
  if (!files) throw new Error(`no module ${family}`);
  return fetchFiles(family, files);
}

// The glue and the module are fetched side by side; the module comes LZMA-compressed
// (scripts/pack.mjs) and is inflated here (lzmaDecode, inlined before this script), then
// compiled.
async function fetchFiles(family, files) {
  const glue = import(new URL(files.js, document.baseURI).href);
  const module = fetch(new URL(files.wasm, document.baseURI)).then(async response => {
    if (!response.ok) throw new Error(`${files.wasm}: HTTP ${response.status}`);
    return WebAssembly.compile(lzmaDecode(new Uint8Array(await response.arrayBuffer())));
  });
  const [js, wasm] = await Promise.all([glue, module]);
  return { family, js, wasm };
}

// The page's stylesheet, loaded (or failed): the loader runs without waiting for it, and the
// first module starts once it is there, so the page never draws unstyled.
const stylesheet = new Promise(done => {
  const link = document.querySelector('link[rel=stylesheet]');
  if (!link || link.sheet) done();
  else {
    link.addEventListener('load', done);
    link.addEventListener('error', done);
  }
});

let current = null;

async function startModule(next) {
  await next.js.default({ module_or_path: next.wasm });
  current = next;
  document.documentElement.dataset.module = next.family;
}

function say(text, detail) {
  const api = window.clusterlab;
  if (api && api.notice) api.notice({ text, detail: String(detail && detail.message ? detail.message : detail) });
  else window.clusterlabBootError(new Error(`${text}: ${detail && detail.message ? detail.message : detail}`));
}

// The history viewer's module, fetched and started the first time a history is opened.
let viewer = null;
function startViewer() {
  viewer = viewer || fetchFiles('viewer', manifest.viewer).then(async m => {
    await m.js.default({ module_or_path: m.wasm });
    return m.js;
  });
  viewer.catch(() => { viewer = null; });
  return viewer;
}

// Every family's preset and lesson menus ([name, English title, Chinese title] each),
// fetched the first time they are asked for and then kept in the manifest.
let menus = null;
function loadMenus() {
  menus = menus || fetch(new URL(manifest.menuFile, document.baseURI))
    .then(r => { if (!r.ok) throw new Error(`${manifest.menuFile}: HTTP ${r.status}`); return r.json(); })
    .then(m => { manifest.menu = m.menu; manifest.lessons = m.lessons; });
  menus.catch(() => { menus = null; });
  return menus;
}

const familyOfName = name => { const p = protocolOfName(name); return p ? manifest.protocols[p] : null; };

window.clusterlabLoader = {
  manifest,
  loadMenus,
  // Open a client history (a ClusterLab history file's text, or null to open a file) in
  // the history viewer; if its module cannot be fetched, the page says why.
  openHistory(text, name, lang) { return clusterlabOpenHistory(startViewer(), text, name, lang); },
  family: () => current && current.family,
  familyOfPreset: familyOfName,
  familyOfLesson: familyOfName,
  // A scenario file of `family`'s protocol (which may be too long for an address) waits in
  // the tab's session storage while that module loads and opens #file, which takes it.
  swapFile(family, text) { sessionStorage.setItem('clusterlab-file', text); return this.swap(family, 'file'); },
  takeFile() { const text = sessionStorage.getItem('clusterlab-file'); sessionStorage.removeItem('clusterlab-file'); return text; },
  // Open `fragment` in `family`'s module. If the module cannot be fetched, the open run
  // stays as it was and the page says why.
  async swap(family, fragment) {
    let next;
    try {
      next = await fetchModule(family);
    } catch (e) {
      say('The module for this scenario could not be loaded', e);
      return false;
    }
    if (current) current.js.stop();
    history.replaceState(null, '', `${location.pathname}${location.search}#${fragment}`);
    const app = document.getElementById('app');
    app.replaceChildren();
    try {
      await startModule(next);
    } catch (e) {
      app.innerHTML = '<p class="boot error" id="boot"></p>';
      window.clusterlabBootError(e);
      return false;
    }
    if (window.parent !== window && window.clusterlab) {
      window.parent.postMessage({ clusterlab: 'loaded', family, state: window.clusterlab.state() }, '*');
    }
    return true;
  },
};

familyFor(location.hash)
  .then(family => Promise.all([fetchModule(family), stylesheet]))
  .then(([next]) => startModule(next))
  .catch(e => window.clusterlabBootError(e));
