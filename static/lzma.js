// An LZMA decoder for the page's modules (scripts/pack.mjs compresses each with `xz
// --format=lzma`; the loader inflates it before compiling). It follows the LZMA
// specification of the LZMA SDK (lzma-specification.txt): a range decoder with adaptive
// 11-bit probabilities, literals coded by bit trees under the previous byte (lc) and the
// position (lp), "matched" literals after a match, lengths by a choice of three bit trees,
// distances by slot, reversed bit trees and aligned bits, and four repeated distances in a
// 12-state machine. Input: the .lzma ("alone") header — properties byte, dictionary size,
// uncompressed size (the build writes the real one) — then the range-coded stream.
// Anything malformed throws an Error that says so; nothing is read past the input.
function lzmaDecode(input) {
  const bad = why => new Error(`the module's compressed file is damaged (${why})`);
  if (input.length < 18) throw bad('too short');
  let props = input[0];
  if (props >= 9 * 5 * 5) throw bad('bad properties');
  const lc = props % 9;
  props = (props - lc) / 9;
  const lp = props % 5;
  const pb = (props - lp) / 5;
  let size = 0;
  for (let i = 12; i >= 5; i--) size = size * 256 + input[i];
  if (size > 64 * 1024 * 1024) throw bad('unknown or implausible size');
  const out = new Uint8Array(size);

  // The range decoder's `range` and `code`, unsigned 32-bit values, in a typed array so
  // that they stay unboxed in the hot loop.
  let inPos = 13;
  if (input[inPos++] !== 0) throw bad('bad range coder start');
  const rc = new Uint32Array([0xffffffff, 0]);
  for (let i = 0; i < 4; i++) rc[1] = rc[1] * 256 + input[inPos++];
  if (rc[1] === rc[0]) throw bad('bad range coder start');
  const next = () => {
    if (inPos >= input.length) throw bad('ends early');
    return input[inPos++];
  };
  const bit = (probs, i) => {
    const p = probs[i];
    const bound = (rc[0] >>> 11) * p;
    let b = 0;
    if (rc[1] < bound) {
      rc[0] = bound;
      probs[i] = p + ((2048 - p) >>> 5);
    } else {
      rc[0] -= bound;
      rc[1] -= bound;
      probs[i] = p - (p >>> 5);
      b = 1;
    }
    if (rc[0] < 0x1000000) {
      rc[0] <<= 8;
      rc[1] = (rc[1] << 8) | next();
    }
    return b;
  };
  const direct = n => {
    let v = 0;
    for (let i = 0; i < n; i++) {
      rc[0] >>>= 1;
      let b = 0;
      if (rc[1] >= rc[0]) {
        rc[1] -= rc[0];
        b = 1;
      }
      v = v * 2 + b;
      if (rc[0] < 0x1000000) {
        rc[0] <<= 8;
        rc[1] = (rc[1] << 8) | next();
      }
    }
    return v;
  };
  const probs = n => new Uint16Array(n).fill(1024);
  // A bit tree of `bits` levels rooted at `base` + 1, read most significant bit first.
  const tree = (p, base, bits) => {
    let m = 1;
    for (let i = 0; i < bits; i++) m = m * 2 + bit(p, base + m);
    return m - (1 << bits);
  };
  // The same tree read least significant bit first.
  const reverse = (p, base, bits) => {
    let m = 1;
    let v = 0;
    for (let i = 0; i < bits; i++) {
      const b = bit(p, base + m);
      m = m * 2 + b;
      v |= b << i;
    }
    return v;
  };
  // A length coder: choice, choice 2, then 3 low bits or 3 mid bits (per position state),
  // or 8 high bits.
  const lengths = () => ({ choice: probs(2), low: probs(16 << 3), mid: probs(16 << 3), high: probs(256) });
  const length = (c, posState) => {
    if (bit(c.choice, 0) === 0) return tree(c.low, posState << 3, 3);
    if (bit(c.choice, 1) === 0) return 8 + tree(c.mid, posState << 3, 3);
    return 16 + tree(c.high, 0, 8);
  };

  const literal = probs(0x300 << (lc + lp));
  const isMatch = probs(12 << 4);
  const isRep = probs(12);
  const isRepG0 = probs(12);
  const isRepG1 = probs(12);
  const isRepG2 = probs(12);
  const isRep0Long = probs(12 << 4);
  const posSlot = probs(4 << 6);
  const specPos = probs(115);
  const align = probs(16);
  const lenCoder = lengths();
  const repLenCoder = lengths();
  const pbMask = (1 << pb) - 1;
  const lpMask = (1 << lp) - 1;

  const distance = len => {
    const slot = tree(posSlot, Math.min(len, 3) << 6, 6);
    if (slot < 4) return slot;
    const bits = (slot >>> 1) - 1;
    const dist = (2 + (slot & 1)) * 2 ** bits;
    if (slot < 14) return dist + reverse(specPos, dist - slot, bits);
    return dist + direct(bits - 4) * 16 + reverse(align, 0, 4);
  };

  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;
  let pos = 0;
  while (pos < size) {
    const posState = pos & pbMask;
    if (bit(isMatch, (state << 4) + posState) === 0) {
      const prev = pos > 0 ? out[pos - 1] : 0;
      const base = 0x300 * (((pos & lpMask) << lc) + (prev >>> (8 - lc)));
      let sym = 1;
      if (state >= 7) {
        let match = out[pos - rep0 - 1];
        while (sym < 0x100) {
          const matchBit = (match >>> 7) & 1;
          match <<= 1;
          const b = bit(literal, base + ((1 + matchBit) << 8) + sym);
          sym = sym * 2 + b;
          if (b !== matchBit) break;
        }
      }
      while (sym < 0x100) sym = sym * 2 + bit(literal, base + sym);
      out[pos++] = sym - 0x100;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }
    let len;
    if (bit(isRep, state) === 1) {
      if (pos === 0) throw bad('repeat before any data');
      if (bit(isRepG0, state) === 0) {
        if (bit(isRep0Long, (state << 4) + posState) === 0) {
          state = state < 7 ? 9 : 11;
          out[pos] = out[pos - rep0 - 1];
          pos++;
          continue;
        }
      } else {
        let dist;
        if (bit(isRepG1, state) === 0) {
          dist = rep1;
        } else {
          if (bit(isRepG2, state) === 0) {
            dist = rep2;
          } else {
            dist = rep3;
            rep3 = rep2;
          }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      len = length(repLenCoder, posState);
      state = state < 7 ? 8 : 11;
    } else {
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      len = length(lenCoder, posState);
      state = state < 7 ? 7 : 10;
      rep0 = distance(len);
      if (rep0 === 0xffffffff) break;
      if (rep0 >= pos) throw bad('distance before the start');
    }
    len += 2;
    if (pos + len > size) throw bad('runs past its size');
    for (let from = pos - rep0 - 1; len > 0; len--) out[pos++] = out[from++];
  }
  if (pos !== size) throw bad('ends early');
  return out;
}
