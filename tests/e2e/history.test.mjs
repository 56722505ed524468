// "Open history": the history viewer is a module of its own, fetched only when a history is
// opened. A run's client history opens from the safety panel, drawn as bars per client with
// the verdict and the failure centred; a Jepsen file opens from the dialog, and a
// 10,000-operation history is checked and drawn within 3 s and pans and zooms within a
// frame's budget; a bad file gets its line and the dialog keeps what it showed; a viewer
// that cannot be fetched leaves the page as it was; the one-file build carries the viewer.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { start, open, ROOT, SHOTS } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

// A key-value history linearizable by construction, as Jepsen EDN with :time: each write
// takes effect at an instant inside its bar, each read returns the value at an instant
// inside its bar. `bad` makes one read return a value never written.
function ednHistory(n, processes = 10, bad = false) {
  let seed = 7;
  const rand = m => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor(seed / 65536) % m; };
  const plans = [];
  const clock = new Array(processes).fill(0);
  for (let i = 0; i < n; i++) {
    const p = rand(processes);
    const s = clock[p] + rand(20) + 1;
    const effect = s + rand(30) + 1;
    const e = effect + rand(30) + 1;
    clock[p] = e;
    plans.push({ p, key: `k${rand(8)}`, s, effect, e, write: rand(2) === 0, value: i });
  }
  const writes = plans.filter(x => x.write);
  const events = [];
  for (const x of plans) {
    let value = x.value;
    if (!x.write) {
      const before = writes.filter(w => w.key === x.key && w.effect < x.effect);
      if (writes.some(w => w.key === x.key && w.effect === x.effect)) continue;
      value = before.length ? before.reduce((a, b) => (b.effect > a.effect ? b : a)).value : null;
    }
    events.push({ t: x.s, line: `{:process ${x.p}, :type :invoke, :f ${x.write ? ':put' : ':get'}, :key "${x.key}", :value ${x.write ? value : 'nil'}, :time ${x.s * 1000}}` });
    events.push({ t: x.e, line: `{:process ${x.p}, :type :ok, :f ${x.write ? ':put' : ':get'}, :key "${x.key}", :value ${value === null ? 'nil' : value}, :time ${x.e * 1000}}` });
  }
  events.sort((a, b) => a.t - b.t);
  if (bad) {
    const i = events.findIndex((e, k) => k > events.length / 2 && e.line.includes(':type :ok, :f :get'));
    events[i].line = events[i].line.replace(/:value [^,]+,/, ':value 99999999,');
  }
  return events.map(e => e.line).join('\n') + '\n';
}

const verdict = page => page.$eval('[data-testid=history-verdict]', e => e.dataset.verdict);

async function openFile(page, name, text) {
  await page.setInputFiles('[data-testid=history-file]', { name, mimeType: 'text/plain', buffer: Buffer.from(text) });
}

test('a run\'s client history opens in the viewer, fetched only then, with the failure shown', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=raft-stale-read');
  const fetched = [];
  page.on('request', r => { if (/pkg\/viewer\.[0-9a-f]+\.wasm\.lzma$/.test(r.url())) fetched.push(r.url()); });
  await page.evaluate(() => window.clusterlab.runFor(8_000_000));
  assert.equal(fetched.length, 0, 'the viewer is not fetched before a history is opened');
  const t0 = Date.now();
  await page.click('[data-testid=show-history]');
  await page.waitForSelector('[data-testid=history-verdict]', { timeout: 20_000 });
  console.log(`# the viewer fetched, started, and the run's history checked and shown in ${Date.now() - t0} ms`);
  assert.equal(fetched.length, 1);
  assert.equal(await verdict(page), 'not_linearizable');
  assert.match(await page.textContent('[data-testid=history-failure]'), /key x: a read of x returned 1/);
  await page.click('[data-testid=history-goto-failure]');
  await page.waitForTimeout(200);
  // Point at the stuck read: the hover line says what it needs and what the key holds.
  const box = await page.$eval('[data-testid=history-canvas]', c => { const r = c.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width }; });
  let said = '';
  for (let x = 60; x < box.w && !said.includes('cannot be placed'); x += 2) {
    await page.mouse.move(box.x + x, box.y + 22 + 26 * 2 + 13);
    said = await page.textContent('[data-testid=history-hover]');
  }
  assert.match(said, /get x → 1 · ok · .* · cannot be placed: needs x = 1; it holds 2/);
  await page.screenshot({ path: join(SHOTS, 'history-run.png') });
  // Escape closes the dialog; the run is still there.
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=history]', { state: 'detached' });
  assert.ok(await page.$('[data-node-id]'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a 10,000-operation Jepsen history is checked and drawn within 3 s, and pans and zooms within a frame', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=raft-election');
  await page.click('[data-testid=open-history]');
  await page.waitForSelector('[data-testid=history-file]', { state: 'attached', timeout: 20_000 });
  const text = ednHistory(10_000);
  const t0 = Date.now();
  await openFile(page, 'big.edn', text);
  await page.waitForSelector('[data-testid=history-verdict]', { timeout: 20_000 });
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=history-canvas]')?.dataset.barsDrawn) > 0);
  const ms = Date.now() - t0;
  assert.equal(await verdict(page), 'linearizable');
  const stats = await page.textContent('[data-testid=history-stats]');
  assert.match(stats, /operations: \d+ · clients: 10 · keys: 8 · jepsen-edn/);
  assert.ok(Number(stats.match(/operations: (\d+)/)[1]) >= 9_900, stats);
  assert.ok(ms < 3000, `checked and drawn in ${ms} ms`);
  // Zoom in, pan, zoom out: one wheel event a frame; every paint is timed by the canvas.
  const box = await page.$eval('[data-testid=history-canvas]', c => { const r = c.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; });
  await page.mouse.move(box.x, box.y);
  const paints = [];
  for (let i = 0; i < 90; i++) {
    const [dx, dy] = i < 30 ? [0, -120] : i < 60 ? [200, 0] : [0, 160];
    await page.mouse.wheel(dx, dy);
    await page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))));
    paints.push(Number(await page.$eval('[data-testid=history-canvas]', c => c.dataset.paintUs)) / 1000);
  }
  paints.sort((a, b) => a - b);
  const median = paints[45], p95 = paints[85];
  console.log(`# 10,000 operations: checked and drawn in ${ms} ms; paint median ${median.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms`);
  assert.ok(p95 < 16, `p95 paint ${p95} ms`);
  await page.screenshot({ path: join(SHOTS, 'history-10k.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a bad file gets its line, the dialog keeps what it showed, and a failing file is drawn', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=raft-election');
  await page.click('[data-testid=open-history]');
  await page.waitForSelector('[data-testid=history-file]', { state: 'attached', timeout: 20_000 });
  await openFile(page, 'bad.edn', ednHistory(200, 4, true));
  await page.waitForSelector('[data-testid=history-verdict]', { timeout: 20_000 });
  assert.equal(await verdict(page), 'not_linearizable');
  assert.match(await page.textContent('[data-testid=history-failure]'), /returned 99999999/);
  await openFile(page, 'broken.edn', '{:process 0, :type :invoke, :f :put, :key "a", :value 1}\n{:process 0, :type :ok, :f :put, :key "a", :value 1}\n{:process 0 :type\n');
  await page.waitForSelector('[data-testid=history-error]');
  assert.match(await page.textContent('[data-testid=history-error]'), /broken\.edn: line 3/);
  assert.equal(await verdict(page), 'not_linearizable', 'the history shown before stays');
  await openFile(page, 'empty.edn', '\n');
  await page.waitForFunction(() => /empty\.edn: /.test(document.querySelector('[data-testid=history-error]').textContent));
  // A run without a client history: the dialog opens empty, and "This run" is not offered.
  assert.equal(await page.$('[data-testid=history-run]'), null);
  await page.click('[data-testid=history-close]');
  await page.waitForSelector('[data-testid=history]', { state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a viewer that cannot be fetched leaves the page as it was and says so', async () => {
  const { page, context } = await open(env.browser, env.base + '#preset=raft-stale-read');
  await page.route(/pkg\/viewer\./, r => r.abort());
  const before = await page.evaluate(() => window.clusterlab.state().eventCount);
  await page.click('[data-testid=open-history]');
  await page.waitForSelector('[data-testid=notice]');
  assert.match(await page.textContent('[data-testid=notice]'), /The history viewer could not be loaded/);
  assert.equal(await page.$('[data-testid=history]'), null);
  assert.ok(await page.$('[data-node-id]'));
  assert.ok((await page.evaluate(() => window.clusterlab.state().eventCount)) >= before);
  await context.close();
});

test('the one-file build opens a history from file:// with the viewer inlined', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(pathToFileURL(join(ROOT, 'dist', 'clusterlab.html')).href + '#preset=raft-stale-read');
  await page.waitForFunction(() => window.clusterlab && document.querySelector('[data-node-id]'));
  const answer = await page.evaluate(() => window.clusterlab.openHistory({ name: 'x.edn', text: '{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value 3}\n' }));
  assert.equal(answer.ok, true);
  await page.waitForSelector('[data-testid=history-verdict]', { timeout: 20_000 });
  assert.equal(await verdict(page), 'not_linearizable');
  assert.deepEqual(errors, []);
  await context.close();
});
