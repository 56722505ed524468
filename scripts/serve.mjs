// A tiny static file server for dist/ (and for the browser tests): loopback only.
//
// It compresses as a static host does: brotli when the request accepts `br`, else gzip,
// for text, JavaScript, CSS, JSON, SVG and WebAssembly (`application/wasm`), with
// `Content-Encoding` and `Vary: Accept-Encoding`. Each file is compressed once per encoding
// and kept in memory until its mtime or size changes.
//
//   node scripts/serve.mjs [ROOT=dist] [PORT=8080] [--no-compress]     (or COMPRESS=0)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json',
  '.svg': 'image/svg+xml', '.lzma': 'application/x-lzma', '.txt': 'text/plain; charset=utf-8', '.png': 'image/png' };

/// Types worth compressing. `application/wasm` is the one that matters most (the module is
/// most of the page's bytes) and the one many servers leave out of their default lists.
export function compressible(type) {
  const t = type.split(';')[0].trim().toLowerCase();
  return t.startsWith('text/') || ['application/wasm', 'application/javascript', 'application/json', 'image/svg+xml'].includes(t);
}

/// The encoding to send for an `Accept-Encoding` header: 'br', 'gzip' or null (as is).
/// Honours q-values (`br;q=0` refuses brotli) and `*`.
export function pickEncoding(header) {
  const q = new Map();
  for (const part of String(header || '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map(p => p.trim()).find(p => p.startsWith('q='));
    const v = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(v) ? v : 0);
  }
  const accepts = enc => (q.has(enc) ? q.get(enc) : q.get('*') ?? 0) > 0;
  return accepts('br') ? 'br' : accepts('gzip') ? 'gzip' : null;
}

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
const ENCODERS = {
  // Once per file, so the slowest, smallest settings, as hosts that precompress use.
  br: (body, text) => brotli(body, { params: {
    [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
    [zlib.BROTLI_PARAM_MODE]: text ? zlib.BROTLI_MODE_TEXT : zlib.BROTLI_MODE_GENERIC,
    [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  gzip: body => gz(body, { level: zlib.Z_BEST_COMPRESSION }),
};

export function serve(root, port = 0, host = '127.0.0.1', { compress = true } = {}) {
  const base = resolve(root);
  // path -> { mtimeMs, size, body: Promise<Buffer>, br?: Promise<Buffer|null>, gzip?: ... };
  // an entry whose mtime or size no longer match is replaced, so one version per path is kept.
  const cache = new Map();
  const entry = (file, st) => {
    let e = cache.get(file);
    if (!e || e.mtimeMs !== st.mtimeMs || e.size !== st.size) {
      e = { mtimeMs: st.mtimeMs, size: st.size, body: readFile(file) };
      e.body.catch(() => { if (cache.get(file) === e) cache.delete(file); });
      cache.set(file, e);
    }
    return e;
  };
  // The compressed body, or null when compressing does not make it smaller.
  const encoded = (e, enc, type) => {
    if (!e[enc]) {
      e[enc] = e.body.then(async body => {
        const out = await ENCODERS[enc](body, type.startsWith('text/'));
        return out.length < body.length ? out : null;
      });
      e[enc].catch(() => { e[enc] = undefined; });
    }
    return e[enc];
  };

  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) { res.writeHead(403).end(); return; }
      let st = await stat(file);
      if (st.isDirectory()) { file = join(file, 'index.html'); st = await stat(file); }
      if (!st.isFile()) throw new Error('not a file');
      const type = TYPES[extname(file).toLowerCase()] || 'application/octet-stream';
      const headers = { 'content-type': type, 'cache-control': 'no-cache' };
      const e = entry(file, st);
      let body = null;
      if (compress && compressible(type)) {
        headers.vary = 'Accept-Encoding';
        const enc = pickEncoding(req.headers['accept-encoding']);
        if (enc && (body = await encoded(e, enc, type))) headers['content-encoding'] = enc;
      }
      body ??= await e.body;
      headers['content-length'] = body.length;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      if (!res.headersSent) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      else res.destroy();
    }
  });
  return new Promise(ok => server.listen(port, host, () => ok(server)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const off = args.includes('--no-compress') || /^(0|false|no|off)$/i.test(process.env.COMPRESS ?? '');
  const [root = 'dist', port = '8080'] = args.filter(a => !a.startsWith('--'));
  const s = await serve(root, Number(port), '127.0.0.1', { compress: !off });
  console.log(`ClusterLab on http://127.0.0.1:${s.address().port}/ (${off ? 'uncompressed' : 'brotli or gzip as the browser accepts'})`);
}
