// Inverted dropout fused with its mask sampling, for large tensors: each xoshiro128** draw decides
// 32 elements (one draw per 32 at p = 0.5), and the 32 elements are written straight away through a
// byte → 8 factors lookup table, so the mask is never materialised unless asked for.
import { checkDropProbability, invertedScale } from './masks';
import { Rng, keepThreshold } from './rng';

/**
 * out = inverted dropout of input (PyTorch float32 semantics: kept x·fround(1/fround(1 − p)), dropped
 * ±0). Optionally stores the keep bits (bit i of word i >>> 5). Returns `out`.
 */
export function invertedDropoutInto(
  input: Float32Array, out: Float32Array, p: number, rng: Rng, keepBits?: Uint32Array,
): Float32Array {
  checkDropProbability(p);
  const n = input.length;
  if (out.length < n) throw new RangeError(`output holds ${out.length} values, input ${n}`);
  if (p === 0) {
    out.set(input);
    keepBits?.fill(0xffffffff, 0, (n + 31) >>> 5);
    return out;
  }
  if (p === 1) {
    for (let i = 0; i < n; i++) out[i] = input[i] * 0;
    keepBits?.fill(0, 0, (n + 31) >>> 5);
    return out;
  }
  const scale = invertedScale(p);
  const table = factorTable(scale);
  const { qBits, lowestBit } = keepThreshold(1 - p);
  const words = (n + 31) >>> 5;
  for (let w = 0; w < words; w++) {
    const bits = rng.nextKeepWord(qBits, lowestBit);
    if (keepBits) keepBits[w] = bits;
    let i = w << 5;
    if (i + 32 <= n) {
      for (let byte = 0; byte < 4; byte++) {
        const t = ((bits >>> (byte << 3)) & 255) << 3;
        out[i] = input[i] * table[t];
        out[i + 1] = input[i + 1] * table[t + 1];
        out[i + 2] = input[i + 2] * table[t + 2];
        out[i + 3] = input[i + 3] * table[t + 3];
        out[i + 4] = input[i + 4] * table[t + 4];
        out[i + 5] = input[i + 5] * table[t + 5];
        out[i + 6] = input[i + 6] * table[t + 6];
        out[i + 7] = input[i + 7] * table[t + 7];
        i += 8;
      }
    } else {
      for (let j = 0; i + j < n; j++) out[i + j] = input[i + j] * (((bits >>> j) & 1) * scale);
    }
  }
  return out;
}

let tableScale = NaN;
const table = new Float32Array(256 * 8);

/** table[8·b + k] = scale if bit k of byte b is set, else 0: one lookup per element instead of bit tests. */
function factorTable(scale: number): Float32Array {
  if (scale !== tableScale) {
    for (let b = 0; b < 256; b++) for (let k = 0; k < 8; k++) table[b * 8 + k] = (b >> k) & 1 ? scale : 0;
    tableScale = scale;
  }
  return table;
}
