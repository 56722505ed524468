// `make bench`, the page's speed: RaftScope's workload (the scenario `clusterlab bench`
// times natively, written by `clusterlab bench --workload-file`) run through runFor on the
// normal page in headless Chromium, canvas drawn and trace kept as the page keeps them:
// events/s over 240 simulated seconds and in the early (30-60 s) and late (210-240 s)
// windows, medians of RUNS page loads, each repeating the workload for at least 0.5 s. Then seek: a 1,000,000-event history (9 Raft nodes,
// 2 ms heartbeats) built in the page, and seeks to seeded random events, median and max.
// The page's trace hash must be the CLI's (the same run, event for event).
// With RAFTSCOPE_BENCH set to the path of a headless harness for RaftScope's own model
// (`node HARNESS 60 1000` prints its wall time for 60 simulated seconds as JSON `wall_s`),
// it also times that model 11 times before and 11 after the page, and prints how many times
// as fast the page simulates: a ratio the machine's drift in speed cancels out of.
// Usage: node scripts/page_bench.mjs [RUNS]
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { deflateRawSync } from 'node:zlib';
import { start, open, pct, ROOT } from '../tests/e2e/helpers.mjs';

const RUNS = Number(process.argv[2] || 5);
const cli = join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'release', 'clusterlab');
const file = join(mkdtempSync(join(tmpdir(), 'clusterlab-bench-')), 'workload.json');
execFileSync(cli, ['bench', '--workload-file', file]);
const workload = JSON.parse(readFileSync(file, 'utf8'));
workload.playhead_us = 0;
const text = JSON.stringify(workload);
const nativeHash = JSON.parse(execFileSync(cli, ['run', file, '--json']).toString()).trace_hash;
const k = x => `${Math.round(x / 1000)}k`;

const raftscope = () => process.env.RAFTSCOPE_BENCH ? Array.from({ length: 11 }, () => JSON.parse(execFileSync('node', [process.env.RAFTSCOPE_BENCH, '60', '1000']).toString()).wall_s) : [];
const raftscopeBefore = raftscope();
const env = await start();
const rows = [];
for (let run = 1; run <= RUNS; run++) {
  const { page, context, errors } = await open(env.browser, env.base);
  // One run repeats the workload until it has taken at least 0.5 s (DESIGN.md "How we
  // measure"), windows summed over the repetitions.
  // The first pass of a page load also waits for the browser to compile the hot code;
  // `first` and `later` split a run's passes so the report shows how much.
  const r = { events: 0, ms: 0, early: { events: 0, ms: 0 }, late: { events: 0, ms: 0 }, first: { events: 0, ms: 0 }, later: { events: 0, ms: 0 }, reps: 0 };
  while (r.ms < 500) {
    const opened = await page.evaluate(t => window.clusterlab.openScenario(t), text);
    if (!opened.ok) throw new Error(`the page did not open the workload: ${JSON.stringify(opened)}`);
    const one = await page.evaluate(() => {
      const api = window.clusterlab;
      const span = us => {
        const before = api.state().eventCount;
        const t = performance.now();
        const a = api.runFor({ us, brief: true });
        return { events: a.eventCount - before, ms: performance.now() - t };
      };
      const parts = [span(30e6), span(30e6), span(150e6), span(30e6)];
      const s = api.state();
      return { parts, simUs: s.simTimeUs, hash: s.traceHash };
    });
    const pass = one.parts.reduce((a, p) => ({ events: a.events + p.events, ms: a.ms + p.ms }), { events: 0, ms: 0 });
    const into = r.reps === 0 ? r.first : r.later;
    into.events += pass.events;
    into.ms += pass.ms;
    for (const p of one.parts) { r.events += p.events; r.ms += p.ms; }
    for (const [w, p] of [[r.early, one.parts[1]], [r.late, one.parts[3]]]) { w.events += p.events; w.ms += p.ms; }
    r.simUs = one.simUs;
    r.hash = one.hash;
    r.reps++;
  }
  r.events /= r.reps;
  if (r.simUs !== 240e6) throw new Error(`the run stands at ${r.simUs} us, not 240 s`);
  if (r.hash !== nativeHash) throw new Error(`the page's trace hash ${r.hash} is not the CLI's ${nativeHash}`);
  // Time travel works on what was run: back to the middle and forward again.
  const back = await page.evaluate(n => window.clusterlab.seek(n).eventCount, Math.floor(r.events / 2));
  if (back !== Math.floor(r.events / 2)) throw new Error(`seek landed on ${back}`);
  if (errors.length) throw new Error(errors.join('\n'));
  await context.close();
  const eps = r.events * r.reps / r.ms * 1000, early = r.early.events / r.early.ms * 1000, late = r.late.events / r.late.ms * 1000;
  const first = r.first.events / r.first.ms * 1000, later = r.later.events / r.later.ms * 1000;
  rows.push({ eps, early, late, first, later, simRate: 240 * r.reps / (r.ms / 1000) });
  console.log(`run ${run}: ${r.reps} x ${r.events} events in ${r.ms.toFixed(0)} ms = ${k(eps)} events/s; 30-60 s ${k(early)}, 210-240 s ${k(late)} (late/early ${(late / early).toFixed(2)}); first pass ${k(first)}, later passes ${k(later)}`);
}
const med = f => pct(rows.map(f), 0.5);
console.log(`page, RaftScope's workload, median of ${RUNS}: ${k(med(r => r.eps))} events/s, early ${k(med(r => r.early))}, late ${k(med(r => r.late))}, late/early ${(med(r => r.late) / med(r => r.early)).toFixed(2)}; each page load's first pass ${k(med(r => r.first))} (the browser still compiling the hot code), later passes ${k(med(r => r.later))}`);
const walls = [...raftscopeBefore, ...raftscope()];
if (walls.length) {
  const rate = 60 / pct(walls, 0.5);
  console.log(`side by side: RaftScope's model simulates ${rate.toFixed(0)} s per second (median of ${walls.length}, 11 before and 11 after the page), the page ${med(r => r.simRate).toFixed(0)}: ${(med(r => r.simRate) / rate).toFixed(1)} times as fast`);
}

// Seek in a million-event history.
const busy = { protocol: 'raft', nodes: 9, seed: 7, config: { heartbeat_interval_us: 2000 }, net: { latency_min_us: 1000, latency_max_us: 3000 } };
const link = '#s=1.' + deflateRawSync(Buffer.from(JSON.stringify(busy))).toString('base64url');
const { page, context } = await open(env.browser, env.base + link);
const built = await page.evaluate(() => {
  const t = performance.now();
  let s;
  do { s = window.clusterlab.runFor({ us: 10e6, brief: true }); } while (s.eventCount < 1e6 && s.simTimeUs < 590e6);
  return { events: s.eventCount, ms: performance.now() - t };
});
const seeks = await page.evaluate(n => {
  let x = 12345;
  const out = [];
  for (let i = 0; i < 20; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const target = x % n;
    const t = performance.now();
    const s = window.clusterlab.seek(target);
    out.push(performance.now() - t);
    if (s.eventCount !== target) throw new Error(`seek to ${target} landed on ${s.eventCount}`);
  }
  return out;
}, built.events);
await context.close();
await env.stop();
console.log(`seek in a ${built.events}-event history (built in ${(built.ms / 1000).toFixed(1)} s): median ${pct(seeks, 0.5).toFixed(1)} ms, max ${Math.max(...seeks).toFixed(1)} ms (budget 50 ms; each seek includes the state() answer)`);
