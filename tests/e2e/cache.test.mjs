// The cache in the page: the database, cache servers and web servers in three groups; the
// hit rate rising and the database's reads falling; the stale-set race refused by a lease,
// and kept for good without leases; the student crashing a cache server (its keys miss at
// a stand-in server); a teaching bug in Chinese.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, open, SHOTS, fromStart, runFor, table } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const VIEW = { width: 1280, height: 1400 };
const now = s => table(s, 'the cache now').rows;

test('Cache: look-aside reads warm the cache; the database, cache and web servers drawn apart', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=cache-look-aside', VIEW);
  await fromStart(page);
  const s = await runFor(page, 6000000);
  assert.equal(s.protocol, 'cache');
  assert.deepEqual(now(s)[0], ['Cache agrees with the database', 'holds'], JSON.stringify(now(s)));
  const [, rate] = now(s)[1][1].match(/^(\d+)% \(\d+ hits, \d+ misses\)/) ?? [];
  assert.ok(rate && Number(rate) >= 40, 'the hit rate: ' + now(s)[1][1]);
  assert.deepEqual(s.overlay.groups.slice(0, 5), ['database', 'cache servers', 'cache servers', 'cache servers', 'web servers']);
  assert.deepEqual(s.overlay.plots[0].series.map(x => x.name), ['cache hits', 'database reads', 'stale reads']);
  assert.equal(await page.locator('[data-testid=overlay-panel] [data-testid=plot]').count(), 1);
  await page.click('svg.cluster [data-node-id="1"]');
  assert.equal(await page.locator('caption', { hasText: 'cached' }).count(), 1);
  assert.equal(s.violations.length, 0);
  await page.screenshot({ path: join(SHOTS, 'cache-look-aside.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Cache: the stale-set race is refused by its lease, and stays for good without leases', async () => {
  for (const [preset, agrees] of [['cache-stale-set', true], ['cache-stale-set-no-leases', false]]) {
    const { page, errors, context } = await open(env.browser, env.base + '#preset=' + preset, VIEW);
    await fromStart(page);
    const s = await runFor(page, 4000000);
    if (agrees) {
      assert.deepEqual(now(s)[0], ['Cache agrees with the database', 'holds']);
      assert.ok(s.nodes.some(n => n.fields['sets refused'] === '1'), 'a server refused the late set');
    } else {
      assert.match(now(s)[0][1], /^not yet: n\d caches k0 = v0 \(version 0\), but the database holds new/);
      const [, stale] = now(s)[2][1].match(/^(\d+) of \d+$/) ?? [];
      assert.ok(Number(stale) >= 1, 'stale reads counted: ' + now(s)[2][1]);
      await page.screenshot({ path: join(SHOTS, 'cache-stale-set-no-leases.png'), fullPage: true });
    }
    assert.equal(s.violations.length, 0, 'leases off is a choice, not a broken promise');
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('Cache: a crashed cache server\'s keys miss at a stand-in server', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=cache-look-aside', VIEW);
  await fromStart(page);
  await runFor(page, 1500000);
  await page.click('svg.cluster [data-node-id="1"]');
  await page.click('[data-testid=crash]');
  const s = await runFor(page, 3000000);
  assert.equal(s.nodes[1].status, 'crashed');
  assert.ok(s.nodes.some(n => Number(n.fields['misses at a stand-in server'] ?? 0) >= 1), 'cold misses elsewhere');
  assert.ok(s.nodes.some(n => Number(n.fields['servers left out'] ?? 0) >= 1));
  assert.deepEqual(now(s)[0], ['Cache agrees with the database', 'holds']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Cache bug: the servers ignore leases; the page in Chinese', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '?lang=zh#preset=cache-bug-leases-off', VIEW);
  await fromStart(page);
  const s = await runFor(page, 3000000);
  assert.equal(s.violations[0].property, 'Sets carry a live lease');
  assert.equal(await page.locator('[data-testid=overlay-panel] caption', { hasText: '缓存的现状' }).count(), 1);
  await page.screenshot({ path: join(SHOTS, 'cache-bug-leases-off-zh.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
