// Scenario files in Chromium: "Export scenario" (under "File…") downloads a file that
// "Open scenario file" opens again at the same moment (same trace hash), in this family's
// module or, for another family's scenario, in that module; a damaged file gets a message
// and the run stays; a scenario too long for a link is refused as a link (with a pointer
// to Export scenario) and travels as a file.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { start, open, state, SHOTS } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());
const pause = page => page.evaluate(() => window.clusterlab.pause());

// A Raft run at a moment with a crash injected by hand (a recorded fault), exported.
async function exported() {
  const { page, errors } = await open(env.browser, env.base + '#preset=raft-election');
  await pause(page);
  await page.evaluate(() => window.clusterlab.runFor(800000));
  await page.evaluate(() => window.clusterlab.inject({ kind: 'crash', node: 1 }));
  const s = await page.evaluate(() => window.clusterlab.runFor(400000));
  await page.click('[data-testid=file]');
  const wait = page.waitForEvent('download');
  await page.click('[data-testid=export-scenario]');
  const dl = await wait;
  assert.equal(await dl.failure(), null);
  assert.equal(dl.suggestedFilename(), 'clusterlab-raft-seed-1.json');
  const path = await dl.path();
  const file = JSON.parse(await readFile(path, 'utf8'));
  assert.equal(file.protocol, 'raft');
  assert.equal(file.version, 1, 'the file names its version');
  assert.equal(file.playhead_us, s.simTimeUs);
  assert.ok(file.faults.some(f => f.fault.kind === 'crash' && f.after_event > 0), 'the crash by hand, with its event');
  assert.deepEqual(errors, []);
  return { s, path };
}

const sameMoment = (t, s) => {
  assert.equal(t.traceHash, s.traceHash);
  assert.equal(t.simTimeUs, s.simTimeUs);
  assert.equal(t.eventCount, s.eventCount);
  assert.equal(t.playing, false, 'a file opens paused at its moment, as a link does');
};

test('an exported scenario file opens again at the same moment', async () => {
  const { s, path } = await exported();
  const { page, errors } = await open(env.browser, env.base + '#preset=raft-election');
  await page.setInputFiles('[data-testid=scenario-file]', path);
  await page.waitForFunction(h => window.clusterlab.state().traceHash === h, s.traceHash);
  sameMoment(await state(page), s);
  assert.equal(Number(await page.getAttribute('[data-sim-time-us]', 'data-sim-time-us')), s.simTimeUs, 'the clock shows it');
  assert.equal((await state(page)).notice, null);
  assert.equal(new URL(page.url()).hash, '', 'the address no longer names the preset');
  await page.screenshot({ path: join(SHOTS, 'scenario-file-opened.png') });
  assert.deepEqual(errors, []);
});

test("a file of another family's protocol is handed to that family's module", async () => {
  const { s, path } = await exported();
  const { page, errors } = await open(env.browser, env.base + '#preset=paxos-clean-round');
  await page.setInputFiles('[data-testid=scenario-file]', path);
  await page.waitForFunction(h => document.documentElement.dataset.module === 'raft'
    && window.clusterlab && window.clusterlab.state().traceHash === h, s.traceHash, { timeout: 20000 });
  sameMoment(await state(page), s);
  assert.deepEqual(errors, []);
});

test('a damaged file gets a message and the run stays as it was', async () => {
  const { page, errors } = await open(env.browser, env.base + '#preset=raft-election');
  await pause(page);
  const before = await page.evaluate(() => window.clusterlab.runFor(500000));
  for (const [text, expect] of [
    ['{"protocol":"raft","nodes":5,"seed":1,"evil":1}', /unknown field `evil`/],
    ['{"protocol":"raft","nodes":5,', /malformed: EOF while parsing/],
    ['{"protocol":"raft","nodes":500,"seed":1}', /1 to 64 nodes/],
  ]) {
    await page.click('[data-testid=file]');
    await page.setInputFiles('[data-testid=scenario-file]', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await page.waitForFunction(() => window.clusterlab.state().notice);
    assert.equal(await page.getAttribute('details.file-menu', 'open'), null, 'the File… menu closed: it hides no part of the message');
    const s = await state(page);
    assert.match(s.notice, /^Could not open the scenario file bad\.json: the scenario is/);
    assert.match(s.notice, expect);
    assert.equal(await page.locator('[data-testid=notice]').count(), 1);
    assert.equal(s.traceHash, before.traceHash, 'the run is unchanged');
    assert.equal(s.eventCount, before.eventCount);
    await page.click('[data-testid=notice] button');
    // The page API refuses the same text with the same message and changes nothing.
    const r = await page.evaluate(t => window.clusterlab.openScenario(t), text);
    assert.equal(r.ok, false);
    assert.match(r.error, expect);
  }
  assert.equal((await state(page)).traceHash, before.traceHash);
  assert.deepEqual(errors, []);
});

test('a scenario too long for a link is refused as a link and travels as a file', async () => {
  const { page, errors } = await open(env.browser, env.base + '?lang=en#preset=raft-election');
  // 120 simulated seconds with a client request every 100 ms: 1,200 requests.
  const scenario = { version: 3, protocol: 'raft', nodes: 5, seed: 7, playhead_us: 120000000,
    faults: Array.from({ length: 1200 }, (_, i) => ({ at_us: 100000 * (i + 1),
      fault: { kind: 'request', node: i % 5, op: { op: 'put', key: `k${i % 5}`, value: `v${i}` } } })) };
  const r = await page.evaluate(t => window.clusterlab.openScenario(t), JSON.stringify(scenario));
  assert.deepEqual(r, { ok: true });
  const s = await state(page);
  assert.equal(s.simTimeUs, 120000000);
  const link = await page.evaluate(() => window.clusterlab.link());
  assert.equal(link.ok, false);
  assert.match(link.error, /No link for this state: this scenario's link would be [\d.]+ KB, more than the 8 KB a link carries\. Use Export scenario/);
  await page.click('[data-testid=copy-link]');
  await page.waitForFunction(() => /No link for this state/.test(window.clusterlab.state().notice || ''));
  await page.screenshot({ path: join(SHOTS, 'scenario-file-no-link.png') });
  await page.click('[data-testid=file]');
  const wait = page.waitForEvent('download');
  await page.click('[data-testid=export-scenario]');
  const text = await readFile(await (await wait).path(), 'utf8');
  assert.equal(JSON.parse(text).faults.length, 1200);
  const fresh = await open(env.browser, env.base + '#preset=raft-election');
  await fresh.page.setInputFiles('[data-testid=scenario-file]', { name: 'long.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await fresh.page.waitForFunction(h => window.clusterlab.state().traceHash === h, s.traceHash, { timeout: 20000 });
  sameMoment(await state(fresh.page), s);
  assert.deepEqual(errors, []);
});
