// Spark in the page: the word count's lineage graph (textFile → flatMap → map ⇒ reduceByKey)
// and its two stages from start to done; the student crashing an executor that holds map
// outputs, the FetchFailed, and the lost partitions recomputed from lineage; a teaching bug
// caught by its checker; the input panel counting a typed text.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, open, state, SHOTS, pause, runFor, fromStart, table, field } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const VIEW = { width: 1280, height: 1400 };

test('Spark word count: stage 0 writes the shuffle, stage 1 starts when every map output is there, the lineage graph shows it', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=spark-word-count', VIEW);
  await fromStart(page);
  let s = await runFor(page, 500000);
  assert.equal(s.protocol, 'spark');
  assert.deepEqual(await page.locator('svg.cluster .group-label').allTextContents(), ['driver', 'executors']);
  const lineage = table(s, 'lineage graph');
  assert.deepEqual(lineage.rows.map(r => r[0]), ['textFile', 'flatMap(split)', 'map((w, 1))', 'reduceByKey(+)']);
  assert.deepEqual(lineage.rows.map(r => r[2]), ['input splits', 'narrow', 'narrow', 'shuffle']);
  assert.equal(field(s, 'running'), 'stage 0 attempt 1');
  assert.ok(lineage.rows[2][4] !== '', 'map partitions computing: ' + JSON.stringify(lineage.rows[2]));
  const chart = page.locator('[data-testid=overlay-panel] [data-testid=lineage]');
  assert.equal(await chart.count(), 1);
  const parts = () => chart.locator('.lineage-dataset').evaluateAll(gs => gs.map(g => [...g.querySelectorAll('.lineage-part')].map(p => p.dataset.state)));
  let drawn = await parts();
  assert.deepEqual(drawn.map(d => d.length), [6, 6, 6, 3]);
  assert.ok(drawn[0].every(x => x === 'stored') && drawn[1].every(x => x === 'pipelined'), JSON.stringify(drawn));
  assert.ok(drawn[2].includes('computing'), JSON.stringify(drawn[2]));
  s = await runFor(page, 4000000);
  drawn = await parts();
  assert.ok(drawn[2].every(x => x === 'materialized') && drawn[3].every(x => x === 'committed'), JSON.stringify(drawn));
  assert.equal(s.nodes[0].role, 'driver (job done)');
  assert.equal(field(s, 'map outputs'), '6 of 6 available');
  assert.equal(field(s, 'result partitions'), '3 of 3 committed');
  assert.equal(table(s, 'lineage graph').rows[3][3].split(', ').length, 3, 'three result partitions committed');
  assert.ok(table(s, 'word count (committed)').rows.length > 0);
  assert.ok(table(s, 'shuffle (blocks fetched)').rows.every(r => r.slice(1).every(c => c === '✓')));
  for (const title of ['lineage graph', 'stages', 'shuffle (blocks fetched)', 'word count (committed)']) {
    assert.equal(await page.locator('[data-testid=overlay-panel] caption', { hasText: title }).count(), 1, title);
  }
  assert.equal(s.violations.length, 0, JSON.stringify(s.violations));
  await page.screenshot({ path: join(SHOTS, 'spark-word-count.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Spark: the student crashes an executor holding map outputs; FetchFailed, and the lost partitions are recomputed from lineage', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=spark-word-count', VIEW);
  await fromStart(page);
  let s = await runFor(page, 1000000);
  const held = table(s, 'lineage graph').rows[2][3];
  assert.ok(held.includes('on n2'), 'n2 holds a map output: ' + held);
  await page.click('svg.cluster [data-node-id="2"]');
  await page.click('[data-testid=crash]');
  s = await state(page);
  assert.equal(s.nodes[2].status, 'crashed');
  // Until the driver unregisters n2's outputs: the graph draws them lost.
  for (let i = 0; i < 60 && table(s, 'lineage graph').rows[2][5] === ''; i++) s = await runFor(page, 50000);
  assert.notEqual(table(s, 'lineage graph').rows[2][5], '', 'a map output lost');
  assert.ok(await page.locator('[data-testid=lineage] .lineage-part.lost').count() >= 1);
  await page.screenshot({ path: join(SHOTS, 'spark-partitions-lost.png'), fullPage: true });
  s = await runFor(page, 4000000);
  assert.ok(Number(field(s, 'partitions recomputed')) >= 1, JSON.stringify(s.nodes[0].fields));
  assert.ok(Number(field(s, 'fetch failures')) >= 1, JSON.stringify(s.nodes[0].fields));
  assert.equal(s.nodes[0].role, 'driver (job done)');
  assert.equal(table(s, 'stages').rows[0][3], '2', 'stage 0 ran twice: ' + JSON.stringify(table(s, 'stages').rows));
  assert.equal(s.violations.length, 0, JSON.stringify(s.violations));
  await page.screenshot({ path: join(SHOTS, 'spark-executor-lost.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Spark bug: recomputing from the wrong parent is caught by Correct output; the page in Chinese', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '?lang=zh#preset=spark-bug-recompute-wrong-parent', VIEW);
  await fromStart(page);
  const s = await runFor(page, 5000000);
  assert.ok(s.violations.some(v => v.property === 'Correct output'), JSON.stringify(s.violations));
  assert.ok(Number(await page.getAttribute('[data-violation-count]', 'data-violation-count')) >= 1);
  assert.equal(await page.locator('[data-testid=overlay-panel] caption', { hasText: '血缘图' }).count(), 1);
  await page.screenshot({ path: join(SHOTS, 'spark-bug-wrong-parent-zh.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Spark: a typed text is counted by the same input panel', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=spark-word-count', VIEW);
  await pause(page);
  await page.fill('[data-testid=mr-text]', 'to be or not to be');
  await page.click('[data-testid=mr-count]');
  await fromStart(page);
  const s = await runFor(page, 5000000);
  assert.equal(s.protocol, 'spark');
  const counts = Object.fromEntries(table(s, 'word count (committed)').rows.map(([w, c]) => [w, Number(c)]));
  assert.deepEqual(counts, { be: 2, to: 2, not: 1, or: 1 });
  assert.deepEqual(errors, []);
  await context.close();
});
