// The built page in Chromium: it loads, draws the cluster, runs, obeys the page API, and
// survives bad input. Screenshots go to target/screenshots/.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, open, state, SHOTS } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

test('the page loads, draws the cluster and time advances', async () => {
  const { page, errors } = await open(env.browser, env.base);
  const api = await page.evaluate(() => ({ version: window.clusterlab.version, fns: Object.keys(window.clusterlab) }));
  assert.match(api.version, /^\d+\.\d+\.\d+$/);
  for (const f of ['state', 'runFor', 'step', 'load', 'inject', 'link', 'seek']) assert.ok(api.fns.includes(f), f);
  const nodes = await page.locator('svg.cluster [data-node-id]').count();
  assert.ok(nodes >= 3, `nodes drawn: ${nodes}`);
  const t0 = Number(await page.getAttribute('[data-sim-time-us]', 'data-sim-time-us'));
  await page.waitForTimeout(700);
  const t1 = Number(await page.getAttribute('[data-sim-time-us]', 'data-sim-time-us'));
  assert.ok(t1 > t0, `sim time advances while playing: ${t0} -> ${t1}`);
  await page.screenshot({ path: join(SHOTS, 'page-default.png') });
  assert.deepEqual(errors, []);
});

test('pause, step and runFor move the simulation exactly', async () => {
  const { page } = await open(env.browser, env.base + '#preset=paxos-multi-leader-change');
  await page.click('[data-testid=play]');
  const a = await state(page);
  assert.equal(a.playing, false);
  await page.click('[data-testid=step]');
  const b = await state(page);
  assert.equal(b.eventCount, a.eventCount + 1);
  const c = await page.evaluate(() => window.clusterlab.runFor(1000000));
  assert.ok(c.simTimeUs >= b.simTimeUs + 1000000);
  assert.equal(c.nodes.filter(n => n.role === 'leader').length, 1, 'one Multi-Paxos leader');
  await page.evaluate(() => window.clusterlab.load('paxos-clean-round'));
  const d = await page.evaluate(() => window.clusterlab.runFor(1000000));
  assert.equal(d.nodes.filter(n => n.role === 'learned').length, 5, 'every node learned the value');
});

test('crash from the panel and the API, with the state showing it', async () => {
  const { page } = await open(env.browser, env.base + '#preset=paxos-multi-leader-change');
  await page.evaluate(() => window.clusterlab.runFor(500000));
  await page.click('[data-node-id="3"]');
  await page.click('[data-testid=crash]');
  let s = await state(page);
  assert.equal(s.nodes[3].status, 'crashed');
  assert.equal(await page.getAttribute('[data-node-id="3"]', 'data-status'), 'crashed');
  const r = await page.evaluate(() => window.clusterlab.inject({ kind: 'restart', node: 3 }));
  assert.equal(r.ok, true);
  s = await state(page);
  assert.equal(s.nodes[3].status, 'up');
  const bad = await page.evaluate(() => window.clusterlab.inject({ kind: 'crash', node: 99 }));
  assert.equal(bad.ok, false);
  assert.match(bad.error, /node 99 does not exist/);
});

test('scrubbing back and forth restores exact states', async () => {
  const { page } = await open(env.browser, env.base + '#preset=paxos-multi-leader-change');
  const end = await page.evaluate(() => window.clusterlab.runFor(2000000));
  const mid = Math.floor(end.eventCount / 2);
  const m1 = await page.evaluate(k => window.clusterlab.seek(k), mid);
  assert.equal(m1.eventCount, mid);
  const back = await page.evaluate(k => window.clusterlab.seek(k), end.eventCount);
  assert.equal(back.traceHash, end.traceHash);
  const m2 = await page.evaluate(k => window.clusterlab.seek(k), mid);
  assert.deepEqual(m2.nodes, m1.nodes);
  assert.equal(m2.traceHash, m1.traceHash);
});

test('a copied link replays to the same hash in a fresh context', async () => {
  const { page } = await open(env.browser, env.base + '#preset=paxos-clean-round');
  await page.evaluate(() => window.clusterlab.pause());
  await page.evaluate(() => window.clusterlab.runFor(300000));
  await page.evaluate(() => window.clusterlab.inject({ kind: 'crash', node: 2 }));
  await page.evaluate(() => window.clusterlab.inject({ kind: 'request', node: 1, op: { op: 'propose', value: 'pear' } }));
  await page.evaluate(() => window.clusterlab.runFor(250000));
  const s = await state(page);
  const link = await page.evaluate(() => window.clusterlab.link());
  const fresh = await open(env.browser, env.base + link);
  const t = await state(fresh.page);
  assert.equal(t.playing, false, 'a link opens paused at its moment');
  assert.equal(t.simTimeUs, s.simTimeUs);
  assert.equal(t.traceHash, s.traceHash);
});

test('a broken link shows a message and the default scenario runs', async () => {
  for (const bad of ['#s=1.garbage!!', '#s=9.abc', '#preset=nope']) {
    const { page, errors } = await open(env.browser, env.base + bad);
    const s = await state(page);
    assert.ok(s.notice && s.notice.length > 10, `${bad}: ${s.notice}`);
    assert.equal(await page.locator('.notice').count(), 1);
    assert.ok(await page.locator('[data-node-id]').count() >= 3);
    assert.deepEqual(errors, [], bad);
  }
});

const leaderOf = s => s.nodes.find(n => n.role === 'leader' && n.status === 'up');

test('raft: a leader is elected on load; crashing it from the panel elects a new one at a higher term', async () => {
  const { page, errors } = await open(env.browser, env.base + '#preset=raft-election');
  await page.waitForFunction(() => window.clusterlab.state().nodes.some(n => n.role === 'leader'), null, { timeout: 10000 });
  await page.evaluate(() => window.clusterlab.pause());
  const s = await state(page);
  const old = leaderOf(s);
  assert.ok(old, 'a leader was elected');
  assert.equal(await page.getAttribute(`[data-node-id="${old.id}"]`, 'data-role'), 'leader');
  await page.click(`[data-node-id="${old.id}"]`);
  await page.click('[data-testid=crash]');
  const t = await page.evaluate(() => window.clusterlab.runFor(1500000));
  const fresh = leaderOf(t);
  assert.ok(fresh && fresh.id !== old.id, 'a new leader');
  assert.ok(fresh.term > old.term, `higher term: ${old.term} -> ${fresh.term}`);
  await page.click(`[data-node-id="${fresh.id}"]`);
  await page.screenshot({ path: join(SHOTS, 'raft-new-leader.png') });
  assert.deepEqual(errors, []);
});

test('raft: partition and heal converge the logs', async () => {
  const { page } = await open(env.browser, env.base + '#preset=raft-election');
  await page.evaluate(() => window.clusterlab.pause());
  await page.evaluate(() => window.clusterlab.runFor(1000000));
  await page.click('[data-testid=partition]');
  for (let i = 0; i < 3; i++) {
    await page.click('[data-node-id="0"]');
    await page.click('[data-testid=client-request]');
    await page.click('[data-node-id="4"]');
    await page.click('[data-testid=client-request]');
    await page.evaluate(() => window.clusterlab.runFor(200000));
  }
  await page.screenshot({ path: join(SHOTS, 'raft-partitioned.png') });
  await page.click('[data-testid=heal-all]');
  const s = await page.evaluate(() => window.clusterlab.runFor(3000000));
  const lens = new Set(s.nodes.map(n => n.logLength));
  const commits = new Set(s.nodes.map(n => n.commitIndex));
  assert.equal(lens.size, 1, `log lengths ${[...lens]}`);
  assert.equal(commits.size, 1, `commit indexes ${[...commits]}`);
  assert.equal(s.violations.length, 0);
});

test('the event log follows the playhead', async () => {
  const { page } = await open(env.browser, env.base + '#preset=raft-election');
  await page.evaluate(() => window.clusterlab.pause());
  const end = await page.evaluate(() => window.clusterlab.runFor(1000000));
  const k = Math.floor(end.eventCount / 3);
  await page.evaluate(k => window.clusterlab.seek(k), k);
  const first = await page.locator('[data-testid=event-log] li .e').first().textContent();
  assert.ok(Number(first.slice(1)) <= k && Number(first.slice(1)) > k - 5, `top row ${first} at event ${k}`);
  await page.press('body', 'ArrowRight');
  assert.equal((await state(page)).eventCount, k + 1, 'the right arrow steps');
});

test('the Figure 8 teaching bug turns the invariant panel red', async () => {
  const { page } = await open(env.browser, env.base + '#preset=raft-figure-8-bug');
  await page.evaluate(() => window.clusterlab.runFor(1500000));
  const count = Number(await page.getAttribute('[data-violation-count]', 'data-violation-count'));
  assert.ok(count >= 1, `violations: ${count}`);
  await page.screenshot({ path: join(SHOTS, 'raft-figure-8-bug.png'), fullPage: true });
  await page.click('.violation button');
  const s = await state(page);
  assert.equal(s.eventCount, s.violations[0].event_index, 'jumped to the violation');
});

test('the space-time diagram follows the playhead and lights up with the cluster view', async () => {
  const { page } = await open(env.browser, env.base + '#preset=raft-election');
  await page.evaluate(() => window.clusterlab.pause());
  const end = await page.evaluate(() => window.clusterlab.runFor(1500000));
  const diagram = page.locator('[data-testid=spacetime]');
  const last = async () => Number(await diagram.getAttribute('data-last-msg'));
  const count = async () => Number(await diagram.getAttribute('data-arrow-count'));
  const atEnd = await last();
  assert.ok(await count() > 10, `arrows at the end: ${await count()}`);
  await page.evaluate(k => window.clusterlab.seek(k), Math.floor(end.eventCount / 2));
  assert.ok(await count() > 0 && await last() < atEnd, 'the diagram moved back with the playhead');
  // Sweep the pointer over the diagram until an arrow lights up: the cluster view lights the same message.
  await diagram.scrollIntoViewIfNeeded();
  const box = await diagram.boundingBox();
  let hovered = '';
  for (let i = 0; i < 40 && !hovered; i++) {
    for (let j = 0; j < 8 && !hovered; j++) {
      await page.mouse.move(box.x + box.width * (0.08 + 0.9 * i / 40), box.y + box.height * (0.04 + 0.92 * j / 8));
      hovered = await diagram.getAttribute('data-hovered-msg');
    }
  }
  assert.ok(hovered, 'an arrow lights up under the pointer');
  assert.equal(await page.getAttribute('[data-testid=messages]', 'data-hovered-msg'), hovered, 'the same message lights up in the cluster view');
  await page.mouse.move(box.x - 20, box.y - 20);
  assert.equal(await diagram.getAttribute('data-hovered-msg'), '', 'leaving the diagram clears it');
  await page.screenshot({ path: join(SHOTS, 'spacetime.png'), fullPage: true });
});

test('a link pasted into the open page opens it; a bad one says what is wrong and keeps the run', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=raft-election');
  await page.evaluate(() => window.clusterlab.pause());
  await page.evaluate(() => { location.hash = '#preset=paxos-clean-round'; });
  await page.waitForFunction(() => window.clusterlab.state().protocol === 'paxos');
  const before = await state(page);
  assert.equal(before.preset, 'paxos-clean-round');
  await page.evaluate(() => { location.hash = '#s=1.not-a-link!!'; });
  await page.locator('[data-testid=notice]').waitFor();
  assert.match(await page.locator('[data-testid=notice]').textContent(), /Could not open that/);
  const after = await state(page);
  assert.deepEqual([after.protocol, after.preset], ['paxos', 'paxos-clean-round'], 'the run on screen is kept');
  // "Copy link" writes the fragment itself: that must not reopen (and so pause or reset) the run.
  await page.evaluate(() => window.clusterlab.runFor(200000));
  const k = (await state(page)).eventCount;
  await page.click('[data-testid=copy-link]');
  await page.waitForTimeout(200);
  assert.equal((await state(page)).eventCount, k);
  assert.deepEqual(errors, []);
  await context.close();
});

test('canvases keep their backing store fitted to the screen when the window is resized while paused', async () => {
  const { page, errors } = await open(env.browser, env.base);
  await page.evaluate(() => window.clusterlab.pause());
  const fitted = () => page.evaluate(() => [...document.querySelectorAll('canvas.msg-layer, canvas[data-testid=spacetime]')]
    .map(c => ({ w: c.width, h: c.height, cw: Math.round(c.getBoundingClientRect().width * devicePixelRatio), ch: Math.round(c.getBoundingClientRect().height * devicePixelRatio) })));
  const check = (sizes, when) => {
    assert.equal(sizes.length, 2, when);
    for (const s of sizes) assert.ok(Math.abs(s.w - s.cw) <= 1 && Math.abs(s.h - s.ch) <= 1, `${when}: backing ${s.w}x${s.h}, on screen ${s.cw}x${s.ch}`);
  };
  check(await fitted(), 'at 1280x720');
  await page.setViewportSize({ width: 760, height: 600 });
  await page.waitForTimeout(300);
  const narrow = await fitted();
  check(narrow, 'at 760x600');
  assert.ok(narrow[0].w < 446, `the message layer shrank: ${narrow[0].w}`);
  assert.deepEqual(errors, []);
});
