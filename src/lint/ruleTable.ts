// The one declaration of every rule: id, name, default severity, summary and docs link.
// The linter, the CLI (SARIF rule metadata) and the settings read it at run time; `RuleId` is derived
// from it; the rule registry (rules/index.ts), package.json's per-rule severity settings and the
// docs index are generated from it by `npm run generate` (scripts/generate.js), and a unit test
// fails when they are stale. Adding a rule: its file in rules/, its page in docs/rules/, a row here.
/** How loud a finding is (types.ts re-exports it). */
export type Severity = 'error' | 'warning' | 'information' | 'hint';


export interface RuleMeta {
  id: RuleId;
  name: string;
  defaultSeverity: Severity;
  summary: string;
}

interface RuleRow {
  id: `DRP${number}`;
  name: string;
  defaultSeverity: Severity;
  summary: string;
}

export const DOCS_BASE_URL = 'https://github.com/dropout-lab/dropout-lab/blob/main/docs/rules/';

const RULE_ROWS = [
  { id: 'DRP001', name: 'dropout-on-output-layer', defaultSeverity: 'warning', summary: "Dropout is applied to the model's final output." },
  { id: 'DRP002', name: 'inference-without-eval', defaultSeverity: 'warning', summary: 'A model with dropout is evaluated without model.eval().' },
  { id: 'DRP003', name: 'training-after-eval-without-train', defaultSeverity: 'warning', summary: 'Training resumes after eval() without model.train().' },
  { id: 'DRP004', name: 'functional-dropout-ignores-mode', defaultSeverity: 'warning', summary: 'Functional dropout inside forward/call is not tied to the training flag.' },
  { id: 'DRP005', name: 'dropout-module-created-in-forward', defaultSeverity: 'warning', summary: 'A Dropout module is created inside forward, so eval() never reaches it.' },
  { id: 'DRP006', name: 'dropout-before-batchnorm', defaultSeverity: 'warning', summary: "Dropout feeds a BatchNorm (variance shift)." },
  { id: 'DRP007', name: 'heavy-dropout-with-batchnorm', defaultSeverity: 'information', summary: 'A dropout with rate > 0.2 feeds a later BatchNorm of the model.' },
  { id: 'DRP008', name: 'elementwise-dropout-on-conv-maps', defaultSeverity: 'hint', summary: 'Element-wise dropout on convolutional feature maps; channel dropout is usually better.' },
  { id: 'DRP009', name: 'unscaled-manual-dropout', defaultSeverity: 'warning', summary: 'A hand-made dropout mask is applied without 1/(1-p) or (1-p) scaling.' },
  { id: 'DRP010', name: 'invalid-dropout-rate', defaultSeverity: 'error', summary: 'A dropout rate outside [0, 1).' },
  { id: 'DRP011', name: 'keep-prob-rate-confusion', defaultSeverity: 'warning', summary: 'A keep probability is passed where a drop rate is expected (or the reverse).' },
  { id: 'DRP012', name: 'rnn-dropout-single-layer', defaultSeverity: 'warning', summary: 'RNN dropout with a single layer has no effect.' },
  { id: 'DRP013', name: 'alpha-dropout-activation-mismatch', defaultSeverity: 'warning', summary: 'AlphaDropout without SELU, or plain Dropout in a SELU network.' },
  { id: 'DRP014', name: 'heavy-input-dropout', defaultSeverity: 'information', summary: 'Dropout with rate > 0.3 directly on the model input.' },
  { id: 'DRP015', name: 'uniform-dropout-rate', defaultSeverity: 'hint', summary: 'Three or more dropout layers all use the same rate.' },
  { id: 'DRP016', name: 'dropout-forced-on-at-inference', defaultSeverity: 'warning', summary: 'Dropout is forced on (training=True) on an inference path without MC averaging.' },
  { id: 'DRP017', name: 'unused-dropout-output', defaultSeverity: 'warning', summary: 'A dropout result is computed but the pre-dropout value is used.' },
  { id: 'DRP018', name: 'manual-dropout-without-training-guard', defaultSeverity: 'warning', summary: 'A hand-made dropout mask in forward/call is applied at inference too.' },
  { id: 'DRP019', name: 'flax-dropout-without-deterministic', defaultSeverity: 'warning', summary: 'A Flax nn.Dropout is given deterministic neither when built nor when called.' },
  { id: 'DRP020', name: 'flax-apply-without-dropout-rng', defaultSeverity: 'warning', summary: "A Flax model with dropout is applied in training mode without rngs={'dropout': key}." },
] as const satisfies readonly RuleRow[];

/** Every rule id, in table order, as a type: adding a row adds the id. */
export type RuleId = (typeof RULE_ROWS)[number]['id'];

export const RULES: readonly RuleMeta[] = RULE_ROWS;

const byId = new Map<string, RuleMeta>(RULES.map((r) => [r.id, r]));
const byName = new Map<string, RuleMeta>(RULES.map((r) => [r.name, r]));

export function ruleMeta(id: RuleId): RuleMeta {
  const meta = byId.get(id);
  if (!meta) throw new Error(`unknown rule ${id}`);
  return meta;
}

/** Accepts `DRP010` or `invalid-dropout-rate`; undefined for anything else. */
export function findRule(idOrName: string): RuleMeta | undefined {
  return byId.get(idOrName.toUpperCase()) ?? byName.get(idOrName.toLowerCase());
}

export function isRuleId(value: string): value is RuleId {
  return byId.has(value);
}

export function docsUrl(id: RuleId): string {
  return `${DOCS_BASE_URL}${id}.md`;
}
