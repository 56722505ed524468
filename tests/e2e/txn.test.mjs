// Distributed transactions in the page (issue 20): two-phase commit's coordinator, backup
// and participants drawn in rows; the canonical blocking preset (participants uncertain,
// locks held, a transaction waiting, the blocked gauge); the student crashing the
// coordinator from the panel at the moment every participant is uncertain; the state table;
// three-phase commit terminating without its coordinator, and split by a partition beyond
// its assumptions; the three protocols' counters side by side.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, open, state, SHOTS, fromStart, runFor } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());


test('2PC: a crashed coordinator leaves every participant uncertain, holding its lock, until it recovers', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=2pc-coordinator-crash', { width: 1280, height: 1400 });
  await fromStart(page); // the times below count from 0, whatever the page played while it opened
  let s = await runFor(page, 600000);
  assert.equal(s.protocol, '2pc');
  assert.deepEqual(s.overlay.groups, ['coordinator', 'backup', 'participants', 'participants', 'participants']);
  assert.deepEqual(await page.locator('svg.cluster .group-label').allTextContents(), ['coordinator', 'backup', 'participants']);
  assert.equal(s.nodes[0].status, 'crashed');
  assert.deepEqual(s.nodes.slice(2).map(n => n.role), ['uncertain', 'uncertain', 'uncertain']);
  assert.equal(await page.locator('[data-role="uncertain"]').count(), 3);
  const blocked = s.overlay.tables.find(t => t.title === 'blocked');
  assert.equal(blocked.rows.length, 3);
  assert.ok(blocked.rows.every(r => r[1] === 't0' && r[3] === 't1'), JSON.stringify(blocked.rows));
  assert.ok(await page.locator('[data-testid=overlay-panel] td', { hasText: 't1' }).count() >= 3, 'the waiting transaction is shown');
  assert.equal(await page.locator('svg.cluster [data-bar-node]').count(), 3, 'a blocked-time bar under each uncertain participant');
  assert.equal(s.violations.length, 0);
  await page.screenshot({ path: join(SHOTS, 'txn-2pc-blocked.png'), fullPage: true });
  s = await runFor(page, 2000000);
  assert.deepEqual(s.nodes.slice(2).map(n => n.role), ['participant', 'participant', 'participant'], 'the recovered coordinator presumed abort');
  assert.equal(s.violations.length, 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('2PC: the student crashes the coordinator from the panel once every participant is uncertain', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '?lang=zh#preset=2pc-commit', { width: 1280, height: 1400 });
  // From the start, whatever autoplay did before the pause: the first moment every
  // participant is uncertain is t0's, before any vote reaches the coordinator.
  await fromStart(page);
  let s = await state(page);
  assert.equal(s.eventCount, 0);
  for (let i = 0; i < 400 && s.nodes.slice(2).some(n => n.role !== 'uncertain'); i++) s = await page.evaluate(() => window.clusterlab.step());
  assert.deepEqual(s.nodes.slice(2).map(n => n.role), ['uncertain', 'uncertain', 'uncertain']);
  assert.equal(s.playing, false);
  const at = s.simTimeUs;
  await page.click('svg.cluster [data-node-id="0"]');
  await page.click('[data-testid=crash]');
  s = await state(page);
  assert.equal(s.nodes[0].status, 'crashed');
  assert.equal(s.simTimeUs, at, 'crashed at the moment every participant became uncertain');
  assert.ok(s.clusterTable.rows.slice(2).every(r => r[2] === 't0 prepared'), JSON.stringify(s.clusterTable.rows));
  s = await runFor(page, 1000000);
  assert.equal(s.nodes[0].status, 'crashed');
  assert.deepEqual(s.nodes.slice(2).map(n => n.role), ['uncertain', 'uncertain', 'uncertain'], 'blocked while it is down');
  const rows = page.locator('[data-testid=state-table] .state-columns tr[data-node-id]');
  assert.equal(await rows.count(), 5);
  const table = await rows.allTextContents();
  assert.ok(table.filter(r => r.includes('t0') && r.includes('prepared')).length === 3, table.join('\n'));
  await page.screenshot({ path: join(SHOTS, 'txn-2pc-blocked-zh.png'), fullPage: true });
  await page.click('[data-node-id="0"]');
  await page.click('[data-testid=restart]');
  s = await runFor(page, 2000000);
  assert.ok(s.nodes.slice(2).every(n => n.role !== 'uncertain'), JSON.stringify(s.nodes.map(n => n.role)));
  assert.equal(s.violations.length, 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Paxos Commit: the coordinator crashes and an acceptor takes over and commits, nobody blocked', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=paxos-commit-coordinator-crash', { width: 1280, height: 1400 });
  await fromStart(page);
  let s = await runFor(page, 200000);
  assert.equal(s.protocol, 'paxos-commit');
  assert.deepEqual(s.overlay.groups, ['coordinator', 'acceptors', 'acceptors', 'acceptors', 'participants', 'participants', 'participants']);
  assert.deepEqual(await page.locator('svg.cluster .group-label').allTextContents(), ['coordinator', 'acceptors', 'participants']);
  assert.equal(s.nodes[0].status, 'crashed');
  assert.deepEqual(s.nodes.slice(4).map(n => n.role), ['uncertain', 'uncertain', 'uncertain']);
  s = await runFor(page, 1000000);
  assert.deepEqual(s.nodes.slice(4).map(n => n.role), ['participant', 'participant', 'participant'], 'committed without the coordinator');
  assert.equal(s.violations.length, 0);
  const costs = s.overlay.tables.find(t => t.title === 'cost per transaction');
  assert.equal(costs.rows.length, 1);
  await page.screenshot({ path: join(SHOTS, 'txn-paxos-commit-takeover.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('3PC: the participants terminate without the crashed coordinator; the three protocols side by side', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=3pc-coordinator-crash', { width: 1280, height: 1400 });
  await fromStart(page);
  let s = await runFor(page, 200000);
  assert.equal(s.protocol, '3pc');
  assert.deepEqual(s.overlay.groups, ['coordinator', 'participants', 'participants', 'participants']);
  assert.equal(s.nodes[0].status, 'crashed');
  assert.deepEqual(s.nodes.slice(1).map(n => n.role), ['pre-committed', 'uncertain', 'uncertain']);
  s = await runFor(page, 2000000);
  assert.equal(s.nodes[0].status, 'crashed', 'nobody waited for it');
  assert.deepEqual(s.nodes.slice(1).map(n => n.role), ['participant', 'participant', 'participant']);
  assert.ok(s.clusterTable.rows.slice(1).every(r => r[2] === 't0 committed'), JSON.stringify(s.clusterTable.rows));
  const side = page.locator('[data-testid=overlay-panel] table', { has: page.locator('caption', { hasText: 'the three protocols on this workload' }) });
  assert.equal(await side.count(), 1);
  const rows = await side.locator('tbody tr').allTextContents();
  assert.equal(rows.length, 3);
  assert.ok(rows[0].startsWith('two-phase commit') && rows[1].startsWith('three-phase commit') && rows[2].startsWith('Paxos Commit'), rows.join('\n'));
  await page.screenshot({ path: join(SHOTS, 'txn-3pc-termination.png'), fullPage: true });
  assert.equal(s.violations.length, 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('3PC under a partition: one side commits, the other aborts, and the run says the assumption was exceeded', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=3pc-partition', { width: 1280, height: 1400 });
  await fromStart(page);
  const s = await runFor(page, 2000000);
  assert.deepEqual(s.clusterTable.rows.slice(1).map(r => r[2]), ['t0 committed', 't0 aborted', 't0 aborted']);
  assert.ok(s.violations.some(v => v.property === 'AC1 Agreement'), JSON.stringify(s.violations));
  assert.ok(await page.locator('[data-testid=exceeded-tag]').count() >= 1, 'labelled assumption exceeded');
  await page.screenshot({ path: join(SHOTS, 'txn-3pc-partition.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
