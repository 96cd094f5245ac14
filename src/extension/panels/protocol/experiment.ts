// The message protocol shared by the panels that run one engine experiment per request
// (Inverted vs Standard, Variants, Ensembles, Variance Shift, Dropout as L2): the webview sends its
// controls, the host runs the experiment in the engine worker and answers with the result. Each
// panel supplies its own validators for controls and results.
import { boundedString, clampNumber, isRecord, messageType, oneOf } from './validate';

export type ExperimentStatus = 'idle' | 'running' | 'done' | 'stopped' | 'error';
export const EXPERIMENT_STATUSES: readonly ExperimentStatus[] = ['idle', 'running', 'done', 'stopped', 'error'];

export type ExperimentFromWebview<C> =
  | { type: 'ready' }
  | { type: 'run'; controls: C }
  | { type: 'stop' };

export type ExperimentToWebview<C, R> =
  | { type: 'init'; controls: C; result?: R }
  | { type: 'running'; controls: C }
  | { type: 'progress'; fraction: number; label: string }
  | { type: 'result'; controls: C; result: R }
  | { type: 'finished'; status: ExperimentStatus; message?: string; retry?: boolean };

/** What the webview persists (and the serializer restores): the controls and the last result. */
export interface ExperimentState<C, R> {
  controls: C;
  result?: R;
}

export interface ExperimentCodec<C, R> {
  parseControls(raw: unknown): C;
  /** undefined when the value is not a well-formed result. */
  parseResult(raw: unknown): R | undefined;
}

export function parseExperimentState<C, R>(codec: ExperimentCodec<C, R>, raw: unknown): ExperimentState<C, R> {
  const record = isRecord(raw) ? raw : {};
  const state: ExperimentState<C, R> = { controls: codec.parseControls(record.controls) };
  const result = record.result === undefined ? undefined : codec.parseResult(record.result);
  if (result !== undefined) state.result = result;
  return state;
}

export function parseExperimentFromWebview<C, R>(codec: ExperimentCodec<C, R>, raw: unknown): ExperimentFromWebview<C> | undefined {
  switch (messageType(raw)) {
    case 'ready':
      return { type: 'ready' };
    case 'stop':
      return { type: 'stop' };
    case 'run':
      return { type: 'run', controls: codec.parseControls((raw as { controls?: unknown }).controls) };
    default:
      return undefined;
  }
}

export function parseExperimentToWebview<C, R>(codec: ExperimentCodec<C, R>, raw: unknown): ExperimentToWebview<C, R> | undefined {
  const m = raw as Record<string, unknown>;
  switch (messageType(raw)) {
    case 'init': {
      const out: ExperimentToWebview<C, R> = { type: 'init', controls: codec.parseControls(m.controls) };
      const result = m.result === undefined ? undefined : codec.parseResult(m.result);
      if (result !== undefined) out.result = result;
      return out;
    }
    case 'running':
      return { type: 'running', controls: codec.parseControls(m.controls) };
    case 'progress':
      return { type: 'progress', fraction: clampNumber(m.fraction, 0, 1, 0), label: boundedString(m.label, 200) };
    case 'result': {
      const result = codec.parseResult(m.result);
      return result === undefined ? undefined : { type: 'result', controls: codec.parseControls(m.controls), result };
    }
    case 'finished': {
      const out: ExperimentToWebview<C, R> = { type: 'finished', status: oneOf(m.status, EXPERIMENT_STATUSES, 'done') };
      if (typeof m.message === 'string') out.message = boundedString(m.message, 1000);
      if (m.retry === true) out.retry = true;
      return out;
    }
    default:
      return undefined;
  }
}

// ───────────── helpers for result validators ─────────────

/** An array of finite numbers of exactly `length` (or any length up to `max` when length is omitted). */
export function numbers(raw: unknown, max: number, length?: number): number[] | undefined {
  if (!Array.isArray(raw) || raw.length > max || (length !== undefined && raw.length !== length)) return undefined;
  for (const v of raw) if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  return raw as number[];
}

/** A finite number, or NaN passed through as null-able JSON (engines report NaN for "not defined"). */
export function num(raw: unknown): number | undefined {
  return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined;
}

/** Like num() but maps null / non-finite to NaN (JSON turns NaN into null). */
export function numOrNaN(raw: unknown): number {
  return typeof raw === 'number' && Number.isFinite(raw) ? raw : NaN;
}
