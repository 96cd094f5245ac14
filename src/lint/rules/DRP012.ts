// DRP012 rnn-dropout-single-layer: `nn.LSTM` / `nn.GRU` / `nn.RNN` built with a non-zero
// `dropout` while `num_layers` is 1 (the default). PyTorch applies this dropout only between
// stacked layers (to the outputs of every layer except the last), so with one layer it does
// nothing — the author believes the recurrent layer is regularised and it is not (PyTorch only
// warns at run time). Not flagged: a layer count that is not a literal (`nn.LSTM(d, h, nlayers,
// dropout=0.3)`), a dropout guarded by the layer count (`dropout=0 if num_layers == 1 else d`) or
// any other conditional, a literal 0, calls with `*args`/`**kwargs` that may carry either value,
// Keras recurrent layers (their `dropout` acts on the inputs and works with one layer), and
// classes named LSTM that are not torch's.
import type { Rule, RuleContext } from '../rule';
import type { SyntaxNode } from '../parser';
import { calleeName, evalNumber } from '../resolve';
import { callArgument, formatRate, nodesOfType } from '../syntax';

const RNN_CLASS = /^torch\.nn\.(?:rnn\.)?(LSTM|GRU|RNN)$/;

/** Positions in `nn.LSTM(input_size, hidden_size, num_layers, bias, batch_first, dropout, ...)`. */
const NUM_LAYERS_POSITION = 2;
const DROPOUT_POSITION = 5;

function hasSplat(call: SyntaxNode): boolean {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).some((a) => a?.type === 'list_splat' || a?.type === 'dictionary_splat');
}

/** Name of what the layer is assigned to (`self.rnn`, `encoder`), for the message. */
function assignedName(call: SyntaxNode): string | undefined {
  const parent = call.parent;
  if (parent?.type === 'assignment' && parent.childForFieldName('right')?.equals(call)) return parent.childForFieldName('left')?.text;
  if (parent?.type === 'keyword_argument') return parent.childForFieldName('name')?.text;
  if (parent?.type === 'pair' && parent.childForFieldName('value')?.equals(call)) {
    const key = parent.childForFieldName('key');
    return key?.type === 'string' ? key.text.replace(/^[rbuf]*['"]+|['"]+$/gi, '') : key?.text;
  }
  return undefined;
}

/** A dropout value that is plainly a rate: a literal/constant above 0, or a plain name/attribute. */
function describeDropout(node: SyntaxNode, constants: ReadonlyMap<string, number>): { text: string; literal: boolean } | undefined {
  const value = evalNumber(node, constants);
  if (value !== undefined) return value > 0 && value < 1 ? { text: formatRate(value), literal: true } : undefined;
  // Only names and attributes: anything computed (a conditional, a call) may already depend on num_layers.
  if (node.type === 'identifier' || node.type === 'attribute') {
    if (/layer/i.test(node.text)) return undefined;
    return { text: node.text, literal: false };
  }
  return undefined;
}

function checkFile(context: RuleContext): void {
  for (const node of nodesOfType(context.root, 'call')) {
    const qualified = calleeName(node, context.imports);
    const match = qualified ? RNN_CLASS.exec(qualified) : null;
    if (!match || hasSplat(node)) continue;
    const dropoutNode = callArgument(node, 'dropout', DROPOUT_POSITION);
    if (!dropoutNode) continue;
    const layersNode = callArgument(node, 'num_layers', NUM_LAYERS_POSITION);
    if (layersNode) {
      const layers = evalNumber(layersNode, context.constants);
      if (layers !== 1) continue;
    }
    const dropout = describeDropout(dropoutNode, context.constants);
    if (!dropout) continue;
    const name = assignedName(node);
    const layer = `nn.${match[1]}${name ? ` '${name}'` : ''}`;
    const layersText = layersNode ? 'num_layers=1' : 'num_layers defaults to 1';
    const effect = dropout.literal
      ? 'it has no effect'
      : 'any non-zero value has no effect';
    context.report('DRP012', dropoutNode,
      `${layer} has dropout=${dropout.text} but ${layersText}: PyTorch applies RNN dropout only between stacked layers, so ${effect}. ` +
        'Use num_layers > 1, or apply a separate nn.Dropout to the RNN output.');
  }
}

export const rnnDropoutSingleLayer: Rule = {
  id: 'DRP012',
  check: checkFile,
};
