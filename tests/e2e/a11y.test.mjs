// Accessibility (issue 17 §4): axe-core (the npm package) run against every page mode —
// each family's view, the embed view, a lesson, adversary mode, both languages and both
// themes, with a node
// selected and with the state table shown — must report no violation at all. The state
// table and its log grid work from the keyboard. axe is injected with CSP bypassed for the
// test (the page's own policy forbids any script it did not ship).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, ROOT } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const AXE = join(ROOT, 'tests', 'e2e', 'node_modules', 'axe-core', 'axe.min.js');

async function openMode(mode) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(env.base + mode);
  // Generous: two browser files run at once on two cores, and a module is fetched and
  // compiled for each page (this waits for the page, it does not time it).
  await page.waitForFunction(() => window.clusterlab && document.querySelector('[data-node-id], [data-testid=cluster-canvas]'), null, { timeout: 60000 });
  // A preset plays as it opens, so stop it and run on to a fixed simulated moment: every
  // run checks the same state (one that played past it is checked where it stands).
  await page.evaluate(() => {
    window.clusterlab.pause();
    const now = window.clusterlab.state().simTimeUs;
    window.clusterlab.runFor(Math.max(0, 2_000_000 - now));
    window.clusterlab.pause();
  });
  return { page, context, errors };
}

async function violations(page) {
  await page.addScriptTag({ path: AXE });
  // Every rule runs as before; only the nodes that pass are not each given a selector
  // (axe's slowest step on a large page), since only the violations are read.
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
}

const MODES = [
  '#preset=raft-figure-7',
  '?lang=zh#preset=raft-leader-crash',
  '?theme=dark#preset=raft-election',
  '?theme=light#preset=paxos-multi-leader-change',
  '?lang=zh&theme=dark#preset=paxos-livelock',
  '#preset=lock-gc-pause-unfenced',
  '?theme=dark#preset=lock-acquire-release',
  '#preset=gossip-push-1000',
  '?lang=zh#preset=gossip-residue',
  '#preset=swim-false-suspicion',
  '?theme=dark#preset=swim-crash-detection',
  '#preset=flood-basic',
  '#preset=2pc-coordinator-crash',
  '?lang=zh&theme=dark#preset=2pc-cooperative-termination',
  '#preset=paxos-commit-coordinator-crash',
  '#preset=3pc-partition',
  '?theme=dark#preset=zab-trunc',
  '#preset=mapreduce-word-count',
  '?theme=dark#preset=spark-executor-lost',
  '?lang=zh#preset=spark-word-count',
  '#preset=chord-ring',
  '#preset=hash-ring-join',
  '?lang=zh#preset=cache-look-aside',
  '#preset=hdfs-datanode-dies',
  '#preset=primary-backup-failover',
  '?lang=zh&theme=dark#preset=chord-join',
  '?embed=1#preset=raft-election',
  '?embed=1&theme=dark&lang=zh#preset=lock-gc-pause-unfenced',
  '?embed=1#preset=gossip-push-1000',
  // A lesson with adversary mode on (its choices listed), a lesson in Chinese and dark, and
  // a lesson embedded.
  '#lesson=raft-be-the-network&step=3',
  '?lang=zh&theme=dark#lesson=raft-election&step=2',
  '#lesson=2pc-blocking&step=3',
  '?embed=1#lesson=raft-election&step=2',
];

for (const mode of MODES) {
  test(`axe-core finds nothing: ${mode}`, async () => {
    const { page, context, errors } = await openMode(mode);
    assert.deepEqual(await violations(page), []);
    // With a node selected (the inspector's tables and log) as well.
    if (!mode.includes('embed') && await page.locator('svg.cluster [data-node-id]').count() > 0) {
      await page.locator('svg.cluster [data-node-id="1"]').click();
      assert.deepEqual(await violations(page), [], 'with node 1 inspected');
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('the state table and its log grid work from the keyboard', async () => {
  const { page, context } = await openMode('#preset=raft-figure-7');
  // Tab to the first node button in the table and inspect it with Enter.
  const first = page.locator('[data-testid=state-table] .state-columns tr[data-node-id="2"] button');
  await first.focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => window.clusterlab.state().selected), 2);
  // The grid's scroll box takes focus (it scrolls sideways on a narrow screen).
  const box = page.locator('[data-testid=state-table] .grid-scroll');
  assert.equal(await box.getAttribute('tabindex'), '0');
  await box.focus();
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('grid-scroll')), true);
  await context.close();
});
