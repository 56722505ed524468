// Zab in the page (issue 19): the returning old leader truncated by TRUNC, each server's
// phase in the paper's words and zxids as (epoch, counter) in the cluster state table; the
// student crashing the leader from the panel and a new epoch synchronizing; a planted bug
// shown as a violation; the same page in Chinese. Each run starts paused at time 0
// (fromStart), whatever the page played while it loaded.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, open, state, SHOTS, fromStart, runFor } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const col = (table, name) => table.headers.indexOf(name);

test('Zab: a returning old leader is truncated, and every server ends with the same history', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=zab-trunc', { width: 1280, height: 1400 });
  await fromStart(page);
  let s = await runFor(page, 1200000);
  assert.equal(s.protocol, 'zab');
  const t = s.clusterTable;
  for (const h of ['phase', 'acceptedEpoch', 'currentEpoch', 'last zxid', 'delivered to']) assert.ok(col(t, h) >= 0, `column ${h}: ${t.headers}`);
  assert.equal(s.nodes[4].status, 'crashed');
  assert.equal(s.nodes[3].role, 'leader', 'n3 leads epoch 2');
  assert.deepEqual(t.rows.slice(0, 4).map(r => r[col(t, 'phase')]), ['broadcast', 'broadcast', 'broadcast', 'broadcast']);
  assert.deepEqual(t.rows.slice(0, 4).map(r => r[col(t, 'currentEpoch')]), ['2', '2', '2', '2']);
  s = await runFor(page, 1500000);
  const rows = s.clusterTable.rows;
  assert.equal(rows[4][col(s.clusterTable, 'phase')], 'broadcast', 'n4 is back and serving');
  assert.equal(rows[4][col(s.clusterTable, 'last zxid')], '(2, 2)', JSON.stringify(rows));
  assert.ok(rows.every(r => r[col(s.clusterTable, 'last zxid')] === rows[3][col(s.clusterTable, 'last zxid')]), 'the same history everywhere');
  assert.equal(s.violations.length, 0);
  await page.click('svg.cluster [data-node-id="4"]');
  const inspector = await page.locator('[data-testid=inspector]').textContent();
  assert.ok(inspector.includes('phase') && inspector.includes('(1, 1)'), inspector.slice(0, 400));
  await page.screenshot({ path: join(SHOTS, 'zab-trunc.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Zab: the student crashes the leader; the others elect, agree on epoch 2 and synchronize', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '?lang=zh#preset=zab-broadcast', { width: 1280, height: 1400 });
  await fromStart(page);
  let s = await runFor(page, 700000);
  assert.equal(s.nodes[4].role, 'leader');
  await page.click('svg.cluster [data-node-id="4"]');
  await page.click('[data-testid=crash]');
  s = await runFor(page, 1500000);
  const leaders = s.nodes.filter(n => n.role === 'leader');
  assert.equal(leaders.length, 1, JSON.stringify(s.nodes.map(n => n.role)));
  const t = s.clusterTable;
  assert.ok(t.rows.filter(r => r[col(t, 'currentEpoch')] === '2').length === 4, JSON.stringify(t.rows));
  assert.equal(s.violations.length, 0);
  await page.screenshot({ path: join(SHOTS, 'zab-new-epoch-zh.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Zab teaching bug: DIFF where TRUNC was needed makes histories diverge', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=zab-bug-diff-not-trunc', { width: 1280, height: 1400 });
  await fromStart(page);
  const s = await runFor(page, 2500000);
  assert.ok(s.violations.some(v => v.property === 'Agreement'), JSON.stringify(s.violations.map(v => v.property)));
  await page.screenshot({ path: join(SHOTS, 'zab-bug-diff-not-trunc.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('The lock service on Zab: the Zab leader fails, n1 is elected, sessions survive; a client fails over without going back in time', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=lock-zab-leader-failover', { width: 1280, height: 1400 });
  await fromStart(page);
  let s = await runFor(page, 4000000);
  assert.equal(s.protocol, 'lock');
  assert.equal(s.nodes[1].role, 'leader', JSON.stringify(s.nodes.map(n => n.role)));
  assert.equal(s.violations.length, 0, JSON.stringify(s.violations));
  await page.click('svg.cluster [data-node-id="1"]');
  const inspector = await page.locator('[data-testid=inspector]').textContent();
  assert.ok(inspector.includes('currentEpoch') && inspector.includes('(2, '), inspector.slice(0, 600));
  await page.screenshot({ path: join(SHOTS, 'lock-zab-failover.png'), fullPage: true });
  // Another family: the page swaps modules.
  await page.evaluate(() => window.clusterlab.load('zab-client-failover'));
  await page.waitForFunction(() => window.clusterlab && window.clusterlab.state && window.clusterlab.state().protocol === 'zab', null, { timeout: 30000 });
  await fromStart(page);
  // Just after the refusal at 570 ms (the event log shows the records before the playhead).
  s = await runFor(page, 600000);
  assert.equal(s.protocol, 'zab');
  assert.equal(s.violations.length, 0, JSON.stringify(s.violations));
  await page.fill('[data-testid=event-log] input[type=search]', 'another server');
  const log = await page.locator('[data-testid=event-log] ol').textContent();
  assert.ok(log.includes('the client has seen zxid (1, 2), this server only (1, 1)'), 'log: ' + log.slice(0, 600));
  await page.screenshot({ path: join(SHOTS, 'zab-client-failover.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
