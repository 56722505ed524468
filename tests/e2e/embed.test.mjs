// Embedding in Chromium: ?embed=1 fits an iframe and links to the full view; a course page
// on another origin drives the simulation by postMessage; the one-file build runs from
// file:// with no server.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { start, open, state, ROOT, SHOTS } from './helpers.mjs';

let env, parent, parentUrl;
before(async () => {
  env = await start();
  // The course page lives on a second server: another port, so another origin.
  const page = coursePage(env.base + '?embed=1#preset=raft-election');
  parent = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
  await new Promise(ok => parent.listen(0, '127.0.0.1', ok));
  parentUrl = `http://127.0.0.1:${parent.address().port}/course.html`;
});
after(async () => { parent.close(); await env.stop(); });
afterEach(() => env.closePages());

const fits = page => page.evaluate(() => ({ w: document.scrollingElement.scrollWidth, h: document.scrollingElement.scrollHeight,
  vw: innerWidth, vh: innerHeight }));

test('?embed=1 at 800×500: cluster and control strip only, no overflow, "Open full view" opens the same moment', async () => {
  const { page, errors } = await open(env.browser, env.base + '?embed=1#preset=raft-election', { width: 800, height: 500 });
  assert.equal(await page.getAttribute('[data-testid=embed]', 'class'), 'shell embed');
  assert.equal((await state(page)).embed, true);
  assert.equal(await page.locator('[data-node-id]').count(), 5);
  for (const id of ['play', 'step', 'step-back', 'speed', 'clock', 'timeline', 'full-view']) {
    assert.ok(await page.locator(`[data-testid=${id}]`).isVisible(), `${id} visible`);
  }
  for (const id of ['fault-panel', 'spacetime', 'event-log', 'lang', 'theme', 'export-trace']) {
    assert.equal(await page.locator(`[data-testid=${id}]`).count(), 0, `no ${id} in an embed`);
  }
  const box = await page.locator('svg.cluster').boundingBox();
  assert.ok(box.width > 200 && box.height > 200, `the cluster is drawn large: ${JSON.stringify(box)}`);
  assert.ok(box.x >= 0 && box.x + box.width <= 800 && box.y + box.height <= 500, `the cluster is inside the frame: ${JSON.stringify(box)}`);
  let f = await fits(page);
  assert.ok(f.w <= 800, `no horizontal overflow at 800×500: ${f.w}`);
  assert.ok(f.h <= 500, `no vertical overflow at 800×500: ${f.h}`);

  await page.click('[data-testid=play]');
  const s = await page.evaluate(() => window.clusterlab.runFor(1300000));
  const href = await page.getAttribute('[data-testid=full-view]', 'href');
  assert.equal(await page.getAttribute('[data-testid=full-view]', 'target'), '_blank');
  const url = new URL(href);
  assert.equal(url.origin + url.pathname, env.base);
  assert.equal(url.searchParams.get('embed'), null, `no embed=1: ${href}`);
  assert.equal(url.searchParams.get('autoplay'), null);
  assert.match(url.hash, /^#s=1\.[A-Za-z0-9_-]+$/);
  const full = await open(env.browser, href);
  const t = await state(full.page);
  assert.equal(t.embed, false);
  assert.ok(await full.page.locator('[data-testid=fault-panel]').isVisible(), 'the full view has the fault panel');
  assert.equal(t.simTimeUs, s.simTimeUs);
  assert.equal(t.traceHash, s.traceHash);
  assert.deepEqual(full.errors, []);

  // A narrower frame still fits.
  await page.setViewportSize({ width: 480, height: 360 });
  f = await fits(page);
  assert.ok(f.w <= 480, `no horizontal overflow at 480×360: ${f.w}`);
  assert.deepEqual(errors, []);
});

/// A course page on a second origin that embeds ClusterLab and talks to it by postMessage.
function coursePage(labUrl) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Course</title></head>
<body style="margin:0;font:14px sans-serif"><p style="margin:6px">Lecture 7: leader election</p>
<iframe id="lab" src="${labUrl}" width="800" height="500" style="border:1px solid #999" title="ClusterLab"></iframe>
<script>
  const lab = document.getElementById('lab');
  const LAB = new URL(lab.src).origin;
  window.replies = [];
  addEventListener('message', e => { if (e.origin === LAB && e.source === lab.contentWindow) replies.push(e.data); });
  window.post = msg => lab.contentWindow.postMessage(msg, LAB);
  // Send, then wait for the next reply.
  window.ask = (msg, ms = 8000) => new Promise((ok, fail) => {
    const n = replies.length, t0 = Date.now();
    post(msg);
    (function poll() {
      if (replies.length > n) ok(replies[n]);
      else if (Date.now() - t0 > ms) fail(new Error('no reply to ' + JSON.stringify(msg)));
      else setTimeout(poll, 10);
    })();
  });
</script></body></html>`;
}

/// Open the course page (second origin) with ClusterLab embedded; wait until it is drawn.
async function openCourse() {
  const context = await env.browser.newContext({ viewport: { width: 840, height: 560 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(parentUrl);
  const lab = page.frameLocator('#lab');
  await lab.locator('[data-node-id]').first().waitFor();
  const frame = await (await page.$('#lab')).contentFrame();
  return { context, page, errors, lab, frame,
    ask: msg => page.evaluate(m => window.ask(m, 3000), msg),
    post: msg => page.evaluate(m => window.post(m), msg),
    labState: () => frame.evaluate(() => window.clusterlab.state()) };
}

const BAD = [{ clusterlab: 'runFor', us: 'soon' }, { clusterlab: 'runFor', us: -5 }, { clusterlab: 'nope' },
  'hello', 42, null, [1, 2, 3], { clusterlab: 7 }, { us: 100 }, { clusterlab: 'result', result: 'spoofed' },
  { clusterlab: 'inject', fault: { kind: 'crash', node: 99 } }, { clusterlab: 'inject', fault: { kind: 'explode' } },
  { clusterlab: 'load', link: '#s=1.garbage!!' }];

test('postMessage from a cross-origin course page: runFor and inject take effect, malformed messages change nothing', async () => {
  const { context, page, errors, lab, frame, post, labState } = await openCourse();
  assert.notEqual(new URL(parentUrl).origin, new URL(env.base).origin, 'another port is another origin');
  assert.equal(await page.evaluate(() => { try { return typeof document.getElementById('lab').contentWindow.clusterlab; } catch (e) { return e.name; } }),
    'SecurityError', 'the parent can only post');
  const s0 = await labState();
  assert.equal(s0.embed, true);
  await post({ clusterlab: 'runFor', us: 2000000 });
  await frame.waitForFunction(t => window.clusterlab.state().simTimeUs >= t, s0.simTimeUs + 2000000, { timeout: 5000 });
  const r = await labState();
  assert.equal(r.playing, false, 'runFor leaves the embed paused');
  const leader = r.nodes.find(n => n.role === 'leader' && n.status === 'up');
  assert.ok(leader, 'a leader after 2 s');
  await post({ clusterlab: 'inject', fault: { kind: 'crash', node: leader.id } });
  await lab.locator(`[data-node-id="${leader.id}"][data-status=crashed]`).waitFor({ timeout: 5000 });
  const c = await labState();
  assert.equal(c.nodes[leader.id].status, 'crashed');
  assert.equal(c.simTimeUs, r.simTimeUs, 'injecting does not move time');
  await page.screenshot({ path: join(SHOTS, 'embed-iframe.png') });

  // The bad ones, then one step: postMessage keeps order, so when the step shows, every
  // bad message has been handled, and the step must be the only change.
  for (const m of BAD) await post(m);
  await post({ clusterlab: 'step' });
  await frame.waitForFunction(k => window.clusterlab.state().eventCount > k, c.eventCount, { timeout: 5000 });
  const after = await labState();
  assert.equal(after.eventCount, c.eventCount + 1, 'only the step changed the run');
  assert.equal(after.nodes[leader.id].status, 'crashed');
  assert.equal(after.notice, null);
  assert.equal(after.protocol, 'raft');
  await post({ clusterlab: 'runFor', us: 1500000 });
  await frame.waitForFunction(t => window.clusterlab.state().nodes.some(n => n.role === 'leader' && n.status === 'up'), null, { timeout: 5000 });
  assert.equal(await lab.locator('[data-node-id]').count(), 5, 'still drawn');
  assert.deepEqual(errors, []);
});

test('postMessage replies reach a cross-origin parent as {clusterlab: "result", call, result, state}', async () => {
  const { context, page, errors, lab, ask } = await openCourse();
  const s0 = await ask({ clusterlab: 'state' });
  assert.equal(s0.clusterlab, 'result');
  assert.equal(s0.call, 'state');
  assert.equal(s0.result.embed, true);
  assert.equal(s0.result.protocol, 'raft');

  const r = await ask({ clusterlab: 'runFor', us: 2000000 });
  assert.equal(r.call, 'runFor');
  assert.ok(r.result.simTimeUs >= s0.result.simTimeUs + 2000000, `time advanced: ${s0.result.simTimeUs} -> ${r.result.simTimeUs}`);
  assert.equal(r.state.simTimeUs, r.result.simTimeUs);
  const leader = r.result.nodes.find(n => n.role === 'leader' && n.status === 'up');
  assert.ok(leader, 'a leader after 2 s');

  const c = await ask({ clusterlab: 'inject', fault: { kind: 'crash', node: leader.id } });
  assert.equal(c.call, 'inject');
  assert.deepEqual(c.result, { ok: true });
  assert.equal(c.state.nodes[leader.id].status, 'crashed');
  await lab.locator(`[data-node-id="${leader.id}"][data-status=crashed]`).waitFor();
  const st = await ask({ clusterlab: 'state' });
  assert.equal(st.result.nodes[leader.id].status, 'crashed');

  // postMessage keeps order: every reply before the final state's belongs to a bad message.
  const n = await page.evaluate(() => replies.length);
  await page.evaluate(bad => { for (const m of [...bad, { clusterlab: 'state' }]) post(m); }, BAD);
  await page.waitForFunction(k => replies.slice(k).some(r => r.call === 'state'), n, { timeout: 5000 });
  await page.waitForTimeout(100); // a stray late reply would show up here
  const bad = await page.evaluate(k => replies.slice(k), n);
  const end = bad.pop();
  assert.equal(end.call, 'state', 'the state reply comes last');
  assert.deepEqual(bad.map(b => b.call), ['runFor', 'runFor', 'nope', 'inject', 'inject', 'load'], 'one error reply per bad call, silence for the rest');
  for (const b of bad) assert.equal(b.result.ok, false, JSON.stringify(b));
  assert.match(bad[0].result.error, /microseconds/);
  assert.match(bad[2].result.error, /unknown call/);
  assert.match(bad[3].result.error, /node 99/);
  assert.equal(end.result.traceHash, st.result.traceHash, 'nothing moved');
  assert.deepEqual(errors, []);
});

test('the one-file build dist/clusterlab.html runs from file:// with no server', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors = [], requests = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('request', r => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
  const url = pathToFileURL(join(ROOT, 'dist', 'clusterlab.html')).href;
  await page.goto(url);
  await page.waitForFunction(() => window.clusterlab && document.querySelector('[data-node-id]'));
  assert.ok(await page.locator('[data-node-id]').count() >= 3);
  await page.evaluate(() => window.clusterlab.pause());
  const t0 = (await state(page)).simTimeUs;
  await page.click('[data-testid=play]');
  await page.waitForFunction(t => window.clusterlab.state().simTimeUs > t, t0, { timeout: 5000 });
  assert.equal((await state(page)).playing, true);
  const r = await page.evaluate(() => window.clusterlab.runFor(1000000));
  assert.ok(r.simTimeUs >= t0 + 1000000);
  assert.ok(await page.locator('[data-testid=spacetime]').isVisible(), 'the styled full page, not a bare fallback');
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.querySelector('.controls')).display), 'inline', 'styles are inlined');
  assert.deepEqual(requests, [], 'nothing fetched from a network');
  assert.deepEqual(errors, []);
});
