// The page's modules are built differently from the native CLI (opt-level z, Rust's standard
// library rebuilt with `optimize_for_size` and panics that abort at once; scripts/build.sh):
// for one preset of every family, the page's trace after 3 simulated seconds must be the
// one the native CLI computes, event for event (same count, same hash).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { start, open, state, fromStart, runFor, ROOT } from './helpers.mjs';

const UNTIL_US = 3_000_000;
const cli = join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'tests', 'clusterlab');
const json = (...args) => JSON.parse(execFileSync(cli, args, { maxBuffer: 64 << 20 }).toString());

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });
afterEach(() => env.closePages());

test('one preset of every family: the page reaches the native trace hash at 3 s', async () => {
  const familyOf = Object.fromEntries(json('protocols', '--json').map(r => [r.name, r.family]));
  const firstOfFamily = new Map();
  for (const p of json('presets', '--json')) {
    const family = familyOf[p.protocol];
    if (!firstOfFamily.has(family)) firstOfFamily.set(family, p.name);
  }
  assert.ok(firstOfFamily.size >= 10, `presets of ${firstOfFamily.size} families`);
  for (const [family, preset] of firstOfFamily) {
    const native = json('run', preset, '--until-us', String(UNTIL_US), '--json');
    const { page, errors, context } = await open(env.browser, `${env.base}#preset=${preset}`);
    await fromStart(page);
    await runFor(page, UNTIL_US);
    const s = await state(page);
    await context.close();
    assert.deepEqual(errors, [], `${family}: ${preset}`);
    assert.equal(s.simTimeUs, UNTIL_US, `${family}: ${preset} ran to 3 s`);
    assert.equal(s.eventCount, native.events, `${family}: ${preset} events`);
    assert.equal(s.traceHash, native.trace_hash, `${family}: ${preset} trace hash`);
  }
});
