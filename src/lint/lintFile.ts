// Linting one file from disk, for the CLI and the lint worker: size limit before reading, strict
// UTF-8 decoding (or the PEP 263 `coding:` declaration), notebooks through notebook.ts. Every
// outcome is a FileReport — findings, `skipped` with the reason, or `error` — never an exception.
import * as fs from 'fs';
import { DEFAULT_MAX_FILE_BYTES, describeError, formatBytes, lintText, type LintOptions, type RuleFailure } from './linter';
import { isPythonNotebook, mapFindingsToCells, NotebookError, notebookSource } from './notebook';
import type { Finding } from './types';

export interface FileReport {
  file: string;
  kind: 'python' | 'notebook';
  /** For notebooks `cell` is set and lines are within the cell. */
  findings: Finding[];
  /** The file could not be read, decoded or understood (the CLI exits 1). */
  error?: string;
  /** The file was deliberately not linted: size limit, parse timeout, not a Python notebook. */
  skipped?: string;
  /** Rules that crashed on this file (reported; the other rules' findings are kept). */
  failures: RuleFailure[];
  /** With --fix: how many fixes were written, and notes on those that were not. */
  fix?: { applied: number; notes: string[] };
}

/** Notebooks carry outputs (images) besides code: the size limit applies to their code; this caps the JSON. */
export const MAX_NOTEBOOK_FILE_BYTES = 64 * 1024 * 1024;

export function isNotebookPath(file: string): boolean {
  return /\.ipynb$/i.test(file);
}

/** Index of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; } else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; } else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; } else return i;
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

const CODING = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/** Decodes source bytes: UTF-8 (BOM dropped), else the encoding a PEP 263 declaration names. */
export function decodeSource(bytes: Uint8Array): { text: string; encoding: string } | { error: string } {
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) {
    const text = new TextDecoder('utf-8').decode(bytes);
    return { text, encoding: 'utf-8' };
  }
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1').split(/\r?\n/).slice(0, 2);
  for (const line of head) {
    const declared = CODING.exec(line)?.[1];
    if (!declared) continue;
    const label = declared.toLowerCase().replace(/_/g, '-');
    // Python's names for ISO-8859-1 are not WHATWG labels (which would mean windows-1252).
    if (/^(latin-?1|iso-?8859-1|l1|iso8859-1|8859|cp819)$/.test(label)) return { text: Buffer.from(bytes).toString('latin1'), encoding: declared };
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      return { error: `the declared encoding "${declared}" is not supported` };
    }
    try {
      return { text: decoder.decode(bytes), encoding: declared };
    } catch {
      return { error: `cannot decode the file as ${declared} (its coding declaration)` };
    }
  }
  return { error: `not valid UTF-8 (first bad byte at offset ${bad}); declare the encoding with a "# -*- coding: … -*-" line` };
}

/** Notebooks are JSON, which is UTF-8 (RFC 8259): no coding declarations. */
function decodeNotebook(bytes: Uint8Array): { text: string } | { error: string } {
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) return { error: `not a valid notebook: not UTF-8 text (first bad byte at offset ${bad})` };
  return { text: new TextDecoder('utf-8').decode(bytes) };
}

/** Lints bytes already read from `file`. */
export function lintFileContents(file: string, bytes: Uint8Array, options: LintOptions = {}): FileReport {
  const kind = isNotebookPath(file) ? 'notebook' : 'python';
  const report: FileReport = { file, kind, findings: [], failures: [] };
  try {
    const decoded = kind === 'python' ? decodeSource(bytes) : decodeNotebook(bytes);
    if ('error' in decoded) return { ...report, error: decoded.error };
    if (kind === 'python') {
      const result = lintText(decoded.text, options);
      return { ...report, findings: result.findings, skipped: result.skipped, failures: result.failures };
    }
    const notebook = notebookSource(decoded.text);
    if (!isPythonNotebook(notebook.language)) return { ...report, skipped: `skipped: not a Python notebook (language: ${notebook.language})` };
    const result = lintText(notebook.source, options);
    return { ...report, findings: mapFindingsToCells(notebook, result.findings), skipped: result.skipped, failures: result.failures };
  } catch (error) {
    if (error instanceof NotebookError) return { ...report, error: error.message };
    return { ...report, error: `internal error: ${describeError(error)}` };
  }
}

/** Reads and lints one file. Files over the size limit are not read at all. */
export function lintFile(file: string, options: LintOptions = {}): FileReport {
  const kind = isNotebookPath(file) ? 'notebook' : 'python';
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return { file, kind, findings: [], failures: [], error: 'not a regular file' };
    const limit = kind === 'notebook' ? Math.max(MAX_NOTEBOOK_FILE_BYTES, options.maxFileBytes ?? 0) : options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    if (stat.size > limit) {
      return { file, kind, findings: [], failures: [], skipped: `skipped: ${formatBytes(stat.size)} is over the ${formatBytes(limit)} size limit (max-file-size)` };
    }
    return lintFileContents(file, fs.readFileSync(file), options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { file, kind, findings: [], failures: [], error: `cannot read the file${code ? ` (${code})` : ''}: ${describeError(error)}` };
  }
}
