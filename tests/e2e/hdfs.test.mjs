// The block store in the page: the NameNode, the writer and two racks of DataNodes drawn
// apart; the pipeline as arrows; replicas as chips per block; a DataNode dying mid-write
// (a new generation stamp, a copy to a third replica); the student damaging a disk and the
// reader finding it; a replication storm plotted; a teaching bug in Chinese.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, open, SHOTS, fromStart, runFor, table } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const VIEW = { width: 1280, height: 1400 };
const nn = s => s.nodes[0];

test('HDFS: a file written through a pipeline; racks drawn as columns; replicas as chips', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=hdfs-write', VIEW);
  await fromStart(page);
  let s = await runFor(page, 400000);
  assert.equal(s.protocol, 'hdfs');
  assert.deepEqual(s.overlay.groups.slice(0, 4), ['NameNode', 'writer', 'rack 1', 'rack 2']);
  assert.ok(s.overlay.arrows.some(a => a.kind === 'pipeline'), 'the pipeline is drawn while a block is written');
  await page.screenshot({ path: join(SHOTS, 'hdfs-write-pipeline.png'), fullPage: true });
  s = await runFor(page, 3000000);
  assert.equal(s.violations.length, 0);
  assert.equal(s.nodes[1].role, 'writer (done)');
  assert.equal(s.overlay.lineage.datasets.length, 4, 'four blocks, each a column of replica chips');
  assert.ok(s.overlay.lineage.datasets.every(d => d.partitions.length === 3 && d.partitions.every(p => p.state === 'stored')));
  await page.click('svg.cluster [data-node-id="0"]');
  assert.equal(await page.locator('caption', { hasText: 'blocks' }).count() >= 1, true);
  await page.screenshot({ path: join(SHOTS, 'hdfs-write.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('HDFS: a DataNode dies mid-write; the pipeline goes on under a new stamp and a third replica is copied', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=hdfs-datanode-dies', VIEW);
  await fromStart(page);
  const s = await runFor(page, 12000000);
  assert.equal(s.violations.length, 0);
  assert.equal(s.nodes[3].status, 'up', 'n3 came back');
  assert.ok(Number(s.nodes[1].fields['pipeline recoveries']) >= 1);
  assert.ok(Number(nn(s).fields['bytes re-replicated']) >= 32);
  const first = s.overlay.lineage.datasets[0].partitions.map(p => p.label);
  assert.ok(first.length === 3 && first.every(l => Number(/ (\d+)$/.exec(l)[1]) > 1001), 'three replicas under a new generation stamp: ' + JSON.stringify(first));
  await page.screenshot({ path: join(SHOTS, 'hdfs-datanode-dies.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('HDFS: the student damages a disk from the panel; the scanner or a reader finds it and it is replaced', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=hdfs-write', VIEW);
  await fromStart(page);
  await runFor(page, 700000);
  await page.click('svg.cluster [data-node-id="2"]');
  await page.click('[data-testid=corrupt-disk]');
  let s = await runFor(page, 100000);
  const chips = x => x.overlay.lineage.datasets.flatMap(d => d.partitions);
  assert.ok(chips(s).some(p => p.state === 'lost' && p.label.startsWith('n2 ')), 'n2 holds a replica that fails its checksum');
  // The block scanner verifies one replica every 10 s here: both of n2's within 24 s.
  s = await runFor(page, 24000000);
  assert.equal(s.violations.length, 0);
  assert.ok(chips(s).every(p => p.state === 'stored'), 'the damaged replica is gone: ' + JSON.stringify(chips(s)));
  assert.ok(Number(nn(s).fields['bytes re-replicated']) >= 32);
  assert.deepEqual(errors, []);
  await context.close();
});

test('HDFS: a flapping node under a short timeout plots a replication storm', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=hdfs-flapping-short', VIEW);
  await fromStart(page);
  const s = await runFor(page, 12000000);
  const plot = s.overlay.plots.find(p => p.title === 'bytes re-replicated');
  const last = plot.series[0].points.at(-1)[1];
  assert.ok(last >= 128, 'bytes copied climb with the flaps: ' + last);
  assert.equal(await page.locator('[data-testid=overlay-panel] [data-testid=plot]').count(), 1);
  await page.screenshot({ path: join(SHOTS, 'hdfs-flapping-short.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('HDFS bug: the head acks before the tail has the data; the page in Chinese', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '?lang=zh#preset=hdfs-bug-ack-before-tail', VIEW);
  await fromStart(page);
  const s = await runFor(page, 1000000);
  assert.equal(s.violations[0].property, 'Acknowledged on the whole pipeline');
  assert.equal(await page.locator('[data-testid=overlay-panel] caption', { hasText: '副本不足队列' }).count(), 1);
  await page.screenshot({ path: join(SHOTS, 'hdfs-bug-ack-before-tail-zh.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
