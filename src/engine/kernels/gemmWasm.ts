// WebAssembly SIMD (f32x4) matrix multiply behind `gemm()`.
//
// Layout (GotoBLAS style, sized for the trainer's shapes): op(A) is packed into panels of MR rows
// ([panel][p][row]), op(B) into panels of NR columns ([panel][p][col]), both zero-padded, so the
// micro-kernel streams two contiguous arrays whatever the transposes were. The micro-kernel keeps an
// MR×NR tile of C in 128-bit locals (MR·NR/4 accumulators) and, for each p, splats one A value per
// row and does a multiply and an add per accumulator.
//
// Exactness: every C element is computed as c ← fl(c + fl(a·b)) for p = 0, 1, …, k-1 starting from 0
// (or from C when accumulating): the same operations in the same order as the plain TypeScript
// reference in gemm.ts, so the results are bitwise equal (no FMA, no reassociation). The reference
// skips zero A entries, so the two differ only where that skip matters: an Inf/NaN in B meeting a
// zero in A (0·Inf = NaN here), or the sign of an exact zero when accumulating onto -0.
import { assembleModule, FunctionBuilder, Simd, ValType } from './wasmAssembler';

const { I32, V128 } = ValType;

/** Rows of the C tile held in registers. */
export const MR = 4;
/** 128-bit vectors per tile row (NR = 4·NRV columns). */
const NRV = 2;
export const NR = NRV * 4;

/**
 * pack(src, rowStride, colStride, rows, cols, dst): panels of `width` rows, element (r, p) at
 * src + 4·(r·rowStride + p·colStride), written as dst[panel][p][r mod width], zero past `rows`.
 */
function buildPack(width: number): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32]);
  const [src, rowStride, colStride, rows, cols, dst] = [0, 1, 2, 3, 4, 5];
  const r0 = f.local(I32);
  const p = f.local(I32);
  const srcP = f.local(I32);
  const rs4 = f.local(I32);
  const cs4 = f.local(I32);
  f.get(rowStride).i32(2).i32Shl().set(rs4);
  f.get(colStride).i32(2).i32Shl().set(cs4);
  f.i32(0).set(r0);
  f.block().loop();
  f.get(r0).get(rows).i32GeU().brIf(1);
  //   srcP = src + 4·r0·rowStride
  f.get(src).get(r0).get(rs4).i32Mul().i32Add().set(srcP);
  f.i32(0).set(p);
  f.block().get(cols).i32Eqz().brIf(0).loop();
  for (let w = 0; w < width; w++) {
    f.get(r0).i32(w).i32Add().get(rows).i32LtU().if();
    f.get(dst).get(srcP).get(rs4).i32(w).i32Mul().i32Add().f32Load().f32Store(w * 4);
    f.else();
    f.get(dst).f32Const(0).f32Store(w * 4);
    f.end();
  }
  f.get(dst).i32(width * 4).i32Add().set(dst);
  f.get(srcP).get(cs4).i32Add().set(srcP);
  f.get(p).i32(1).i32Add().tee(p).get(cols).i32Ne().brIf(0);
  f.end().end();
  f.get(r0).i32(width).i32Add().set(r0);
  f.br(0);
  f.end().end();
  return f;
}

/**
 * kernel(aPacked, bPacked, c, ldc, mPanels, nPanels, k, accumulate): C tiles (row stride ldc floats)
 * ← [C +] Apanel · Bpanel for every panel pair.
 */
function buildKernel(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32, I32]);
  const [aPacked, bPacked, c, ldc, mPanels, nPanels, k, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7];
  const jp = f.local(I32);
  const ip = f.local(I32);
  const ap = f.local(I32);
  const bp = f.local(I32);
  const bPanel = f.local(I32);
  const bEnd = f.local(I32);
  const cTile = f.local(I32);
  const ldc4 = f.local(I32);
  const cRow = f.local(I32);
  const acc: number[] = [];
  for (let i = 0; i < MR * NRV; i++) acc.push(f.local(V128));
  const bv: number[] = [];
  for (let v = 0; v < NRV; v++) bv.push(f.local(V128));
  const av = f.local(V128);
  const accAt = (r: number, v: number): number => acc[r * NRV + v];

  f.get(ldc).i32(2).i32Shl().set(ldc4);
  f.i32(0).set(jp);
  f.block().loop();
  f.get(jp).get(nPanels).i32GeU().brIf(1);
  // bPanel = bPacked + jp·k·NR·4
  f.get(bPacked).get(jp).get(k).i32Mul().i32(NR * 4).i32Mul().i32Add().set(bPanel);
  f.get(bPanel).get(k).i32(NR * 4).i32Mul().i32Add().set(bEnd);
  f.i32(0).set(ip);
  f.block().loop();
  f.get(ip).get(mPanels).i32GeU().brIf(1);
  // ap = aPacked + ip·k·MR·4; cTile = c + 4·(ip·MR·ldc + jp·NR)
  f.get(aPacked).get(ip).get(k).i32Mul().i32(MR * 4).i32Mul().i32Add().set(ap);
  f.get(c).get(ip).i32(MR).i32Mul().get(ldc4).i32Mul().i32Add().get(jp).i32(NR * 4).i32Mul().i32Add().set(cTile);
  // Accumulators start at C (accumulate) or +0.
  f.get(accumulate).if();
  f.get(cTile).set(cRow);
  for (let r = 0; r < MR; r++) {
    for (let v = 0; v < NRV; v++) f.get(cRow).simdMem(Simd.Load, v * 16).set(accAt(r, v));
    if (r < MR - 1) f.get(cRow).get(ldc4).i32Add().set(cRow);
  }
  f.else();
  for (let i = 0; i < MR * NRV; i++) f.v128Zero().set(acc[i]);
  f.end();
  f.get(bPanel).set(bp);
  f.block().get(bp).get(bEnd).i32GeU().brIf(0).loop();
  for (let v = 0; v < NRV; v++) f.get(bp).simdMem(Simd.Load, v * 16).set(bv[v]);
  for (let r = 0; r < MR; r++) {
    f.get(ap).simdMem(Simd.Load32Splat, r * 4).set(av);
    for (let v = 0; v < NRV; v++) {
      f.get(accAt(r, v)).get(av).get(bv[v]).simd(Simd.F32x4Mul).simd(Simd.F32x4Add).set(accAt(r, v));
    }
  }
  f.get(ap).i32(MR * 4).i32Add().set(ap);
  f.get(bp).i32(NR * 4).i32Add().tee(bp).get(bEnd).i32Ne().brIf(0);
  f.end().end();
  // Store the tile.
  f.get(cTile).set(cRow);
  for (let r = 0; r < MR; r++) {
    for (let v = 0; v < NRV; v++) f.get(cRow).get(accAt(r, v)).simdMem(Simd.Store, v * 16);
    if (r < MR - 1) f.get(cRow).get(ldc4).i32Add().set(cRow);
  }
  f.get(ip).i32(1).i32Add().set(ip);
  f.br(0);
  f.end().end();
  f.get(jp).i32(1).i32Add().set(jp);
  f.br(0);
  f.end().end();
  return f;
}

interface GemmExports {
  memory: WebAssembly.Memory;
  packA: (src: number, rowStride: number, colStride: number, rows: number, cols: number, dst: number) => void;
  packB: (src: number, rowStride: number, colStride: number, rows: number, cols: number, dst: number) => void;
  kernel: (a: number, b: number, c: number, ldc: number, mPanels: number, nPanels: number, k: number, accumulate: number) => void;
}

const PAGE = 65536;
const MAX_PAGES = 16384; // 1 GiB

/** The module's bytes (exported for tests that check it validates). */
export function gemmModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule([
    { name: 'packA', fn: buildPack(MR) },
    { name: 'packB', fn: buildPack(NR) },
    { name: 'kernel', fn: buildKernel() },
  ], 1, MAX_PAGES);
}

let instance: GemmExports | null | undefined;
let heap = new Float32Array(0);

function load(): GemmExports | null {
  if (instance !== undefined) return instance;
  try {
    const bytes = gemmModuleBytes();
    if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) {
      instance = null;
    } else {
      const module = new WebAssembly.Module(bytes);
      instance = new WebAssembly.Instance(module, {}).exports as unknown as GemmExports;
    }
  } catch {
    // No SIMD support, or a host that forbids compiling wasm (a strict CSP): the TS path is used.
    instance = null;
  }
  return instance;
}

/** True when the SIMD kernel compiled on this runtime. */
export function wasmGemmAvailable(): boolean {
  return load() !== null;
}

function ensureFloats(wasm: GemmExports, floats: number): Float32Array {
  const bytes = floats * 4;
  const have = wasm.memory.buffer.byteLength;
  if (bytes > have) wasm.memory.grow(Math.ceil((bytes - have) / PAGE));
  if (heap.buffer !== wasm.memory.buffer) heap = new Float32Array(wasm.memory.buffer);
  return heap;
}

const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;

/**
 * C (m×n) = op(A)·op(B) [+ C], as gemm() in gemm.ts. Returns false (doing nothing) when the SIMD
 * module is unavailable, so the caller falls back to TypeScript.
 */
export function gemmWasm(
  transA: boolean, transB: boolean,
  m: number, n: number, k: number,
  a: Float32Array, b: Float32Array, c: Float32Array,
  accumulate: boolean,
): boolean {
  const wasm = load();
  if (!wasm) return false;
  const mPad = roundUp(m, MR);
  const nPad = roundUp(n, NR);
  // Float offsets of the regions, each 16-byte aligned.
  const aRaw = 0;
  const bRaw = roundUp(aRaw + m * k, 4);
  const aPacked = roundUp(bRaw + k * n, 4);
  const bPacked = aPacked + mPad * k;
  const cBuf = bPacked + nPad * k;
  const mem = ensureFloats(wasm, cBuf + mPad * nPad);

  mem.set(a.length === m * k ? a : a.subarray(0, m * k), aRaw);
  mem.set(b.length === k * n ? b : b.subarray(0, k * n), bRaw);
  // op(A)[i][p] and op(B)[p][j] strides, in floats.
  const aRowStride = transA ? 1 : k;
  const aColStride = transA ? m : 1;
  const bJStride = transB ? k : 1;
  const bPStride = transB ? 1 : n;
  wasm.packA(aRaw * 4, aRowStride, aColStride, m, k, aPacked * 4);
  wasm.packB(bRaw * 4, bJStride, bPStride, n, k, bPacked * 4);
  if (accumulate) {
    if (nPad === n) mem.set(c.subarray(0, m * n), cBuf);
    else for (let i = 0; i < m; i++) mem.set(c.subarray(i * n, i * n + n), cBuf + i * nPad);
  }
  wasm.kernel(aPacked * 4, bPacked * 4, cBuf * 4, nPad, mPad / MR, nPad / NR, k, accumulate ? 1 : 0);
  if (nPad === n) c.set(mem.subarray(cBuf, cBuf + m * n));
  else for (let i = 0; i < m; i++) c.set(mem.subarray(cBuf + i * nPad, cBuf + i * nPad + n), i * n);
  return true;
}
