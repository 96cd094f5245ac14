// A minimal WebAssembly binary writer: just enough to emit the numeric kernels in this folder
// (i32/f32/v128 locals, loops, loads/stores and the SIMD arithmetic they use). Writing the bytes
// from TypeScript at run time keeps the build free of a wat compiler and the bundle free of
// opaque binaries; the module is a few kilobytes and compiles synchronously.

export enum ValType { I32 = 0x7f, F32 = 0x7d, V128 = 0x7b }

/** Unsigned LEB128. */
export function uleb(value: number, out: number[]): void {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

/** Signed LEB128 for 32-bit integers. */
export function sleb(value: number, out: number[]): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

const SIMD_PREFIX = 0xfd;

/** SIMD opcodes (after the 0xfd prefix), from the WebAssembly SIMD proposal's opcode table. */
export enum Simd {
  Load = 0x00,
  Load32Splat = 0x09,
  Store = 0x0b,
  Const = 0x0c,
  I32x4Splat = 0x11,
  F32x4Splat = 0x13,
  And = 0x4e,
  AndNot = 0x4f,
  Or = 0x50,
  Xor = 0x51,
  I32x4Eq = 0x37,
  I32x4GeU = 0x40,
  F32x4Gt = 0x44,
  I32x4Shl = 0xab,
  I32x4ShrU = 0xad,
  I32x4Add = 0xae,
  I32x4Sub = 0xb1,
  I32x4Mul = 0xb5,
  F32x4Add = 0xe4,
  F32x4Sub = 0xe5,
  F32x4Mul = 0xe6,
  F32x4Max = 0xe9,
  F32x4ExtractLane = 0x1f,
  /** Relaxed SIMD: a·b + c per lane, fused (one rounding) or not, as the hardware does it. */
  F32x4RelaxedMadd = 0x105,
}

/** Builds one function body. Labels are structured (block/loop depth), as in the text format. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(readonly params: readonly ValType[], readonly results: readonly ValType[] = []) {}

  /** Declares a local and returns its index (params come first). */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  get(index: number): this { this.code.push(0x20); uleb(index, this.code); return this; }
  set(index: number): this { this.code.push(0x21); uleb(index, this.code); return this; }
  tee(index: number): this { this.code.push(0x22); uleb(index, this.code); return this; }
  i32(value: number): this { this.code.push(0x41); sleb(value, this.code); return this; }
  op(...bytes: number[]): this { this.code.push(...bytes); return this; }

  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32Shl(): this { return this.op(0x74); }
  i32ShrU(): this { return this.op(0x76); }
  i32And(): this { return this.op(0x71); }
  i32Xor(): this { return this.op(0x73); }
  i32Rotl(): this { return this.op(0x77); }
  i32Ne(): this { return this.op(0x47); }
  i32LtU(): this { return this.op(0x49); }
  i32GeU(): this { return this.op(0x4f); }
  i32Eqz(): this { return this.op(0x45); }

  f32Load(offset = 0): this { this.code.push(0x2a, 2); uleb(offset, this.code); return this; }
  f32Store(offset = 0): this { this.code.push(0x38, 2); uleb(offset, this.code); return this; }
  i32Load(offset = 0): this { this.code.push(0x28, 2); uleb(offset, this.code); return this; }
  i32Store(offset = 0): this { this.code.push(0x36, 2); uleb(offset, this.code); return this; }
  f32Const(value: number): this {
    this.code.push(0x43);
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    this.code.push(...bytes);
    return this;
  }

  simd(opcode: Simd): this { this.code.push(SIMD_PREFIX); uleb(opcode, this.code); return this; }
  /** v128.load / store / load32_splat with a static byte offset (alignment hint: natural). */
  simdMem(opcode: Simd.Load | Simd.Store | Simd.Load32Splat, offset = 0): this {
    this.code.push(SIMD_PREFIX);
    uleb(opcode, this.code);
    this.code.push(opcode === Simd.Load32Splat ? 2 : 4);
    uleb(offset, this.code);
    return this;
  }
  v128Zero(): this {
    this.code.push(SIMD_PREFIX);
    uleb(Simd.Const, this.code);
    for (let i = 0; i < 16; i++) this.code.push(0);
    return this;
  }

  block(): this { return this.op(0x02, 0x40); }
  loop(): this { return this.op(0x03, 0x40); }
  if(): this { return this.op(0x04, 0x40); }
  else(): this { return this.op(0x05); }
  end(): this { return this.op(0x0b); }
  br(depth: number): this { this.code.push(0x0c); uleb(depth, this.code); return this; }
  brIf(depth: number): this { this.code.push(0x0d); uleb(depth, this.code); return this; }

  /** The encoded body: local declarations (run-length grouped) then code. */
  encode(): number[] {
    const groups: Array<[number, ValType]> = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body: number[] = [];
    uleb(groups.length, body);
    for (const [count, type] of groups) { uleb(count, body); body.push(type); }
    body.push(...this.code, 0x0b);
    const out: number[] = [];
    uleb(body.length, out);
    return out.concat(body);
  }
}

function section(id: number, payload: number[], out: number[]): void {
  out.push(id);
  uleb(payload.length, out);
  out.push(...payload);
}

function name(text: string, out: number[]): void {
  const bytes = Array.from(new TextEncoder().encode(text));
  uleb(bytes.length, out);
  out.push(...bytes);
}

/** A module with one exported memory (`memory`) and the given exported functions. */
export function assembleModule(
  functions: ReadonlyArray<{ name: string; fn: FunctionBuilder }>,
  initialPages: number,
  maximumPages: number,
): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

  const types: number[] = [];
  uleb(functions.length, types);
  for (const { fn } of functions) {
    types.push(0x60);
    uleb(fn.params.length, types);
    types.push(...fn.params);
    uleb(fn.results.length, types);
    types.push(...fn.results);
  }
  section(1, types, out);

  const funcs: number[] = [];
  uleb(functions.length, funcs);
  functions.forEach((_, i) => uleb(i, funcs));
  section(3, funcs, out);

  const memory: number[] = [1, 0x01];
  uleb(initialPages, memory);
  uleb(maximumPages, memory);
  section(5, memory, out);

  const exports: number[] = [];
  uleb(functions.length + 1, exports);
  name('memory', exports); exports.push(0x02); uleb(0, exports);
  functions.forEach(({ name: n }, i) => { name(n, exports); exports.push(0x00); uleb(i, exports); });
  section(7, exports, out);

  const code: number[] = [];
  uleb(functions.length, code);
  for (const { fn } of functions) code.push(...fn.encode());
  section(10, code, out);

  return new Uint8Array(out);
}
