// The cluster state table (issue 17 §1): every node's state side by side at the playhead,
// Raft's logs as one grid (Figure 7), Paxos acceptors' promises and accepted values, a
// summary instead of 1,000 rows, and a row click selecting the node. Screenshots go to
// target/screenshots for a look.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, open, state, SHOTS } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const pause = page => page.evaluate(() => window.clusterlab.pause());

test('Raft Figure 7: seven logs side by side, coloured by term, following the playhead', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=raft-figure-7', { width: 1280, height: 1600 });
  await pause(page);
  await page.evaluate(() => window.clusterlab.seek(7)); // the seven servers booted, no election yet
  const table = page.locator('[data-testid=state-table]');
  assert.equal(await table.locator('.state-columns tr[data-node-id]').count(), 7);
  assert.equal(await table.locator('.log-grid tr[data-node-id]').count(), 7);
  // At the start every log is as the figure draws it: n4 holds 12 entries, the last of term 7.
  const row = id => table.locator(`.log-grid tr[data-node-id="${id}"] td`);
  const n4 = await row(4).allTextContents();
  assert.deepEqual(n4.slice(0, 12), ['1', '1', '1', '4', '4', '5', '5', '6', '6', '6', '7', '7']);
  assert.match(await row(4).nth(11).getAttribute('class'), /\bt7\b/);
  assert.match(await row(2).nth(4).getAttribute('class'), /\bempty\b/, 'n2 holds only four entries');
  await table.screenshot({ path: join(SHOTS, 'state-table-figure-7-start.png') });
  // Played on, the leader of term 8 brings every log to its own and commits it.
  await page.evaluate(() => window.clusterlab.runFor(3_000_000));
  const s = await state(page);
  const leader = s.nodes.find(n => n.role === 'leader');
  assert.ok(leader, 'a leader was elected');
  const leaderRow = await row(leader.id).allTextContents();
  for (let id = 0; id < 7; id++) {
    const cells = (await row(id).allTextContents()).map(c => c.replace(/[▸✓]/g, ''));
    assert.deepEqual(cells, leaderRow.map(c => c.replace(/[▸✓]/g, '')), `n${id} matches the leader's log`);
  }
  assert.ok(await table.locator('.log-grid td.committed').count() > 0, 'committed entries are marked');
  assert.ok(await table.locator('.log-grid td.marked').count() >= 6, "the leader's nextIndex and matchIndex are marked");
  await table.screenshot({ path: join(SHOTS, 'state-table-figure-7-replicated.png') });
  // A click on a row's node inspects it.
  await table.locator('.state-columns tr[data-node-id="3"] button').click();
  assert.equal((await state(page)).selected, 3);
  assert.match(await page.locator('[data-testid=inspector]').textContent(), /Node 3/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Paxos: each acceptor promised ballot and accepted values per slot', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=paxos-multi-leader-change', { width: 1280, height: 1400 });
  await page.evaluate(() => window.clusterlab.runFor(2_000_000));
  await pause(page);
  const table = page.locator('[data-testid=state-table]');
  const headers = await table.locator('.state-columns th[scope=col]').allTextContents();
  for (const h of ['promised', 'accepted', 'proposer ballot', 'learned']) assert.ok(headers.includes(h), `${h} in ${headers}`);
  const s = await state(page);
  assert.equal(await table.locator('.state-columns tr[data-node-id]').count(), s.nodes.length);
  // The grid's cells carry the accepted ballot's round and, on hover, the value.
  const title = await table.locator('.log-grid td:not(.empty)').first().getAttribute('title');
  assert.match(title, /ballot/);
  await table.screenshot({ path: join(SHOTS, 'state-table-paxos.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('1,000 gossip nodes: a summary by role, not 1,000 rows', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=gossip-push-1000');
  await page.evaluate(() => window.clusterlab.runFor(500_000));
  await pause(page);
  const table = page.locator('[data-testid=state-table]');
  assert.equal(await table.locator('tr[data-node-id]').count(), 0);
  const rows = await table.locator('.state-columns tbody tr').count();
  assert.ok(rows >= 1 && rows <= 5, `${rows} summary rows`);
  const counts = await table.locator('.state-columns tbody tr td:nth-child(2)').allTextContents();
  assert.equal(counts.reduce((a, c) => a + Number(c), 0), 1000, 'the summary counts every node');
  assert.deepEqual(errors, []);
  await context.close();
});
