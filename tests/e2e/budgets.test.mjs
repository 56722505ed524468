// Budgets measured in headless Chromium (issue: frame time with 9 Raft nodes and 300+
// messages in flight; scrubbing in a long run). The figures are printed; the assertions
// are loose enough for a loaded CI machine, the targets are in the output.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { start, open, measureFrames, pct } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const link = scenario => '#s=1.' + deflateRawSync(Buffer.from(JSON.stringify(scenario))).toString('base64url');

const busy = {
  protocol: 'raft', nodes: 9, seed: 42,
  config: { election_timeout_us_min: 1500000, election_timeout_us_max: 3000000, heartbeat_interval_us: 20000 },
  net: { latency_min_us: 300000, latency_max_us: 600000 },
  playhead_us: 8000000,
};


test('frame time while animating 9 Raft nodes with 300+ messages in flight', async () => {
  const { page, errors } = await open(env.browser, env.base + link(busy));
  const inFlight = (await page.evaluate(() => window.clusterlab.state())).messagesInFlight;
  assert.ok(inFlight >= 300, `messages in flight: ${inFlight}`);
  const { intervals, work } = await measureFrames(page, 4000);
  const f = x => x.toFixed(1);
  // rAF timestamps are coarsened to 0.1 ms, so a steady 60 Hz reads 16.6-16.8 ms; a missed
  // frame reads 33.3 ms or more.
  const missed = intervals.filter(x => x > 25).length;
  console.log(`${intervals.length} frames with ${inFlight} messages in flight: interval p50 ${f(pct(intervals, 0.5))} ms, p95 ${f(pct(intervals, 0.95))} ms, `
    + `${missed} missed (${f(100 * missed / intervals.length)}%) (budget p95 <= 16.7 ms); `
    + `work per frame p50 ${f(pct(work, 0.5))} ms, p95 ${f(pct(work, 0.95))} ms (aim 8 ms)`);
  // Loose enough for a loaded machine; the figures above are the measurement.
  assert.ok(pct(intervals, 0.95) < 40, `interval p95 ${pct(intervals, 0.95)}`);
  assert.ok(pct(work, 0.5) < 12, `work p50 ${pct(work, 0.5)}`);
  assert.deepEqual(errors, []);
});

test('scrubbing to any point of a long run', async () => {
  const chatty = { protocol: 'raft', nodes: 9, seed: 7, config: { heartbeat_interval_us: 5000 },
    net: { latency_min_us: 1000, latency_max_us: 3000 }, faults: [{ at_us: 0, fault: { kind: 'set_chaos', on: true } }] };
  const { page } = await open(env.browser, env.base + link(chatty));
  let s;
  const t0 = Date.now();
  for (let i = 0; i < 40; i++) {
    s = await page.evaluate(() => window.clusterlab.runFor(10000000));
    if (s.eventCount >= 1000000) break;
  }
  const runMs = Date.now() - t0;
  const total = s.eventCount;
  const times = await page.evaluate(total => {
    const out = [];
    for (const f of [0.9, 0.1, 0.5, 0.99, 0.01, 0.73, 0.31]) {
      const t = performance.now();
      window.clusterlab.seek(Math.floor(total * f));
      out.push(performance.now() - t);
    }
    return out;
  }, total);
  console.log(`run of ${total} events took ${runMs} ms in the page; seeks: ${times.map(t => t.toFixed(1)).join(', ')} ms (max ${Math.max(...times).toFixed(1)}; budget 50 ms)`);
  assert.ok(Math.max(...times) < 500);
});
