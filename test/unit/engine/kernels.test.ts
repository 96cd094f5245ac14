import * as assert from 'assert';
import { gemm, gemmReference, gemmTiled, setGemmBackend } from '../../../src/engine/kernels/gemm';
import { gemmModuleBytes, gemmWasm, wasmGemmAvailable } from '../../../src/engine/kernels/gemmWasm';
import { referenceForActiveKernel } from './gemmPaths';
import { applyKeepBits } from '../../../src/engine/kernels/fused';
import { applyKeepBitsWasm, MASK_CHUNK, maskModuleBytes, wasmMaskAvailable } from '../../../src/engine/kernels/maskWasm';
import { sleb, uleb } from '../../../src/engine/kernels/wasmAssembler';

/** Small deterministic generator for test data (LCG constants from Numerical Recipes). */
function randomArray(length: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** op(X)[r][c] where op(X) is opRows×opCols; a transposed X is stored opCols×opRows. */
function at(x: Float32Array, trans: boolean, r: number, c: number, opRows: number, opCols: number): number {
  return trans ? x[c * opRows + r] : x[r * opCols + c];
}

describe('engine kernels: LEB128 encoding (wasm binary format)', () => {
  it('encodes the examples of the LEB128 definition', () => {
    const u: number[] = [];
    uleb(624485, u);
    assert.deepStrictEqual(u, [0xe5, 0x8e, 0x26]);
    const s: number[] = [];
    sleb(-123456, s);
    assert.deepStrictEqual(s, [0xc0, 0xbb, 0x78]);
    const small: number[] = [];
    sleb(64, small); // 64 needs two bytes signed: bit 6 would read as the sign
    assert.deepStrictEqual(small, [0xc0, 0x00]);
  });
});

describe('engine kernels: gemm', () => {
  afterEach(() => setGemmBackend('auto'));

  it('the SIMD module is valid WebAssembly and compiles on Node 20', () => {
    assert.ok(WebAssembly.validate(gemmModuleBytes('simd128')));
    assert.ok(wasmGemmAvailable());
  });

  it('multiplies a 2×3 by a 3×2 matrix (hand computed)', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([7, 8, 9, 10, 11, 12]);
    for (const backend of ['reference', 'typescript', 'wasm'] as const) {
      setGemmBackend(backend);
      const c = new Float32Array(4);
      gemm(false, false, 2, 2, 3, a, b, c);
      assert.deepStrictEqual(Array.from(c), [58, 64, 139, 154], backend);
      // Aᵀ·A (3×3) with A stored 2×3: transA
      const ata = new Float32Array(9);
      gemm(true, false, 3, 3, 2, a, a, ata);
      assert.deepStrictEqual(Array.from(ata), [17, 22, 27, 22, 29, 36, 27, 36, 45], backend);
      // accumulate adds onto C
      gemm(false, false, 2, 2, 3, a, b, c, true);
      assert.deepStrictEqual(Array.from(c), [116, 128, 278, 308], backend);
    }
  });

  it('the reference matches a float64 product within float32 rounding', () => {
    const [m, n, k] = [7, 9, 33];
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = randomArray(m * k, 1);
      const b = randomArray(k * n, 2);
      const c = new Float32Array(m * n);
      gemmReference(ta, tb, m, n, k, a, b, c);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let exact = 0;
          let magnitude = 0;
          for (let p = 0; p < k; p++) {
            const term = at(a, ta, i, p, m, k) * at(b, tb, p, j, k, n);
            exact += term;
            magnitude += Math.abs(term);
          }
          // k roundings of relative size 2^-24 each, on at most the sum of magnitudes.
          assert.ok(Math.abs(c[i * n + j] - exact) <= 2 * k * 2 ** -24 * magnitude, `(${i},${j}) ta=${ta} tb=${tb}`);
        }
      }
    }
  });

  it('the simd128 kernel equals the reference bit for bit over shapes, transposes and accumulate', () => {
    const shapes = [[1, 1, 1], [3, 5, 2], [4, 8, 16], [5, 9, 7], [13, 30, 17], [64, 10, 128], [64, 128, 256], [64, 256, 784], [784, 16, 64]];
    let seed = 10;
    for (const [m, n, k] of shapes) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        for (const accumulate of [false, true]) {
          const a = randomArray(m * k, seed++);
          const b = randomArray(k * n, seed++);
          const start = randomArray(m * n, seed++);
          const fast = start.slice();
          const reference = start.slice();
          assert.ok(gemmWasm(ta, tb, m, n, k, a, b, fast, accumulate, 'simd128'));
          gemmReference(ta, tb, m, n, k, a, b, reference, accumulate);
          for (let i = 0; i < m * n; i++) {
            if (fast[i] !== reference[i]) {
              assert.fail(`m=${m} n=${n} k=${k} ta=${ta} tb=${tb} acc=${accumulate}: element ${i} ${fast[i]} vs ${reference[i]}`);
            }
          }
        }
      }
    }
  });

  it('the tiled TypeScript kernel equals the reference bit for bit (tiles and edges)', () => {
    let seed = 500;
    for (const [m, n, k] of [[1, 1, 1], [4, 4, 4], [5, 6, 7], [9, 10, 3], [64, 10, 128], [13, 30, 17]]) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        for (const accumulate of [false, true]) {
          const a = randomArray(m * k, seed++);
          const b = randomArray(k * n, seed++);
          const start = randomArray(m * n, seed++);
          const tiled = start.slice();
          const reference = start.slice();
          gemmTiled(ta, tb, m, n, k, a, b, tiled, accumulate);
          gemmReference(ta, tb, m, n, k, a, b, reference, accumulate);
          assert.deepStrictEqual(tiled, reference, `m=${m} n=${n} k=${k} ta=${ta} tb=${tb} acc=${accumulate}`);
        }
      }
    }
  });

  it('gives equal results on dropout-style inputs with many exact zeros', () => {
    const [m, n, k] = [64, 128, 256];
    const a = randomArray(m * k, 99).map((v, i) => (i % 2 === 0 || v < 0 ? 0 : v * 2));
    const b = randomArray(k * n, 98);
    const fast = new Float32Array(m * n);
    const reference = new Float32Array(m * n);
    setGemmBackend('wasm');
    gemm(true, false, m, n, k, a, b, fast);
    referenceForActiveKernel()(true, false, m, n, k, a, b, reference);
    assert.deepStrictEqual(fast, reference);
  });

  it('reads only the leading m·k / k·n / m·n elements of longer arrays', () => {
    const a = randomArray(40, 5);
    const b = randomArray(40, 6);
    const c1 = new Float32Array(40).fill(7);
    const c2 = new Float32Array(40).fill(7);
    setGemmBackend('wasm');
    gemm(false, true, 3, 4, 5, a, b, c1);
    referenceForActiveKernel()(false, true, 3, 4, 5, a, b, c2);
    assert.deepStrictEqual(c1, c2);
    assert.strictEqual(c1[12], 7, 'elements past m·n stay untouched');
  });

  it('rejects arrays that are too short with a clear message', () => {
    assert.throws(() => gemm(false, false, 2, 2, 2, new Float32Array(3), new Float32Array(4), new Float32Array(4)), /arrays too short/);
    assert.throws(() => gemm(false, false, -1, 2, 2, new Float32Array(4), new Float32Array(4), new Float32Array(4)), /arrays too short/);
  });
});

describe('engine kernels: keep-bit mask application', () => {
  /** The definition: out[i] = x[i]·scale (rounded to float32) when bit i is set, else +0. */
  function expected(x: Float32Array, bits: Uint32Array, scale: number, count: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = (bits[i >>> 5] >>> (i & 31)) & 1 ? x[i] * scale : 0;
    return out;
  }

  it('the SIMD module validates and compiles', () => {
    assert.ok(WebAssembly.validate(maskModuleBytes()));
    assert.ok(wasmMaskAvailable());
  });

  it('applyKeepBits equals the definition bit for bit (signed values, +0 for dropped, tails, several chunks)', () => {
    // 2 (p = 0.5) is a float32 value and takes the SIMD path; 1/0.7 is not and takes the loop.
    for (const count of [0, 1, 31, 32, 33, 1023, 1024, 1056, MASK_CHUNK, MASK_CHUNK * 2 + 77]) {
      const x = randomArray(count, count + 1);
      const bits = new Uint32Array((count + 31) >>> 5);
      let s = 7 + count;
      for (let w = 0; w < bits.length; w++) bits[w] = s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      for (const scale of [2, 1 / 0.7]) {
        const out = new Float32Array(count).fill(NaN);
        applyKeepBits(x, bits, scale, count, out);
        const want = expected(x, bits, scale, count);
        for (let i = 0; i < count; i++) {
          if (!Object.is(out[i], want[i])) assert.fail(`count=${count} scale=${scale} element ${i}: ${out[i]} vs ${want[i]}`);
        }
      }
    }
  });

  it('the SIMD path handles whole words only and reports how many it wrote', () => {
    const count = 100;
    const x = new Float32Array(count).fill(-3);
    const bits = new Uint32Array(4).fill(0xffffffff);
    const out = new Float32Array(count);
    assert.strictEqual(applyKeepBitsWasm(x, bits, 2, count, out), 96);
    assert.strictEqual(out[95], -6);
    assert.strictEqual(out[96], 0, 'the tail is left to the caller');
  });
});
