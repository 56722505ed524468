// Loading over a slow link. Chromium's network emulation (1.6 Mbit/s each way, 150 ms
// latency) loads the built page from `make serve`'s server, compressed as a static host
// does (brotli or gzip) and uncompressed, and measures the time from navigation until the
// page is interactive: the play control is there and enabled, and a click on it makes
// simulated time advance. The times and the bytes that crossed the wire are printed.
// Budgets: 3 s compressed, 5 s uncompressed. Nothing here names a family's module files
// (only that a module, `.wasm.lzma`, was fetched), so it measures the same thing whichever
// module the default scenario needs.
//
// The first part checks the server's compression itself over plain HTTP, without a browser.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, mkdir, writeFile, utimes, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { serve, pickEncoding } from '../../scripts/serve.mjs';
import { start, ROOT } from './helpers.mjs';

// ---- the server, over plain HTTP ----

/// One raw response (node's http does not decompress): status, headers, body bytes.
const get = (server, path, acceptEncoding, method = 'GET') => new Promise((ok, fail) => {
  const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
  const req = request({ host: '127.0.0.1', port: server.address().port, path, method, headers }, res => {
    const chunks = [];
    res.on('data', c => chunks.push(c));
    res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    res.on('error', fail);
  });
  req.on('error', fail);
  req.end();
});

const decode = r => r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body)
  : r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body;

describe('make serve compresses as static hosts do', () => {
  let dir, site, server, plain;
  const wasm = Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(40000, 'wasm code section ')]);
  const files = {
    'index.html': '<!doctype html><title>t</title>' + '<p>hello</p>'.repeat(200),
    'pkg/mod_bg.wasm': wasm,
    'pkg/mod.js': 'export function f() { return 1; }\n'.repeat(300),
    'static/style.css': 'body { margin: 0; }\n'.repeat(300),
    'data.json': JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ i, name: 'node' }))),
    'pic.svg': '<svg xmlns="http://www.w3.org/2000/svg">' + '<circle r="1"/>'.repeat(300) + '</svg>',
    'pic.png': Buffer.alloc(4000, 7),
    'tiny.js': '1',
  };
  const FIXED = new Date('2020-01-02T03:04:05.000Z');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clusterlab-serve-'));
    site = join(dir, 'site');
    for (const [name, body] of Object.entries(files)) {
      await mkdir(join(site, name, '..'), { recursive: true });
      await writeFile(join(site, name), body);
    }
    // A sibling whose name starts with the root's: a prefix check alone would let it out.
    await mkdir(join(dir, 'site-private'));
    await writeFile(join(dir, 'site-private', 'secret.txt'), 'secret');
    server = await serve(site, 0);
    plain = await serve(site, 0, '127.0.0.1', { compress: false });
  });
  after(async () => { server.close(); plain.close(); await rm(dir, { recursive: true, force: true }); });

  test('Accept-Encoding: brotli when accepted, else gzip, else as is (q-values honoured)', () => {
    const cases = [['gzip, deflate, br, zstd', 'br'], ['gzip, deflate', 'gzip'], ['', null], [undefined, null],
      ['br;q=0, gzip', 'gzip'], ['GZIP, BR', 'br'], ['*', 'br'], ['gzip;q=0, *', 'br'], ['*;q=0', null],
      ['identity', null], ['br;q=0.1', 'br'], ['gzip;q=0', null], ['deflate', null]];
    for (const [header, want] of cases) assert.equal(pickEncoding(header), want, String(header));
  });

  test('text, JS, CSS, JSON, SVG and application/wasm are served compressed, with Vary', async () => {
    for (const name of ['index.html', 'pkg/mod_bg.wasm', 'pkg/mod.js', 'static/style.css', 'data.json', 'pic.svg']) {
      const original = Buffer.from(files[name]);
      for (const [accept, want] of [['gzip, deflate, br', 'br'], ['gzip, deflate', 'gzip'], [undefined, undefined]]) {
        const r = await get(server, '/' + name, accept);
        assert.equal(r.status, 200, name);
        assert.equal(r.headers['content-encoding'], want, `${name} with Accept-Encoding: ${accept}`);
        assert.equal(r.headers.vary, 'Accept-Encoding', name);
        assert.equal(Number(r.headers['content-length']), r.body.length, name);
        if (want) assert.ok(r.body.length < original.length / 4, `${name}: ${r.body.length} of ${original.length} bytes`);
        assert.ok(decode(r).equals(original), `${name} (${want}) decodes to the file`);
      }
    }
    const w = await get(server, '/pkg/mod_bg.wasm', 'br');
    assert.equal(w.headers['content-type'], 'application/wasm');
    // The directory's index, compressed too.
    const root = await get(server, '/', 'gzip');
    assert.equal(root.headers['content-encoding'], 'gzip');
    assert.equal(decode(root).toString(), files['index.html']);
  });

  test('images and files that do not shrink are sent as they are', async () => {
    const png = await get(server, '/pic.png', 'br, gzip');
    assert.equal(png.headers['content-encoding'], undefined);
    assert.equal(png.headers.vary, undefined);
    assert.ok(png.body.equals(files['pic.png']));
    const tiny = await get(server, '/tiny.js', 'br, gzip');
    assert.equal(tiny.headers['content-encoding'], undefined, 'one byte does not get smaller');
    assert.equal(tiny.headers.vary, 'Accept-Encoding');
    assert.equal(tiny.body.toString(), '1');
  });

  test('each file is compressed once and kept until its mtime or size changes', async () => {
    const file = join(site, 'pkg', 'cached.js');
    const a = 'const a = "first";\n'.repeat(100), b = 'const a = "other";\n'.repeat(100);
    await writeFile(file, a);
    await utimes(file, FIXED, FIXED);
    assert.equal(decode(await get(server, '/pkg/cached.js', 'br')).toString(), a);
    assert.equal(decode(await get(server, '/pkg/cached.js', 'gzip')).toString(), a);
    // Same size and mtime: the cached bytes are what is served (this is how we see the cache).
    await writeFile(file, b);
    await utimes(file, FIXED, FIXED);
    assert.equal(decode(await get(server, '/pkg/cached.js', 'br')).toString(), a, 'served from the cache');
    // A new mtime: compressed afresh.
    const later = new Date(FIXED.getTime() + 1000);
    await utimes(file, later, later);
    assert.equal(decode(await get(server, '/pkg/cached.js', 'br')).toString(), b, 'a changed file is compressed again');
    assert.equal(decode(await get(server, '/pkg/cached.js', 'gzip')).toString(), b);
    // A new size with the same mtime: read and compressed afresh too.
    const c = b + '// longer\n';
    await writeFile(file, c);
    await utimes(file, later, later);
    assert.equal(decode(await get(server, '/pkg/cached.js', 'br')).toString(), c);
  });

  test('HEAD sends the headers of the encoded body and no body', async () => {
    const full = await get(server, '/pkg/mod_bg.wasm', 'br');
    const head = await get(server, '/pkg/mod_bg.wasm', 'br', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-encoding'], 'br');
    assert.equal(head.headers['content-length'], String(full.body.length));
    assert.equal(head.body.length, 0);
  });

  test('{ compress: false } serves every file as it is', async () => {
    for (const name of ['index.html', 'pkg/mod_bg.wasm', 'pkg/mod.js']) {
      const r = await get(plain, '/' + name, 'gzip, deflate, br');
      assert.equal(r.headers['content-encoding'], undefined, name);
      assert.equal(r.headers.vary, undefined, name);
      assert.ok(r.body.equals(Buffer.from(files[name])), name);
    }
  });

  test('loopback only; nothing outside the root; missing files are 404', async () => {
    assert.equal(server.address().address, '127.0.0.1');
    for (const path of ['/..%2fsite-private/secret.txt', '/%2e%2e/site-private/secret.txt', '/pkg/..%2f..%2f..%2fsite-private/secret.txt']) {
      const r = await get(server, path, 'br');
      assert.ok(r.status === 403 || r.status === 404, `${path}: ${r.status}`);
      assert.ok(!r.body.toString().includes('secret'), path);
    }
    for (const path of ['/nope.js', '/pkg/', '/%E0%A4%A']) {
      const r = await get(server, path, 'br');
      assert.equal(r.status, 404, path);
      assert.equal(r.body.toString(), 'not found');
    }
  });
});

// ---- the built page over an emulated slow link ----

const NET = { offline: false, latency: 150, downloadThroughput: 200000, uploadThroughput: 200000 };
const BUDGET_MS = { compressed: 3000, uncompressed: 5000 };
// Both budgets are asserted as they stand (the uncompressed one was a 6.5 s guard until the
// modules came LZMA-compressed from the build: 5.37 s, then 2.5 s).
const GUARD_MS = BUDGET_MS;
// A timing belongs to `make bench` (DESIGN, testing layers): it runs these loads and asserts
// the median of three against the guard; `make test` skips them (the server's compression is
// checked above without a browser).
const BENCH = Boolean(process.env.CLUSTERLAB_BENCH);
const RUNS = 3;
const WAIT_MS = 60000; // how long to keep measuring a slow load before giving up

/// From the moment this is called until the page is interactive: the play control present and
/// enabled, and a click on it advancing simulated time. Returns when (performance.now(), ms)
/// the control was ready and when time had advanced.
async function untilInteractive(page) {
  const play = page.locator('[data-testid=play]');
  await page.waitForFunction(() => {
    const b = document.querySelector('[data-testid=play]');
    return b && !b.disabled && b.getAttribute('aria-disabled') !== 'true';
  }, null, { polling: 'raf', timeout: WAIT_MS });
  const ready = performance.now();
  const pressed = () => play.getAttribute('aria-pressed');
  // A page that starts playing is paused first, so that it is the click on play that moves time.
  if (await pressed() === 'true') {
    await play.click({ timeout: WAIT_MS });
    await page.waitForFunction(() => document.querySelector('[data-testid=play]').getAttribute('aria-pressed') === 'false', null, { polling: 'raf', timeout: WAIT_MS });
  }
  const t0 = Number(await page.getAttribute('[data-sim-time-us]', 'data-sim-time-us'));
  await play.click({ timeout: WAIT_MS });
  await page.waitForFunction(t => Number(document.querySelector('[data-sim-time-us]')?.getAttribute('data-sim-time-us')) > t,
    t0, { polling: 'raf', timeout: WAIT_MS });
  return { ready, advanced: performance.now() };
}

/// One load in a fresh context (empty cache) under NET: time to interactive, and every
/// response with its type, encoding and the bytes it took on the wire (headers included).
async function throttledLoad(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  const cdp = await context.newCDPSession(page);
  const responses = new Map();
  const header = (h, name) => Object.entries(h || {}).find(([k]) => k.toLowerCase() === name)?.[1];
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => {
    if (/^https?:/.test(request.url)) responses.set(requestId, { url: request.url, done: false, bytes: 0 });
  });
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const r = responses.get(requestId);
    if (r) Object.assign(r, { status: response.status, type: response.mimeType, encoding: header(response.headers, 'content-encoding') || '' });
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const r = responses.get(requestId);
    if (r) Object.assign(r, { done: true, bytes: encodedDataLength });
  });
  cdp.on('Network.loadingFailed', ({ requestId, errorText }) => {
    const r = responses.get(requestId);
    if (r) Object.assign(r, { done: true, failed: errorText });
  });
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', NET);
  const t0 = performance.now();
  await page.goto(url, { waitUntil: 'commit', timeout: WAIT_MS });
  const { ready, advanced } = await untilInteractive(page);
  const ms = advanced - t0, readyMs = ready - t0;
  // Count what was still on its way when the page became interactive too (bounded wait).
  for (let i = 0; i < 100 && [...responses.values()].some(r => !r.done); i++) await page.waitForTimeout(100);
  await context.close();
  const list = [...responses.values()];
  return { ms, readyMs, list, bytes: list.reduce((s, r) => s + r.bytes, 0), errors };
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = n => `${(n / 1024).toFixed(1)} KB`;

describe('the built page over 1.6 Mbit/s with 150 ms latency', { skip: !BENCH && 'a timing: make bench runs it' }, () => {
  let env, plain;
  const bases = {};
  before(async () => {
    env = await start(); // serves dist/ as `make serve` does: compressed
    plain = await serve(join(ROOT, 'dist'), 0, '127.0.0.1', { compress: false });
    bases.compressed = env.base;
    bases.uncompressed = `http://127.0.0.1:${plain.address().port}/`;
    // One load at full speed first: a static host has its files compressed before anyone asks,
    // so the server's one-time compression is kept out of the measured loads.
    for (const base of Object.values(bases)) {
      const context = await env.browser.newContext();
      const page = await context.newPage();
      await page.goto(base, { timeout: WAIT_MS });
      await untilInteractive(page);
      await context.close();
    }
  });
  after(async () => { plain?.close(); await env?.stop(); });

  for (const mode of ['compressed', 'uncompressed']) {
    test(`${mode}: time to interactive against the ${BUDGET_MS[mode] / 1000} s budget`, async () => {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await throttledLoad(env.browser, bases[mode]));
      for (const run of runs) assert.deepEqual(run.errors, []);
      const last = runs[runs.length - 1];
      for (const r of last.list) {
        console.log(`  ${mode}: ${new URL(r.url).pathname} ${r.type || '?'} ${r.encoding || 'identity'} ${kb(r.bytes)}${r.failed ? ' FAILED ' + r.failed : ''}`);
      }
      const ms = median(runs.map(r => r.ms));
      console.log(`${mode}: interactive after ${runs.map(r => Math.round(r.ms)).join(', ')} ms (median ${Math.round(ms)} ms, budget ${BUDGET_MS[mode]} ms; `
        + `play enabled after ${runs.map(r => Math.round(r.readyMs)).join(', ')} ms); ${runs.map(r => kb(r.bytes)).join(', ')} transferred in ${last.list.length} responses`);
      // What the server was asked to do, seen from the browser: everything big enough to
      // matter that is text, JS, CSS, JSON or wasm arrives compressed, or arrives as is.
      for (const r of last.list.filter(r => r.status === 200 && r.bytes > 2048 && /^(text\/|application\/(wasm|javascript|json))/.test(r.type))) {
        if (mode === 'compressed') assert.match(r.encoding, /^(br|gzip)$/, `${r.url} (${r.type}) compressed`);
        else assert.equal(r.encoding, '', `${r.url} as is`);
      }
      assert.ok(last.list.some(r => /\.wasm\.lzma$/.test(r.url) && r.status === 200), 'a page module was loaded');
      if (ms > BUDGET_MS[mode]) console.log(`${mode}: BUDGET NOT MET: ${Math.round(ms)} ms > ${BUDGET_MS[mode]} ms`);
      assert.ok(ms <= GUARD_MS[mode], `${mode}: interactive after ${Math.round(ms)} ms (median of ${RUNS}), budget ${BUDGET_MS[mode]} ms, `
        + `guard ${GUARD_MS[mode]} ms; ${kb(last.bytes)} transferred`);
    });
  }
});
