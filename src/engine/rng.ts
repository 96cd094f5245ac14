// Seeded random numbers for the engine: xoshiro128** (Blackman & Vigna), state seeded through
// splitmix32. Streams are derived from (seed, ...stream ids), e.g. (seed, layer, step), so any mask
// can be replayed without replaying the draws that came before it.
//
// Bernoulli masks are drawn 32 lanes at a time by comparing a uniform U with q bit by bit
// (most significant first): a lane is decided at the first bit where U and q differ, so
// q = 0.5 costs one draw per 32 elements and a general q about 6 draws per 32. The keep decision is
// exactly `U < q` with q taken to 32 binary digits.

const GOLDEN = 0x9e3779b9;

/** A 32-bit finaliser (splitmix32 output mix, constants from Wellons' hash prospector). */
export function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/** splitmix32: a counter stepped by the golden ratio and finalised; used only to seed xoshiro. */
export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + GOLDEN) >>> 0;
    return mix32(state);
  };
}

/** Hashes a seed and stream ids (each a uint32) into one 32-bit seed for an independent stream. */
export function deriveSeed(seed: number, ids: readonly number[]): number {
  let h = mix32((seed >>> 0) ^ 0x6a09e667);
  for (const id of ids) h = mix32((h + GOLDEN + mix32((id >>> 0) ^ 0xbb67ae85)) >>> 0);
  return h;
}

const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M53 = 2 ** -53;

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareGaussian = NaN;

  /** A generator for stream (seed, ...streamIds); the same arguments always give the same sequence. */
  constructor(seed: number, ...streamIds: number[]) {
    const next = splitmix32(streamIds.length ? deriveSeed(seed, streamIds) : seed);
    this.setState(next(), next(), next(), next());
  }

  /** A generator with an explicit xoshiro128** state (not all zero), for known-answer tests. */
  static fromState(state: readonly [number, number, number, number]): Rng {
    const rng = new Rng(0);
    rng.setState(state[0], state[1], state[2], state[3]);
    return rng;
  }

  /** An independent child stream: same seed + ids → same child, unrelated to this stream's position. */
  static stream(seed: number, ...ids: number[]): Rng {
    return new Rng(seed, ...ids);
  }

  private setState(a: number, b: number, c: number, d: number): void {
    if ((a | b | c | d) === 0) a = GOLDEN; // the all-zero state is a fixed point
    this.s0 = a | 0;
    this.s1 = b | 0;
    this.s2 = c | 0;
    this.s3 = d | 0;
    this.spareGaussian = NaN;
  }

  /** Next raw 32-bit output as an unsigned integer. */
  nextU32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result >>> 0;
  }

  /** Uniform float32 in [0, 1): 24 random bits, exactly representable. */
  nextFloat(): number {
    return (this.nextU32() >>> 8) * TWO_POW_M24;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_M53;
  }

  /** Standard normal (Box–Muller, both outputs used). */
  nextGaussian(): number {
    const spare = this.spareGaussian;
    if (spare === spare) {
      this.spareGaussian = NaN;
      return spare;
    }
    const u1 = 1 - this.nextDouble(); // (0, 1]: log is finite
    const u2 = this.nextDouble();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spareGaussian = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Uniform integer in [0, n) (n ≤ 2^32), unbiased by rejection. */
  nextInt(n: number): number {
    if (!(n >= 1 && n <= 0x100000000)) throw new RangeError(`nextInt needs 1 <= n <= 2^32, got ${n}`);
    const limit = Math.floor(0x100000000 / n) * n;
    let u = this.nextU32();
    while (u >= limit) u = this.nextU32();
    return u % n;
  }

  /**
   * 32 independent Bernoulli(q) lanes in one word: bit i is 1 (keep) when lane i's uniform U < q.
   * `qBits` = floor(q · 2^32) from `keepThreshold`, `lowestBit` its lowest set bit index.
   */
  nextKeepWord(qBits: number, lowestBit: number): number {
    let keep = 0;
    let undecided = -1;
    for (let bit = 31; bit >= lowestBit; bit--) {
      const r = this.nextU32() | 0;
      if ((qBits >>> bit) & 1) {
        keep |= undecided & ~r; // U has 0 where q has 1: U < q
        undecided &= r;
      } else {
        undecided &= ~r; // U has 1 where q has 0: U > q, dropped
      }
      if (undecided === 0) break;
    }
    // Lanes still undecided equal q on all its digits, so U >= q: dropped.
    return keep >>> 0;
  }

  /** Random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Uint32Array {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }

  /** Fills `out` with N(mean, std²) samples. */
  fillGaussian(out: Float32Array | Float64Array, mean = 0, std = 1): void {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.nextGaussian();
  }
}

/** floor(q · 2^32) and its lowest set bit: the 32-digit binary expansion `nextKeepWord` compares with. */
export function keepThreshold(q: number): { qBits: number; lowestBit: number } {
  if (!(q > 0 && q < 1)) throw new RangeError(`keep probability must be in (0, 1), got ${q}`);
  const qBits = Math.floor(q * 0x100000000) >>> 0;
  if (qBits === 0) return { qBits: 0, lowestBit: 32 };
  return { qBits, lowestBit: 31 - Math.clz32(qBits & -qBits) };
}

/** Fills `words` with keep bits for `count` lanes (bit i of word w = lane 32w + i), keep probability q. */
export function sampleKeepBits(rng: Rng, q: number, count: number, words: Uint32Array): Uint32Array {
  const nWords = (count + 31) >>> 5;
  if (words.length < nWords) throw new RangeError(`need ${nWords} words for ${count} lanes, got ${words.length}`);
  if (q >= 1) {
    words.fill(0xffffffff, 0, nWords);
  } else if (q <= 0) {
    words.fill(0, 0, nWords);
  } else {
    const { qBits, lowestBit } = keepThreshold(q);
    for (let w = 0; w < nWords; w++) words[w] = rng.nextKeepWord(qBits, lowestBit);
  }
  const tail = count & 31;
  if (tail) words[nWords - 1] &= (1 << tail) - 1;
  return words;
}

/** A 0/1 byte per lane: 1 keep with probability q. */
export function sampleKeepMask(rng: Rng, q: number, count: number): Uint8Array {
  const words = sampleKeepBits(rng, q, count, new Uint32Array((count + 31) >>> 5));
  return bitsToBytes(words, count);
}

export function bitsToBytes(words: Uint32Array, count: number): Uint8Array {
  const mask = new Uint8Array(count);
  for (let i = 0; i < count; i++) mask[i] = (words[i >>> 5] >>> (i & 31)) & 1;
  return mask;
}
