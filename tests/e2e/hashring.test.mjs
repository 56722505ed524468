// The hash ring in the page: servers joining and the keys each join moved against 1/n, the
// newest request's replicas as arrows, a server's gossiped membership table; the student
// crashing a server (taken out of every view, its keys copied on) and restarting it (back
// with a higher incarnation); mod-N moving nearly every key; a teaching bug in Chinese.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, open, state, SHOTS, fromStart, runFor, table } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const VIEW = { width: 1280, height: 1400 };
const now = s => table(s, 'the ring now').rows;
const servers = s => table(s, 'servers').rows;

test('Hash ring: two servers join, few keys move, the replicas of the last request are drawn', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=hash-ring-join', VIEW);
  await fromStart(page);
  const s = await runFor(page, 5000000);
  assert.equal(s.protocol, 'hash-ring');
  assert.deepEqual(now(s).slice(0, 2), [['One membership', 'holds'], ['Keys on their replicas', 'holds']], JSON.stringify(now(s)));
  const [, moved, keys] = now(s)[2][1].match(/^n7 joined: (\d+) of (\d+) keys changed owner/) ?? [];
  assert.ok(moved && Number(moved) < Number(keys) / 3, 'a join moves a few keys: ' + now(s)[2][1]);
  assert.ok(servers(s).every(r => r[1] === 'in the ring'), JSON.stringify(servers(s)));
  assert.equal(s.overlay.plots[0].title, 'keys moved per membership change');
  assert.equal(await page.locator('[data-testid=overlay-panel] [data-testid=plot]').count(), 1);
  assert.ok(await page.locator('svg.cluster .overlay-arrow.replica').count() >= 1, 'the last request\'s replicas');
  assert.equal(s.overlay.arcs.length, 8 * 8, 'eight tokens for each of eight servers');
  assert.equal(await page.locator('[data-testid=token-arcs] path.token-arc').count(), 64, 'the hash circle drawn round the servers');
  assert.equal(await page.locator('[data-testid=token-arcs] path.owner-7').count(), 8, 'n7\'s eight arcs in its colour');
  await page.click('svg.cluster [data-node-id="0"]');
  assert.equal(await page.locator('caption', { hasText: 'membership (gossiped)' }).count(), 1);
  assert.equal(s.violations.length, 0);
  await page.screenshot({ path: join(SHOTS, 'hash-ring-join.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Hash ring: a crashed server is taken out of every view and comes back after a restart', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=hash-ring-servers', VIEW);
  await fromStart(page);
  await runFor(page, 1000000);
  await page.click('svg.cluster [data-node-id="3"]');
  await page.click('[data-testid=crash]');
  let s = await runFor(page, 3000000);
  assert.equal(s.nodes[3].status, 'crashed');
  assert.ok(s.nodes.filter(n => n.status !== 'crashed').every(n => n.fields['servers in its ring'] === '7'), 'every live server took n3 out');
  assert.deepEqual(now(s).slice(0, 2), [['One membership', 'holds'], ['Keys on their replicas', 'holds']], JSON.stringify(now(s)));
  assert.match(now(s)[2][1], /^n3 left: /);
  await page.screenshot({ path: join(SHOTS, 'hash-ring-server-crashed.png'), fullPage: true });
  await page.click('[data-testid=restart]');
  s = await runFor(page, 3000000);
  assert.ok(s.nodes.every(n => n.fields['servers in its ring'] === '8'), 'n3 is back in every view');
  assert.equal(Number(s.nodes[3].fields.incarnation) % 2, 1, 'an odd incarnation: in the ring');
  assert.ok(Number(s.nodes[3].fields.incarnation) >= 3, 'above the one it was taken out with');
  assert.deepEqual(now(s).slice(0, 2), [['One membership', 'holds'], ['Keys on their replicas', 'holds']], JSON.stringify(now(s)));
  assert.equal(s.violations.length, 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Mod-N: the same joins move nearly every key', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=hash-ring-mod-n', VIEW);
  await fromStart(page);
  const s = await runFor(page, 5000000);
  const [, moved, keys] = now(s)[2][1].match(/^n7 joined: (\d+) of (\d+) keys changed owner/) ?? [];
  assert.ok(moved && Number(moved) > Number(keys) * 3 / 4, 'mod-N moves most keys: ' + now(s)[2][1]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Hash ring bug: a hash salted per process; the page in Chinese', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '?lang=zh#preset=hash-ring-bug-salted-hash', VIEW);
  await fromStart(page);
  const s = await runFor(page, 2000000);
  assert.equal(s.violations[0].property, 'One owner per key');
  assert.equal(await page.locator('[data-testid=overlay-panel] caption', { hasText: '环的现状' }).count(), 1);
  await page.screenshot({ path: join(SHOTS, 'hash-ring-bug-salted-zh.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
