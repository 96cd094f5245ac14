// Philox4x32-10 (Salmon et al. 2011, the counter-based generator of PyTorch's CUDA backend): a
// keyed bijection of a 128-bit counter, so element i of any mask can be computed on its own,
// mask[i] = f(seed, site, step, i), without generating the elements before it. Used to replay a
// single unit's fate in one Monte Carlo sample; bulk masks use the faster xoshiro128** streams.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High and low 32 bits of the 64-bit product a · b (a, b uint32). */
function mulHi(a: number, b: number): number {
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  const bHi = b >>> 16;
  const bLo = b & 0xffff;
  const lolo = aLo * bLo;
  const mid1 = aHi * bLo;
  const mid2 = aLo * bHi;
  const carry = ((lolo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (aHi * bHi + (mid1 >>> 16) + (mid2 >>> 16) + carry) >>> 0;
}

/** Philox4x32 with 10 rounds: four uint32 outputs for counter (c0..c3) and key (k0, k1). */
export function philox4x32(counter: readonly [number, number, number, number], key: readonly [number, number]): [number, number, number, number] {
  let [c0, c1, c2, c3] = counter.map((v) => v >>> 0);
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulHi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulHi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  return [c0, c1, c2, c3];
}

/** The uniform in [0, 1) (32 bits) that decides element `index` of dropout site `site` at `step`. */
export function philoxUniform(seed: number, site: number, step: number, index: number): number {
  const block = philox4x32([Math.floor(index / 4) >>> 0, step >>> 0, site >>> 0, Math.floor(index / 2 ** 34) >>> 0], [seed >>> 0, 0x6d61736b]);
  return block[index & 3] * 2 ** -32;
}

/** Whether element `index` is kept (U < q), computable for any single element. */
export function philoxKeep(seed: number, site: number, step: number, index: number, q: number): boolean {
  return philoxUniform(seed, site, step, index) < q;
}

/** The whole keep mask of `count` elements; element i equals philoxKeep(seed, site, step, i, q). */
export function philoxKeepMask(seed: number, site: number, step: number, count: number, q: number): Uint8Array {
  const mask = new Uint8Array(count);
  for (let base = 0; base < count; base += 4) {
    const block = philox4x32([Math.floor(base / 4) >>> 0, step >>> 0, site >>> 0, Math.floor(base / 2 ** 34) >>> 0], [seed >>> 0, 0x6d61736b]);
    for (let j = 0; j < 4 && base + j < count; j++) mask[base + j] = block[j] * 2 ** -32 < q ? 1 : 0;
  }
  return mask;
}
