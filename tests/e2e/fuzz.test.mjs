// postMessage fuzzed as links are: random malformed calls (unknown names, arguments of the
// wrong type or out of range, faults that do not parse, links that do not decode, texts
// over their caps, non-objects) are posted to the page, as a course page would post them.
// Every one must get an error reply, never a panic, and the open run must be exactly as it
// was (its trace hash, event count and time). POSTMESSAGE_FUZZ_CALLS sets how many
// (5,000 in `make test`, a million in `make soak`).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { start, open } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

const CALLS = Number(process.env.POSTMESSAGE_FUZZ_CALLS || 5_000);

test(`${CALLS} malformed postMessage calls each get an error reply and change nothing`, async () => {
  const { page, errors, context } = await open(env.browser, env.base + '#preset=raft-stale-read');
  page.setDefaultTimeout(0);
  await page.evaluate(() => { window.clusterlab.pause(); window.clusterlab.runFor(2_000_000); });
  const before = await page.evaluate(() => window.clusterlab.state());
  const t0 = Date.now();
  const report = await page.evaluate(async calls => {
    // A seeded generator, so a failure replays.
    let seed = 12345;
    const rand = m => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor(seed / 65536) % m; };
    const pick = xs => xs[rand(xs.length)];
    const values = [null, true, -1, 1.5, 1e308, [], [1, 'a'], { a: 1 }, { kind: 'nope' }, NaN];
    const junk = () => pick([...values, '', 'x'.repeat(rand(40))]);
    const nonText = () => pick(values);
    const text = n => Array.from({ length: n }, () => String.fromCharCode(32 + rand(95))).join('');
    const makers = [
      () => ({ clusterlab: text(1 + rand(12)) }),                                     // no such call
      () => ({ clusterlab: pick(['runFor', 'seek']), us: junk(), event: junk() }),       // not a whole number
      () => ({ clusterlab: 'runFor', us: 600_000_001 + rand(1e9) }),                     // over the cap
      () => ({ clusterlab: 'inject', fault: junk() }),                                   // not a fault
      () => ({ clusterlab: 'inject', fault: { kind: pick(['crash', 'pause', 'partition', 'clock_drift']), node: 1000 + rand(1e6) } }),
      () => ({ clusterlab: 'inject', fault: { kind: 'clock_drift', node: 0, drift_ppm: 600_000 + rand(1e6) } }),
      () => ({ clusterlab: 'load', link: pick(['#s=2.', '#s=9.abc', '2.' + text(rand(60)), '#preset=' + text(8), 'x'.repeat(17 * 1024)]) }),
      () => ({ clusterlab: 'load', link: junk() }),
      () => ({ clusterlab: 'notice', text: 'x'.repeat(1001 + rand(100)) }),
      () => ({ clusterlab: 'notice', text: nonText() }),
      () => ({ clusterlab: pick([1, true, null, [], {}]) }),
      () => ({ clusterlab: 'openHistory', text: 'x'.repeat((16 << 20) + 1) }),
    ];
    // Count the replies and keep the first few that are not errors (a reply carries the
    // whole state: a million of them are not kept).
    let replies = 0;
    const bad = [];
    const listener = e => {
      if (!e.data || e.data.clusterlab !== 'result') return;
      replies++;
      const r = e.data.result;
      if (!(r && r.ok === false && typeof r.error === 'string') && bad.length < 5) bad.push({ call: e.data.call, result: r });
    };
    window.addEventListener('message', listener);
    const sent = [];
    const big = makers.length - 1;
    for (let i = 0; i < calls; i++) {
      // The 16 MiB text is costly to clone: one in a thousand.
      const m = makers[i % 1000 === 999 ? big : rand(big)]();
      sent.push(m.clusterlab);
      window.postMessage(m, '*');
      if (i % 2000 === 1999) await new Promise(r => setTimeout(r, 0));
    }
    // Non-objects and objects without a name get no reply at all (they are not calls).
    const calledByName = sent.filter(n => typeof n === 'string').length;
    const deadline = performance.now() + 60_000 + calls;
    while (replies < calledByName && performance.now() < deadline) await new Promise(r => setTimeout(r, 20));
    window.removeEventListener('message', listener);
    return { calledByName, replies, bad };
  }, CALLS);
  const ms = Date.now() - t0;
  console.log(`# ${CALLS} malformed postMessage calls (${report.calledByName} by name): ${report.replies} error replies in ${ms} ms`);
  assert.equal(report.replies, report.calledByName, 'every call by name is answered');
  assert.deepEqual(report.bad, [], 'every answer is an error');
  const afterState = await page.evaluate(() => window.clusterlab.state());
  for (const k of ['traceHash', 'eventCount', 'simTimeUs', 'protocol', 'violations']) assert.deepEqual(afterState[k], before[k], k);
  assert.ok(await page.$('[data-node-id]'), 'the page still draws the cluster');
  assert.deepEqual(errors, []);
  if (CALLS <= 20_000) assert.ok(ms < 30_000, `${ms} ms`);
  await context.close();
});
