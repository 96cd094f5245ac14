// Small validators for messages and restored state crossing the webview boundary. Everything a
// webview sends (or a restored state holds) is untrusted: unknown shapes become `undefined`,
// numbers are clamped into their documented range, strings are bounded. No `vscode` import, so the
// host, the browser bundles and plain mocha all share this file.

export type UnknownRecord = Record<string, unknown>;

/** Longest string accepted from a webview anywhere (labels, names). */
export const MAX_STRING_LENGTH = 200;

export function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A finite number clamped to [min, max]; `fallback` when the value is not a finite number. */
export function clampNumber(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

/** An integer (rounded) clamped to [min, max]. */
export function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  return Math.round(clampNumber(value, min, max, fallback));
}

/** A string cut to `maxLength` characters; `fallback` for non-strings. */
export function boundedString(value: unknown, maxLength = MAX_STRING_LENGTH, fallback = ''): string {
  if (typeof value !== 'string') return fallback;
  return value.length > maxLength ? value.slice(0, maxLength) : value;
}

export function oneOf<T extends string>(value: unknown, options: readonly T[], fallback: T): T {
  return typeof value === 'string' && (options as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** An array of clamped numbers, at most `maxLength` long; `undefined` when not an array. */
export function numberArray(value: unknown, maxLength: number, min: number, max: number, fallback = 0): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: number[] = [];
  for (let i = 0; i < value.length && i < maxLength; i++) out.push(clampNumber(value[i], min, max, fallback));
  return out;
}

/** Only finite numbers survive (NaN/Infinity/non-numbers dropped); at most `maxLength` kept. */
export function finiteNumbers(value: unknown, maxLength: number): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: number[] = [];
  for (let i = 0; i < value.length && out.length < maxLength; i++) {
    const v = value[i];
    if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
  }
  return out;
}

/** A 0/1 mask array bounded in length (anything truthy-numeric other than 0 counts as kept). */
export function bitArray(value: unknown, maxLength: number): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: number[] = [];
  for (let i = 0; i < value.length && i < maxLength; i++) out.push(value[i] === 0 || value[i] === false ? 0 : 1);
  return out;
}

/** The message's `type` when it is a short string; otherwise `undefined` (ignored by callers). */
export function messageType(value: unknown): string | undefined {
  if (!isRecord(value) || typeof value.type !== 'string' || value.type.length > 64) return undefined;
  return value.type;
}
