// `make bench`, the page's part: the frame budget with the cluster state table shown (issue
// 17: 9 Raft nodes, 300+ messages in flight, interval p95 <= 16.7 ms in each of 10 runs),
// measured in headless Chromium on dist/. Each run opens a fresh page, plays for 4 s and
// prints the interval between animation frames (what the eye sees) and the main thread's
// work per frame. Exits 1 if a run misses the budget.
// Usage: node scripts/frame_bench.mjs [RUNS]
import { deflateRawSync } from 'node:zlib';
import { start, open, measureFrames, pct } from '../tests/e2e/helpers.mjs';

const RUNS = Number(process.argv[2] || 10);
const BUDGET_MS = 16.7;
const busy = {
  protocol: 'raft', nodes: 9, seed: 42,
  config: { election_timeout_us_min: 1500000, election_timeout_us_max: 3000000, heartbeat_interval_us: 20000 },
  net: { latency_min_us: 300000, latency_max_us: 600000 },
  playhead_us: 8000000,
};
const link = '#s=1.' + deflateRawSync(Buffer.from(JSON.stringify(busy))).toString('base64url');
const f = x => x.toFixed(1);

const env = await start();
const p95s = [];
for (let run = 1; run <= RUNS; run++) {
  const { page, context } = await open(env.browser, env.base + link, { width: 1280, height: 1400 });
  const s = await page.evaluate(() => window.clusterlab.state());
  const rows = await page.locator('[data-testid=state-table] .state-columns tr[data-node-id]').count();
  if (rows !== 9) throw new Error(`the state table shows ${rows} rows, not 9`);
  const { intervals, work } = await measureFrames(page, 4000);
  await context.close();
  // rAF timestamps are coarsened to 0.1 ms: a steady 60 Hz reads 16.6-16.8 ms.
  const p95 = pct(intervals, 0.95);
  p95s.push(p95);
  const missed = intervals.filter(x => x > 25).length;
  console.log(`run ${run}: ${intervals.length} frames, ${s.messagesInFlight} messages in flight, state table shown: interval p50 ${f(pct(intervals, 0.5))} ms, `
    + `p95 ${f(p95)} ms, ${missed} missed; work p50 ${f(pct(work, 0.5))} ms, p95 ${f(pct(work, 0.95))} ms`);
}
await env.stop();
const over = p95s.filter(p => p > BUDGET_MS + 0.15).length;
console.log(`frame budget (p95 <= ${BUDGET_MS} ms): ${RUNS - over} of ${RUNS} runs within; median p95 ${f(pct(p95s, 0.5))} ms`);
process.exit(over ? 1 : 0);
