// MapReduce in the page: the word count from start to done (the master apart from the
// workers, its task table, the shuffle, the committed counts, the progress plot); the
// student crashing a worker from the panel after its maps finished and the master
// re-executing them; the job over Chinese text in Chinese; a text typed into the page and
// counted (and one over the limit refused); the straggler with and without backup tasks.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { start, open, state, SHOTS, pause, runFor, fromStart, table, field } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

/// The committed word count as { word: count }.
const counts = s => Object.fromEntries(table(s, 'word count (committed)').rows.map(([w, c]) => [w, Number(c)]));
const VIEW = { width: 1280, height: 1400 };
/// The scenario the page's address names (`#s=V.base64url(raw deflate(json))`).
const scenarioInAddress = async page => {
  const hash = await page.evaluate(() => location.hash);
  const m = /^#s=(\d+)\.(.+)$/.exec(hash);
  assert.ok(m, hash);
  return JSON.parse(inflateRawSync(Buffer.from(m[2], 'base64url')).toString('utf8'));
};

test('MapReduce word count: the master gives out every task, the shuffle fills, the counts are committed', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=mapreduce-word-count', VIEW);
  await fromStart(page);
  const s = await runFor(page, 3000000);
  assert.equal(s.protocol, 'mapreduce');
  assert.deepEqual(s.overlay.groups, ['master', 'workers', 'workers', 'workers', 'workers', 'workers']);
  assert.deepEqual(await page.locator('svg.cluster .group-label').allTextContents(), ['master', 'workers']);
  for (const title of ["master's tasks", 'shuffle (pieces fetched)', 'word count (committed)']) {
    assert.ok(table(s, title), `table ${title}: ${s.overlay.tables.map(t => t.title)}`);
    assert.equal(await page.locator('[data-testid=overlay-panel] caption', { hasText: title }).count(), 1, title);
  }
  const tasks = table(s, "master's tasks");
  assert.equal(tasks.rows.length, 8 + 3, 'M = 8 maps and R = 3 reduces');
  assert.ok(tasks.rows.every(r => r[1] === 'completed'), JSON.stringify(tasks.rows));
  const shuffle = table(s, 'shuffle (pieces fetched)');
  assert.ok(shuffle.rows.every(r => r.slice(1).every(c => c === '✓')), JSON.stringify(shuffle.rows));
  assert.ok(table(s, 'word count (committed)').rows.length > 0);
  assert.equal(s.nodes[0].role, 'master (job done)');
  assert.equal(field(s, 'map tasks'), '8 of 8 completed');
  assert.equal(field(s, 'reduce tasks'), '3 of 3 committed');
  assert.equal(s.violations.length, 0, JSON.stringify(s.violations));
  assert.ok(s.overlay.plots.length >= 1);
  const plot = page.locator('[data-testid=overlay-panel] [data-testid=plot]');
  assert.equal(await plot.count(), s.overlay.plots.length);
  assert.ok(await plot.first().locator('path.series').count() >= 3, 'map input, shuffle and output curves');
  // Generated text: the input panel is there, empty.
  assert.equal(await page.inputValue('[data-testid=mr-text]'), '');
  assert.equal(await page.locator('[data-testid=mr-source]').textContent(), 'Counting: generated text');
  await page.screenshot({ path: join(SHOTS, 'mapreduce-word-count.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('MapReduce: the student crashes a worker after its maps finished; the master runs them again and the job still finishes', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=mapreduce-word-count', VIEW);
  await fromStart(page);
  let s = await runFor(page, 600000);
  const tasks = table(s, "master's tasks");
  const byN3 = tasks.rows.filter(r => r[0].startsWith('m') && r[3].startsWith('n3 '));
  assert.ok(byN3.length >= 1 && byN3.every(r => r[1] === 'completed'), 'n3 has completed a map: ' + JSON.stringify(tasks.rows));
  await page.click('svg.cluster [data-node-id="3"]');
  await page.click('[data-testid=crash]');
  s = await state(page);
  assert.equal(s.nodes[3].status, 'crashed');
  s = await runFor(page, 3000000);
  assert.ok(Number(field(s, 'maps re-executed')) >= 1, JSON.stringify(s.nodes[0].fields));
  assert.ok(field(s, 'failed workers').split(', ').includes('n3'), JSON.stringify(s.nodes[0].fields));
  assert.equal(s.nodes[0].role, 'master (job done)');
  assert.ok(table(s, "master's tasks").rows.every(r => r[1] === 'completed'));
  assert.equal(s.violations.length, 0, JSON.stringify(s.violations));
  await page.click('svg.cluster [data-node-id="0"]');
  const inspector = await page.locator('[data-testid=inspector]').textContent();
  assert.ok(inspector.includes('maps re-executed'), inspector.slice(0, 600));
  await page.screenshot({ path: join(SHOTS, 'mapreduce-worker-crash.png'), fullPage: true });
  // A text counted now keeps the crash the student injected, at its time, from the start.
  await page.fill('[data-testid=mr-text]', 'a b a');
  await page.click('[data-testid=mr-count]');
  const sc = await scenarioInAddress(page);
  assert.deepEqual(sc.faults, [{ at_us: 600000, fault: { kind: 'crash', node: 3 } }], JSON.stringify(sc.faults));
  assert.equal(sc.config.text, 'a b a');
  assert.ok(!sc.playhead_us && sc.playhead_event === undefined, JSON.stringify(sc));
  assert.deepEqual(errors, []);
  await context.close();
});

test('MapReduce in Chinese: the job over Chinese text counts single characters', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '?lang=zh#preset=mapreduce-chinese', VIEW);
  await fromStart(page);
  const s = await runFor(page, 3000000);
  assert.equal(s.lang, 'zh');
  assert.equal(s.nodes[0].role, 'master (job done)');
  assert.equal(s.violations.length, 0, JSON.stringify(s.violations));
  const words = table(s, 'word count (committed)').rows.map(r => r[0]);
  assert.ok(words.length >= 5 && words.every(w => /^\p{Script=Han}$/u.test(w)), words.join(' '));
  // The page shows them, under a Chinese caption, and the input panel speaks Chinese.
  const shown = page.locator('[data-testid=overlay-panel] table', { has: page.locator('caption', { hasText: '词频（已提交）' }) });
  assert.equal(await shown.count(), 1);
  const cells = await shown.locator('tbody tr td:first-child').allTextContents();
  assert.deepEqual(cells, words);
  assert.equal(await page.locator('[data-testid=mr-count]').textContent(), '统计这些词');
  assert.equal(await page.locator('[data-testid=mr-text]').getAttribute('aria-label'), '要统计的文本');
  assert.equal(await page.locator('[data-testid=mr-source]').textContent(), '正在统计：生成的文本');
  await page.screenshot({ path: join(SHOTS, 'mapreduce-chinese-zh.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('MapReduce: a text typed into the page is counted; one over 20,000 characters is refused and changes nothing', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=mapreduce-word-count', VIEW);
  await pause(page);
  const typed = 'the cat and the hat 猫 猫';
  await page.fill('[data-testid=mr-text]', typed);
  assert.equal(await page.locator('[data-testid=mr-chars]').textContent(), `${[...typed].length} / 20000 characters`);
  await page.click('[data-testid=mr-count]');
  let s = await state(page);
  assert.equal(s.protocol, 'mapreduce');
  assert.equal(s.preset, null, 'a scenario of its own now');
  assert.equal(s.notice, null);
  assert.ok(s.playing, 'counting starts');
  await fromStart(page);
  s = await runFor(page, 3000000);
  assert.equal(s.nodes.length, 6, 'the same nodes');
  assert.equal(s.nodes[0].role, 'master (job done)');
  assert.deepEqual(counts(s), { the: 2, '猫': 2, cat: 1, and: 1, hat: 1 });
  assert.equal(s.violations.length, 0, JSON.stringify(s.violations));
  assert.equal(await page.locator('[data-testid=mr-source]').textContent(), 'Counting: the typed text');
  assert.equal(await page.inputValue('[data-testid=mr-text]'), typed);
  // The address carries the typed text (a reload opens the same scenario), and the rest is
  // the preset's: nodes, seed, network, no faults, from the start.
  const hash = await page.evaluate(() => location.hash);
  const sc = await scenarioInAddress(page);
  assert.deepEqual({ ...sc, net: undefined }, { version: sc.version, protocol: 'mapreduce', nodes: 6, seed: 1, config: { text: typed }, net: undefined, chaos: sc.chaos, chaos_on: false, faults: [], playhead_us: 0 });
  assert.equal(sc.net.latency_min_us, 5000);
  assert.equal(sc.net.latency_max_us, 5000);
  const cells = await page.locator('[data-testid=overlay-panel] table', { has: page.locator('caption', { hasText: 'word count (committed)' }) }).locator('tbody tr').allTextContents();
  assert.ok(cells.includes('the2') && cells.includes('猫2'), cells.join(' | '));
  await page.screenshot({ path: join(SHOTS, 'mapreduce-typed-text.png'), fullPage: true });

  // 20,001 characters: a notice, and the run, the text it counts and the address stay.
  const before = await state(page);
  const link = await page.evaluate(() => window.clusterlab.link());
  await page.fill('[data-testid=mr-text]', 'word '.repeat(4000) + 'x');
  assert.equal(await page.locator('[data-testid=mr-chars]').textContent(), '20001 / 20000 characters');
  assert.equal(await page.locator('[data-testid=mr-chars].over').count(), 1);
  await page.click('[data-testid=mr-count]');
  const notice = await page.locator('[data-testid=notice]').textContent();
  assert.ok(notice.includes('too long') && notice.includes('20001') && notice.includes('Nothing was changed'), notice);
  s = await state(page);
  assert.equal(s.eventCount, before.eventCount);
  assert.equal(s.traceHash, before.traceHash);
  assert.equal(s.playing, false);
  assert.equal(await page.evaluate(() => window.clusterlab.link()), link);
  assert.equal(await page.evaluate(() => location.hash), hash);
  assert.deepEqual(counts(s), counts(before));
  await page.screenshot({ path: join(SHOTS, 'mapreduce-text-too-long.png') });

  // Exactly 20,000 characters of words that hardly compress: counted, though too long for a
  // link; the address then names nothing (as for a scenario file).
  let x = 7;
  const word = () => Array.from({ length: 5 }, () => String.fromCharCode(97 + ((x = (x * 1103515245 + 12345) % 2147483648) >> 16) % 26)).join('');
  const long = Array.from({ length: 3400 }, word).join(' ').slice(0, 20000);
  await page.fill('[data-testid=mr-text]', long);
  await page.click('[data-testid=mr-count]');
  s = await state(page);
  assert.equal(s.notice, null);
  assert.equal(await page.evaluate(() => location.hash), '');
  assert.equal(await page.locator('[data-testid=mr-source]').textContent(), 'Counting: the typed text');
  assert.equal((await page.inputValue('[data-testid=mr-text]')).length, 20000);
  assert.equal((await page.evaluate(() => window.clusterlab.link())).ok, false, 'no link: Export scenario saves it');

  // An empty text counts the generated text again.
  await page.fill('[data-testid=mr-text]', '');
  await page.click('[data-testid=mr-count]');
  await fromStart(page);
  s = await runFor(page, 3000000);
  assert.equal(s.nodes[0].role, 'master (job done)');
  assert.ok(Object.keys(counts(s)).length > 5, JSON.stringify(counts(s)));
  assert.equal(await page.locator('[data-testid=mr-source]').textContent(), 'Counting: generated text');
  assert.deepEqual(errors, []);
  await context.close();
});

test('MapReduce stragglers: backup tasks finish the job sooner than waiting for the slow map', async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=mapreduce-straggler-backup', VIEW);
  const done = async (name, shot) => {
    await page.evaluate(name => window.clusterlab.load(name), name);
    await page.waitForFunction(name => window.clusterlab.state().preset === name, name);
    await fromStart(page);
    const s = await runFor(page, 8000000);
    assert.equal(s.nodes[0].role, 'master (job done)', name);
    assert.equal(s.violations.length, 0, JSON.stringify(s.violations));
    await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
    const ms = /^(\d+) ms$/.exec(field(s, 'completion time'));
    assert.ok(ms, JSON.stringify(s.nodes[0].fields));
    return { ms: Number(ms[1]), backups: Number(field(s, 'backup executions')) };
  };
  const backup = await done('mapreduce-straggler-backup', 'mapreduce-straggler-backup.png');
  const none = await done('mapreduce-straggler-no-backup', 'mapreduce-straggler-no-backup.png');
  assert.ok(backup.backups >= 1 && none.backups === 0, JSON.stringify({ backup, none }));
  assert.ok(backup.ms < none.ms, `with backup tasks ${backup.ms} ms, without ${none.ms} ms`);
  assert.deepEqual(errors, []);
  await context.close();
});
