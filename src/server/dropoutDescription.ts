// What a dropout call does, in words, for hovers: variant, rate, training vs evaluation behaviour.
// No `vscode` import, so it is unit-tested in plain Node. Formulas: ../shared/reference/dropout-semantics.md.
import type { DropoutApi } from '../lint/frameworks';
import { formatRate } from '../lint/syntax';

/** SELU's negative saturation value −λα, what alpha dropout sets dropped units to. */
export const SELU_ALPHA_PRIME = -1.0507009873554804934193349852946 * 1.6732632423543772848170429916717;

/** Alpha dropout's affine correction (a, b) that keeps mean 0 and variance 1 for drop rate p. */
export function alphaDropoutAffine(p: number): { a: number; b: number } {
  const q = 1 - p;
  const a = (q + SELU_ALPHA_PRIME ** 2 * q * (1 - q)) ** -0.5;
  return { a, b: -a * (1 - q) * SELU_ALPHA_PRIME };
}

/** The framework default rate when none is passed (undefined: the argument is required). */
export function defaultRate(api: Pick<DropoutApi, 'framework' | 'variant'>): number | undefined {
  if (api.framework !== 'torch') return undefined;
  return api.variant === 'attention' ? 0 : 0.5;
}

export interface DropoutCallFacts {
  api: DropoutApi;
  /** Statically known rate, if any. */
  rate?: number;
  /** True when no rate argument was written (the default applies). */
  rateIsDefault: boolean;
  /** The source text of the `training=` argument (functional forms), if any. */
  trainingText?: string;
}

const NAMES: Record<DropoutApi['variant'], string> = {
  standard: 'standard (element-wise, inverted) dropout',
  channel: 'channel ("spatial") dropout',
  alpha: 'alpha dropout (for SELU networks)',
  'feature-alpha': 'feature (channel) alpha dropout',
  gaussian: 'Gaussian (multiplicative noise) dropout',
  attention: 'attention-weight dropout',
  recurrent: 'recurrent dropout',
};

function round(value: number): string {
  return String(Number(value.toPrecision(4)));
}

function trainingBehaviour(facts: DropoutCallFacts): string {
  const { api, rate } = facts;
  const p = rate !== undefined ? formatRate(rate) : 'p';
  const scale = rate !== undefined && rate < 1 ? ` (×${round(1 / (1 - rate))})` : '';
  switch (api.variant) {
    case 'standard':
      return `each element is zeroed with probability ${p}; survivors are scaled by 1/(1−${p})${scale}, so the expected output equals the input.`;
    case 'channel':
      return `whole channels (feature maps) are zeroed with probability ${p}, one draw per sample and channel shared over all positions; survivors are scaled by 1/(1−${p})${scale}.`;
    case 'alpha':
    case 'feature-alpha': {
      const unit = api.variant === 'alpha' ? 'units' : 'whole channels';
      const affine = rate !== undefined && rate < 1 && rate >= 0 ? alphaDropoutAffine(rate) : undefined;
      const coefficients = affine ? ` (a = ${round(affine.a)}, b = ${round(affine.b)})` : '';
      return `dropped ${unit} (probability ${p}) are set to SELU's saturation value α′ ≈ ${round(SELU_ALPHA_PRIME)} instead of 0, then a·x + b${coefficients} restores mean 0 and variance 1.`;
    }
    case 'gaussian': {
      const sigma = rate !== undefined && rate < 1 && rate >= 0 ? ` = ${round(Math.sqrt(rate / (1 - rate)))}` : '';
      return `every element is multiplied by noise drawn from N(1, σ²), σ = √(${p}/(1−${p}))${sigma}; nothing is zeroed.`;
    }
    case 'attention':
      return `attention weights are dropped with probability ${p} after the softmax, before they weight the values.`;
    case 'recurrent':
      if (api.framework === 'keras') {
        return `the layer's inputs are dropped with probability ${p} using one mask per sequence, reused at every time step (variational dropout); \`recurrent_dropout\` does the same for the recurrent state.`;
      }
      return `dropout with probability ${p} on the outputs of each stacked layer except the last, so it does nothing when \`num_layers\` is 1.`;
  }
}

function evaluationBehaviour(facts: DropoutCallFacts): string {
  const { api } = facts;
  if (api.variant === 'attention' && api.style === 'functional') {
    return 'drops whenever `dropout_p > 0`, even after `model.eval()`: pass `dropout_p=p if self.training else 0.0`.';
  }
  if (api.framework === 'torch' && api.style === 'functional') {
    const defaultOn = api.variant !== 'alpha' && api.variant !== 'feature-alpha';
    const training = facts.trainingText ? `here \`training=${facts.trainingText}\`` : `\`training\` defaults to ${defaultOn ? 'True' : 'False'}`;
    return `identity only when \`training\` is false — ${training}; pass \`training=self.training\` so \`model.eval()\` turns it off.`;
  }
  if (api.framework === 'torch') return 'identity (nothing dropped, no scaling) after `model.eval()`; active again after `model.train()`.';
  if (api.framework === 'keras') return 'identity unless called with `training=True` (`fit()` sets it; `predict()`/`evaluate()` do not).';
  return '`tf.nn.dropout` always drops: call it only on the training path.';
}

/** Markdown lines describing a dropout call. */
export function describeDropoutCall(facts: DropoutCallFacts): string[] {
  const { api, rate, rateIsDefault } = facts;
  const rateText = rate === undefined
    ? (rateIsDefault ? 'required argument missing' : 'not statically known')
    : `${formatRate(rate)}${rateIsDefault ? ' (default)' : ''}`;
  const invalid = rate !== undefined && !(rate >= 0 && rate < 1) ? ' — not a valid drop probability, which must be in [0, 1)' : '';
  return [
    `**${api.display}** — ${NAMES[api.variant]}`,
    '',
    `Rate (${api.rateKeyword}): ${rateText}${invalid}`,
    '',
    `- **Training:** ${trainingBehaviour(facts)}`,
    `- **Evaluation:** ${evaluationBehaviour(facts)}`,
  ];
}
