// Chord in the page: the identifier circle with successor pointers and a lookup's path,
// the ring's state against Zave's properties and the mean path against ½ log₂ N; the student
// crashing two neighbours (the successor lists bridge them, no key lost) and a third
// (beyond the declared assumptions, and labelled so); a teaching bug in Chinese.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, open, state, SHOTS, fromStart, runFor, table } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const VIEW = { width: 1280, height: 1400 };
const ring = s => table(s, 'the ring now').rows;

async function crash(page, node) {
  await page.click(`svg.cluster [data-node-id="${node}"]`);
  await page.click('[data-testid=crash]');
}

test('Chord ring: successor pointers on the identifier circle, lookups hop by hop, Zave\'s properties hold', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=chord-ring', VIEW);
  await fromStart(page);
  const s = await runFor(page, 4000000);
  assert.equal(s.protocol, 'chord');
  assert.deepEqual(ring(s).slice(0, 2), [['One ordered ring', 'holds'], ['Keys at their successor', 'holds']]);
  assert.ok(Number(ring(s)[2][1]) >= 10, 'client lookups: ' + JSON.stringify(ring(s)));
  assert.match(ring(s)[3][1], /hops \(½ log₂ N ≈ 1\.5\)/);
  assert.equal(await page.locator('svg.cluster .overlay-arrow.successor').count(), 8);
  assert.ok(await page.locator('svg.cluster .overlay-arrow.lookup').count() >= 1, 'the newest lookup\'s path is drawn');
  const ids = s.nodes.map(n => n.term);
  assert.deepEqual([...ids].sort((a, b) => a - b), ids, 'nodes are numbered in identifier order');
  await page.click('svg.cluster [data-node-id="0"]');
  assert.equal(await page.locator('caption', { hasText: 'finger table' }).count(), 1);
  assert.equal(s.violations.length, 0);
  await page.screenshot({ path: join(SHOTS, 'chord-ring.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Chord: two neighbours crash and the successor lists bridge them; a third neighbour is beyond the assumptions', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=chord-ring', VIEW);
  await fromStart(page);
  await runFor(page, 1000000);
  await crash(page, 3);
  await crash(page, 4);
  let s = await runFor(page, 4000000);
  assert.equal(s.nodes[3].status, 'crashed');
  assert.deepEqual(ring(s).slice(0, 2), [['One ordered ring', 'holds'], ['Keys at their successor', 'holds']], JSON.stringify(ring(s)));
  const n2 = table(s, 'ring').rows[2];
  assert.equal(n2[4], 'n5, n6, n7', 'n2 now points past the gap: ' + JSON.stringify(n2));
  assert.equal(s.exceeded.length, 0, 'two neighbours down is within r − 1 = 2');
  await page.screenshot({ path: join(SHOTS, 'chord-neighbours-crashed.png'), fullPage: true });
  await crash(page, 5);
  s = await state(page);
  assert.equal(s.exceeded.length, 1, JSON.stringify(s.exceeded));
  assert.match(s.exceeded[0].what, /3 neighbouring members down at once/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Chord bug: a successor list never refreshed from the successor\'s; the page in Chinese', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '?lang=zh#preset=chord-bug-successor-list-not-refreshed', VIEW);
  await fromStart(page);
  const s = await runFor(page, 6000000);
  assert.match(ring(s)[0][1], /^not yet: n\d's successor list is /, JSON.stringify(ring(s)));
  assert.equal(await page.locator('[data-testid=overlay-panel] caption', { hasText: '环的现状' }).count(), 1);
  await page.screenshot({ path: join(SHOTS, 'chord-bug-list-zh.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Chord with a thousand nodes: one circle on the canvas, lookups of about ½ log₂ N hops', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=chord-1000', VIEW);
  await fromStart(page);
  const s = await runFor(page, 4000000);
  assert.equal(s.nodes.length, 1000);
  assert.equal(await page.locator('[data-testid=cluster-canvas]').getAttribute('data-node-count'), '1000');
  const [, hops, theory] = ring(s)[3][1].match(/^(\d+\.\d) hops \(½ log₂ N ≈ (\d+\.\d)\)/) ?? [];
  assert.ok(hops && Math.abs(Number(hops) - Number(theory)) <= 1.2, 'mean path: ' + ring(s)[3][1]);
  assert.equal(s.nodes[500].status, 'crashed');
  await page.screenshot({ path: join(SHOTS, 'chord-1000.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
