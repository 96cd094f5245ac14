// Checks on request parameters: a request with the wrong shape gets an InvalidParams error that
// says what is wrong, instead of an internal error from deep inside a handler.
import { ErrorCodes, ResponseError } from 'vscode-languageserver';

function fail(method: string, what: string): never {
  throw new ResponseError(ErrorCodes.InvalidParams, `Dropout Lab language server: ${method}: ${what}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPosition(value: unknown): boolean {
  return isObject(value) && Number.isInteger(value.line) && Number.isInteger(value.character) && (value.line as number) >= 0 && (value.character as number) >= 0;
}

/** The document URI of `{ textDocument: { uri } }` params. */
export function documentUri(method: string, params: unknown): string {
  if (!isObject(params) || !isObject(params.textDocument) || typeof params.textDocument.uri !== 'string' || !params.textDocument.uri) {
    fail(method, 'params.textDocument.uri must be a document URI string');
  }
  return params.textDocument.uri as string;
}

export function checkPosition(method: string, params: unknown): void {
  if (!isObject(params) || !isPosition(params.position)) fail(method, 'params.position must be { line, character } with non-negative integers');
}

export function checkRange(method: string, params: unknown): void {
  const range = isObject(params) ? params.range : undefined;
  if (!isObject(range) || !isPosition(range.start) || !isPosition(range.end)) fail(method, 'params.range must be { start, end } positions');
}

export function checkCodeActionContext(method: string, params: unknown): void {
  const context = isObject(params) ? params.context : undefined;
  if (!isObject(context) || !Array.isArray(context.diagnostics)) fail(method, 'params.context.diagnostics must be a list');
  if (context.only !== undefined && (!Array.isArray(context.only) || context.only.some((k) => typeof k !== 'string'))) fail(method, 'params.context.only must be a list of kinds');
}
