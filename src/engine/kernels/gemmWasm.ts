// WebAssembly SIMD (f32x4) matrix multiply behind `gemm()`, in two variants chosen once at load time:
//   'relaxed-fma'  f32x4.relaxed_madd (relaxed-SIMD proposal, opcode 0xfd 0x105): one fused
//                  multiply-add per accumulator and p where the runtime supports it (V8 ≥ 11.4, i.e.
//                  recent Chrome/Electron/VS Code; Node 20 only with --experimental-wasm-relaxed-simd);
//   'simd128'      plain 128-bit SIMD, a multiply then an add: the fallback everywhere else.
// DROPOUT_LAB_GEMM=simd128 forces the fallback (tests, benchmarks), =relaxed-fma asks for FMA.
//
// Layout (GotoBLAS style, sized for the trainer's shapes): op(A) is packed into panels of MR rows
// ([panel][p][row]), op(B) into panels of NR columns ([panel][p][col]), both zero-padded, so the
// micro-kernel streams two contiguous arrays whatever the transposes were. The micro-kernel keeps an
// MR×NR tile of C in 128-bit locals (MR·NR/4 accumulators) and, for each p, splats one A value per
// row and updates every accumulator.
//
// Exactness: every C element is computed for p = 0, 1, …, k-1 in order, starting from 0 (or from C
// when accumulating), never reassociated.
// - simd128: c ← fl(c + fl(a·b)), the same operations in the same order as the plain TypeScript
//   reference in gemm.ts, so the results are bitwise equal. The reference skips zero A entries, so
//   the two differ only where that skip matters: an Inf/NaN in B meeting a zero in A (0·Inf = NaN
//   here), or the sign of an exact zero when accumulating onto -0.
// - relaxed-fma: c ← relaxed_madd(a, b, c). The proposal lets a runtime fuse it (one rounding of the
//   exact a·b + c) or not (two roundings, as simd128); V8 fuses on CPUs with FMA3. Either way it is
//   the same on every call of a given runtime and CPU, so a seeded run reproduces there;
//   `relaxedMaddFuses()` says which, and gemmFmaReference in gemm.ts is the fused reference.
import { assembleModule, FunctionBuilder, Simd, ValType } from './wasmAssembler';

const { I32, F32, V128 } = ValType;

export type WasmGemmKernel = 'relaxed-fma' | 'simd128';

/**
 * Register tile per variant: MR rows × NRV·4 columns of C in MR·NRV v128 accumulators, plus NRV
 * B vectors and one A splat; V8 on x64 has 15 allocatable xmm registers. FMA has a longer latency
 * chain per accumulator than an add, so it wants more independent accumulators.
 */
const TILES: Record<WasmGemmKernel, { mr: number; nrv: number }> = {
  simd128: { mr: 4, nrv: 2 },
  'relaxed-fma': { mr: 4, nrv: 2 },
};

/** Rows of the C tile of the simd128 kernel (tests size their shapes around it). */
export const MR = TILES.simd128.mr;
/** Columns of the C tile of the simd128 kernel. */
export const NR = TILES.simd128.nrv * 4;

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
function buildKernel(kernel: WasmGemmKernel): FunctionBuilder {
  const { mr: MR, nrv: NRV } = TILES[kernel];
  const NR = NRV * 4;
  const fused = kernel === 'relaxed-fma';
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
      if (fused) f.get(av).get(bv[v]).get(accAt(r, v)).simd(Simd.F32x4RelaxedMadd).set(accAt(r, v));
      else f.get(accAt(r, v)).get(av).get(bv[v]).simd(Simd.F32x4Mul).simd(Simd.F32x4Add).set(accAt(r, v));
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
export function gemmModuleBytes(kernel: WasmGemmKernel = 'simd128'): Uint8Array<ArrayBuffer> {
  const { mr, nrv } = TILES[kernel];
  return assembleModule([
    { name: 'packA', fn: buildPack(mr) },
    { name: 'packB', fn: buildPack(nrv * 4) },
    { name: 'kernel', fn: buildKernel(kernel) },
  ], 1, MAX_PAGES);
}

/** A tiny module using f32x4.relaxed_madd: madd(a, b, c) on lane 0 of splats. Validates iff relaxed SIMD is on. */
export function relaxedProbeBytes(): Uint8Array<ArrayBuffer> {
  const f = new FunctionBuilder([F32, F32, F32], [F32]);
  f.get(0).simd(Simd.F32x4Splat).get(1).simd(Simd.F32x4Splat).get(2).simd(Simd.F32x4Splat);
  f.simd(Simd.F32x4RelaxedMadd).simd(Simd.F32x4ExtractLane).op(0);
  return assembleModule([{ name: 'madd', fn: f }], 0, 0);
}

let relaxedMadd: ((a: number, b: number, c: number) => number) | null | undefined;

function relaxedProbe(): ((a: number, b: number, c: number) => number) | null {
  if (relaxedMadd !== undefined) return relaxedMadd;
  relaxedMadd = null;
  try {
    const bytes = relaxedProbeBytes();
    if (typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes)) {
      const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as { madd: (a: number, b: number, c: number) => number };
      relaxedMadd = exports.madd;
    }
  } catch {
    relaxedMadd = null;
  }
  return relaxedMadd;
}

/** True when this runtime validates relaxed-SIMD code (f32x4.relaxed_madd). */
export function relaxedSimdAvailable(): boolean {
  return relaxedProbe() !== null;
}

/**
 * Whether this runtime's f32x4.relaxed_madd rounds once (fused) — null without relaxed SIMD.
 * Probe: a = 1 + 2^-23, b = 1 - 2^-23, c = -1. The exact a·b + c is -2^-46 (a float32); rounding
 * a·b first gives fl(1 - 2^-46) = 1 and then 0.
 */
export function relaxedMaddFuses(): boolean | null {
  const madd = relaxedProbe();
  if (!madd) return null;
  return madd(1 + 2 ** -23, 1 - 2 ** -23, -1) === -(2 ** -46);
}

const instances = new Map<WasmGemmKernel, GemmExports | null>();
const heaps = new Map<WasmGemmKernel, Float32Array>();

function load(kernel: WasmGemmKernel): GemmExports | null {
  const cached = instances.get(kernel);
  if (cached !== undefined) return cached;
  let instance: GemmExports | null = null;
  try {
    const bytes = gemmModuleBytes(kernel);
    if ((kernel === 'simd128' || relaxedSimdAvailable()) && typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes)) {
      instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as GemmExports;
    }
  } catch {
    // No SIMD support, or a host that forbids compiling wasm (a strict CSP): the TS path is used.
    instance = null;
  }
  instances.set(kernel, instance);
  return instance;
}

/** What DROPOUT_LAB_GEMM asks for ('simd128' or 'relaxed-fma'); anything else means "best available". */
function requestedKernel(): WasmGemmKernel | null {
  const env = typeof process !== 'undefined' && process.env ? process.env.DROPOUT_LAB_GEMM : undefined;
  return env === 'simd128' || env === 'relaxed-fma' ? env : null;
}

let active: WasmGemmKernel | null | undefined;

/**
 * The wasm kernel gemm() uses, chosen once per process (so one run never mixes roundings):
 * relaxed-fma where the runtime validates it, else simd128, else null (TypeScript only).
 * DROPOUT_LAB_GEMM=simd128 forces the fallback; =relaxed-fma where unavailable falls back too.
 */
export function activeWasmKernel(): WasmGemmKernel | null {
  if (active !== undefined) return active;
  const wanted = requestedKernel();
  if (wanted !== 'simd128' && load('relaxed-fma')) active = 'relaxed-fma';
  else if (load('simd128')) active = 'simd128';
  else active = null;
  return active;
}

/** True when a SIMD kernel compiled on this runtime. */
export function wasmGemmAvailable(): boolean {
  return activeWasmKernel() !== null;
}

/** True when the given kernel compiles on this runtime (tests run both where they can). */
export function wasmKernelAvailable(kernel: WasmGemmKernel): boolean {
  return load(kernel) !== null;
}

function ensureFloats(kernel: WasmGemmKernel, wasm: GemmExports, floats: number): Float32Array {
  const bytes = floats * 4;
  const have = wasm.memory.buffer.byteLength;
  if (bytes > have) wasm.memory.grow(Math.ceil((bytes - have) / PAGE));
  let heap = heaps.get(kernel);
  if (!heap || heap.buffer !== wasm.memory.buffer) {
    heap = new Float32Array(wasm.memory.buffer);
    heaps.set(kernel, heap);
  }
  return heap;
}

const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;

/**
 * C (m×n) = op(A)·op(B) [+ C], as gemm() in gemm.ts, on `kernel` (default: the active one).
 * Returns false (doing nothing) when that kernel is unavailable, so the caller falls back to TypeScript.
 */
export function gemmWasm(
  transA: boolean, transB: boolean,
  m: number, n: number, k: number,
  a: Float32Array, b: Float32Array, c: Float32Array,
  accumulate: boolean,
  kernel: WasmGemmKernel | null = activeWasmKernel(),
): boolean {
  const wasm = kernel && load(kernel);
  if (!kernel || !wasm) return false;
  const { mr, nrv } = TILES[kernel];
  const nr = nrv * 4;
  const mPad = roundUp(m, mr);
  const nPad = roundUp(n, nr);
  // Float offsets of the regions, each 16-byte aligned.
  const aRaw = 0;
  const bRaw = roundUp(aRaw + m * k, 4);
  const aPacked = roundUp(bRaw + k * n, 4);
  const bPacked = aPacked + mPad * k;
  const cBuf = bPacked + nPad * k;
  const mem = ensureFloats(kernel, wasm, cBuf + mPad * nPad);

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
  wasm.kernel(aPacked * 4, bPacked * 4, cBuf * 4, nPad, mPad / mr, nPad / nr, k, accumulate ? 1 : 0);
  if (nPad === n) c.set(mem.subarray(cBuf, cBuf + m * n));
  else for (let i = 0; i < m; i++) c.set(mem.subarray(cBuf + i * nPad, cBuf + i * nPad + n), i * n);
  return true;
}
