// SARIF 2.1.0 validation with the published schema and a maintained JSON-schema library.
// The schema is the SARIF SDK's copy of the OASIS SARIF 2.1.0 schema, shipped in the npm package
// @microsoft/sarif-multitool-ts (assets/sarif-2.1.0.schema.json; a dev dependency, nothing is copied
// into this repository). That copy declares JSON Schema draft 2020-12, so it is compiled with ajv's
// 2020-12 validator; ajv-formats checks the "uri", "uri-reference", "date-time" and "uuid" formats.
import * as fs from 'fs';
import * as path from 'path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const PACKAGE = '@microsoft/sarif-multitool-ts';

/** Where the schema file is: the package's main module is dist/index.js, the schema sits in assets/. */
export function sarifSchemaPath(): string {
  return path.join(path.dirname(require.resolve(PACKAGE)), '..', 'assets', 'sarif-2.1.0.schema.json');
}

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (validate) return validate;
  const file = sarifSchemaPath();
  if (!fs.existsSync(file)) throw new Error(`the SARIF 2.1.0 schema is missing: ${file} (run npm ci; it comes with ${PACKAGE})`);
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as { $schema?: string };
  if (schema.$schema !== 'https://json-schema.org/draft/2020-12/schema') {
    throw new Error(`${file} declares ${schema.$schema}; this check compiles it as draft 2020-12`);
  }
  // allErrors: report every violation, not just the first; strict stays at ajv's default, which
  // rejects unknown keywords in the schema but allows the spec's own authoring style.
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  validate = ajv.compile(schema);
  return validate;
}

/** The schema violations of `log`, one "path: message" line each (empty = valid SARIF 2.1.0). */
export function sarifSchemaErrors(log: unknown): string[] {
  const check = validator();
  if (check(log)) return [];
  return (check.errors ?? []).map((error) => {
    const extra = error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty: string }).additionalProperty)})` : '';
    return `${error.instancePath || '/'}: ${error.message ?? error.keyword}${extra}`;
  });
}
