// The loader's LZMA decoder (static/lzma.js), without a browser: what xz compresses, it
// gives back byte for byte — incompressible bytes (literals), repeats short and long
// (matches, repeated distances, the longest lengths), distances past a megabyte (direct
// and aligned bits), every module the build wrote — and a damaged file is refused with a
// message instead of hanging or reading past its end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers.mjs';

const lzmaDecode = new Function(`${readFileSync(join(ROOT, 'static', 'lzma.js'), 'utf8')}; return lzmaDecode;`)();

// As scripts/pack.mjs writes a module: xz's .lzma with the real size in the header.
function pack(bytes, options = 'preset=9e,lc=4,lp=0,pb=0') {
  const out = execFileSync('xz', ['--format=lzma', '--stdout', `--lzma1=${options}`], { input: bytes, maxBuffer: 1 << 28 });
  let n = bytes.length;
  for (let i = 5; i < 13; i++, n = Math.floor(n / 256)) out[i] = n % 256;
  return out;
}

// A deterministic byte stream (xorshift), so that a failure can be replayed.
function random(n, seed) {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const roundTrip = (bytes, options) => {
  const packed = pack(bytes, options);
  const out = lzmaDecode(new Uint8Array(packed));
  assert.equal(out.length, bytes.length);
  assert.ok(Buffer.from(out).equals(bytes), 'decoded bytes equal the original');
  return packed;
};

test('what xz compresses comes back byte for byte', () => {
  roundTrip(Buffer.alloc(0));
  roundTrip(Buffer.from('a'));
  // Literals only: random bytes do not compress.
  assert.ok(roundTrip(random(200_000, 7)).length > 200_000);
  // Text with repeats at many distances, a long run (the longest match length, 273, over
  // and over) and repeated distances.
  const words = ['RequestVote', 'AppendEntries', 'Promise', 'Accepted', 'NEWLEADER', 'PreCommit', 'find_successor'];
  const text = Array.from({ length: 40_000 }, (_, i) => words[(i * 7 + (i >> 5)) % words.length] + (i % 13 === 0 ? '\n' : ' ')).join('');
  assert.ok(roundTrip(Buffer.from(text)).length < text.length / 10);
  roundTrip(Buffer.concat([Buffer.alloc(100_000, 0x41), Buffer.from(text.slice(0, 5000)), Buffer.alloc(70_000, 0)]));
  // A block repeated 1.5 MB later: distances past a megabyte.
  const block = random(300_000, 99);
  roundTrip(Buffer.concat([block, random(1_500_000, 3), block]));
  // Other literal and position settings than the build's.
  for (const options of ['preset=6,lc=0,lp=2,pb=2', 'preset=1,lc=0,lp=4,pb=4', 'preset=9,lc=1,lp=3,pb=0', 'preset=9e,lc=3,lp=0,pb=2']) {
    roundTrip(Buffer.concat([Buffer.from(text.slice(0, 20_000)), random(20_000, 5), Buffer.from(text.slice(0, 20_000))]), options);
  }
});

test('every module the build wrote decodes to valid WebAssembly', { skip: !existsSync(join(ROOT, 'dist', 'pkg')) && 'no dist/ (the build writes it)' }, () => {
  const files = readdirSync(join(ROOT, 'dist', 'pkg')).filter(f => f.endsWith('.wasm.lzma'));
  assert.ok(files.length >= 2, `modules: ${files}`);
  for (const f of files) {
    const wasm = lzmaDecode(new Uint8Array(readFileSync(join(ROOT, 'dist', 'pkg', f))));
    assert.ok(WebAssembly.validate(wasm), `${f} decodes to a valid module`);
  }
});

test('a damaged file is refused with a message, never read past its end', () => {
  const original = Buffer.from(Array.from({ length: 3000 }, (_, i) => `entry ${i % 97} term ${i % 5}\n`).join(''));
  const packed = pack(original);
  const refused = (bytes, why) => assert.throws(() => lzmaDecode(new Uint8Array(bytes)), e => e instanceof Error && /damaged/.test(e.message), why);
  refused(Buffer.from('<html>gateway timeout</html>'), 'an error page');
  refused(packed.subarray(0, 10), 'shorter than a header');
  refused(packed.subarray(0, packed.length >> 1), 'cut in half');
  const props = Buffer.from(packed); props[0] = 225;
  refused(props, 'impossible properties');
  const huge = Buffer.from(packed); huge[12] = 0xff;
  refused(huge, 'an implausible size');
  const start = Buffer.from(packed); start[13] = 1;
  refused(start, 'a range coder that does not start at zero');
  const longer = Buffer.from(packed); longer[5] += 1;
  refused(longer, 'a size the stream does not reach');
  // Flipped bytes: the decoder either refuses or returns exactly `size` bytes, and ends.
  for (let i = 0; i < 200; i++) {
    const bytes = Buffer.from(packed);
    const at = 18 + ((i * 7919) % (bytes.length - 18));
    bytes[at] ^= 1 << (i % 8);
    try {
      assert.equal(lzmaDecode(new Uint8Array(bytes)).length, original.length);
    } catch (e) {
      assert.match(e.message, /damaged/);
    }
  }
});
