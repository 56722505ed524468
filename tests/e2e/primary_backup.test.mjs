// Primary/backup in the page: the coordinators (the lock service on Raft), the replicas and
// the log storage drawn apart; the primary's forwards and its log as arrows; a failover that
// replays the log; a zombie primary fenced, and not fenced; a client's read answered; the
// page in Chinese.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, open, SHOTS, fromStart, runFor } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const VIEW = { width: 1280, height: 1200 };
const primaries = s => s.nodes.filter(n => n.role === 'primary');

test('primary/backup: one primary forwards to its backups and logs; it fails over with a replay', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=primary-backup-failover', VIEW);
  await fromStart(page);
  let s = await runFor(page, 1000000);
  assert.equal(s.protocol, 'primary-backup');
  assert.deepEqual(primaries(s).map(n => n.id), [5]);
  assert.ok(s.overlay.arrows.some(a => a.kind === 'forward' && a.from === 5), 'forwards to the backups are drawn');
  assert.ok(s.overlay.arrows.some(a => a.kind === 'log' && a.to === 6), 'the log is drawn');
  await page.screenshot({ path: join(SHOTS, 'primary-backup-steady.png'), fullPage: true });
  s = await runFor(page, 3000000);
  assert.equal(s.violations.length, 0);
  const [p] = primaries(s);
  assert.ok(p && p.id !== 5 && Number(p.fields.replayed) > 0, 'a new primary replayed the log: ' + JSON.stringify(p));
  await page.click(`svg.cluster [data-node-id="${p.id}"]`);
  assert.ok(await page.locator('caption', { hasText: 'newest records' }).count() >= 1);
  await page.screenshot({ path: join(SHOTS, 'primary-backup-failover.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('primary/backup: a zombie primary is fenced; without fencing two checks fail; in Chinese', async () => {
  const fenced = await open(env.browser, env.base + '#preset=primary-backup-zombie-fenced', VIEW);
  await fromStart(fenced.page);
  let s = await runFor(fenced.page, 4500000);
  assert.equal(s.violations.length, 0);
  assert.equal(s.nodes[5].role, 'backup', 'the zombie stepped down');
  assert.deepEqual(fenced.errors, []);
  await fenced.context.close();
  const { page, errors, context } = await open(env.browser, env.base + '?lang=zh#preset=primary-backup-zombie-unfenced', VIEW);
  await fromStart(page);
  s = await runFor(page, 4500000);
  assert.deepEqual([...new Set(s.violations.map(v => v.property))].sort(), ['Fenced at the backups', 'Log files fenced']);
  assert.equal(await page.locator('[data-testid=overlay-panel] caption', { hasText: '预写日志' }).count(), 1);
  await page.screenshot({ path: join(SHOTS, 'primary-backup-zombie-unfenced-zh.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
