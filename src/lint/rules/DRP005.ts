// DRP005 dropout-module-created-in-forward: a PyTorch dropout module (`nn.Dropout(p)`,
// `nn.Dropout2d`, `nn.AlphaDropout`, ...) constructed inside `forward` — typically
// `nn.Dropout(0.5)(x)`. A module built there is new on every call and starts in training mode, so
// `model.eval()` never reaches it and it keeps dropping at inference. Not flagged: modules built in
// `__init__` or any other method, Keras layers built inside `call` (Keras passes the training
// flag down to them), functional dropout (that is DRP004), and user classes named `Dropout`.
import { DROPOUT_APIS } from '../frameworks';
import type { Rule, RuleContext } from '../rule';
import type { SyntaxNode } from '../parser';
import { calleeName, evalNumber, type ImportTable } from '../resolve';
import { callArgument, formatRate, nodeRange, nodesOfType, positionalArguments, walk } from '../syntax';
import type { Fix } from '../types';
import { methodClass, selfName } from '../flow/pySyntax';

/** Functional equivalent of each module, under `<prefix>.functional`. */
const FUNCTIONAL_NAME: Readonly<Record<string, string>> = {
  Dropout: 'dropout',
  Dropout1d: 'dropout1d',
  Dropout2d: 'dropout2d',
  Dropout3d: 'dropout3d',
  AlphaDropout: 'alpha_dropout',
  FeatureAlphaDropout: 'feature_alpha_dropout',
};

/**
 * `nn.Dropout(p)(x)` -> `nn.functional.dropout(x, p, training=self.training)` when the module was
 * written through a module prefix (`nn.`, `torch.nn.`) and takes only its rate.
 */
function functionalFix(construct: SyntaxNode, self: string | undefined): Fix | undefined {
  const applied = construct.parent?.type === 'call' && construct.parent.childForFieldName('function')?.equals(construct) ? construct.parent : undefined;
  const callee = construct.childForFieldName('function');
  if (!applied || !self || callee?.type !== 'attribute') return undefined;
  const prefix = callee.childForFieldName('object')?.text;
  const functional = FUNCTIONAL_NAME[callee.childForFieldName('attribute')?.text ?? ''];
  if (!prefix || !functional) return undefined;
  const constructArgs = construct.childForFieldName('arguments')?.namedChildren.filter((a) => a && a.type !== 'comment') ?? [];
  const inputs = applied.childForFieldName('arguments')?.namedChildren.filter((a) => a && a.type !== 'comment') ?? [];
  if (inputs.length !== 1 || inputs[0]!.type === 'keyword_argument' || inputs[0]!.type === 'list_splat') return undefined;
  const rate = callArgument(construct, 'p', 0);
  if (constructArgs.length > 1 || (constructArgs.length === 1 && !rate)) return undefined;
  const args = [inputs[0]!.text];
  if (rate) args.push(`p=${rate.text}`);
  args.push(`training=${self}.training`);
  return {
    title: `Use ${prefix}.functional.${functional}(..., training=${self}.training)`,
    safe: false,
    edits: [{ range: nodeRange(applied), newText: `${prefix}.functional.${functional}(${args.join(', ')})` }],
  };
}

type DropoutApi = NonNullable<ReturnType<typeof DROPOUT_APIS.get>>;

/** A call constructing a torch dropout module, and its API. */
interface Construction {
  node: SyntaxNode;
  api: DropoutApi;
}

/** Calls in forward's body (outside nested classes) that construct a torch dropout module, in walk order. */
function dropoutConstructions(forward: SyntaxNode, imports: ImportTable): Construction[] {
  const found: Construction[] = [];
  const body = forward.childForFieldName('body');
  if (!body) return found;
  walk(body, (node) => {
    if (node.type === 'class_definition') return false;
    if (node.type !== 'call') return;
    const qualified = calleeName(node, imports);
    const api = qualified ? DROPOUT_APIS.get(qualified) : undefined;
    if (api && api.framework === 'torch' && api.style === 'module') found.push({ node, api });
  });
  return found;
}

function checkForward(context: RuleContext, forward: SyntaxNode, owner: string): void {
  const calls = dropoutConstructions(forward, context.imports);
  if (!calls.length) return;
  const self = selfName(forward);
  for (const { node, api } of calls) {
    const rateNode = callArgument(node, api.rateKeyword, api.ratePosition);
    const rate = rateNode ? evalNumber(rateNode, context.constants) : 0.5;
    const rateText = rate !== undefined ? formatRate(rate) : rateNode!.text;
    const fix = positionalArguments(node).length <= 1 ? functionalFix(node, self) : undefined;
    context.report('DRP005', node,
      `${api.display}(p=${rateText}) is created inside ${owner}.forward: a module built there is new on every call and stays in training mode, so model.eval() never reaches it and it keeps dropping at inference. Create it in __init__ (self.dropout = ${api.display}(${rateNode?.text ?? ''})) or use the functional form with training=self.training.`,
      { fixes: fix ? [fix] : [] });
  }
}

export const dropoutModuleCreatedInForward: Rule = {
  id: 'DRP005',
  check(context) {
    for (const node of nodesOfType(context.root, 'function_definition')) {
      if (node.childForFieldName('name')?.text !== 'forward') continue;
      const cls = methodClass(node);
      if (cls) checkForward(context, node, cls.childForFieldName('name')?.text ?? 'Module');
    }
  },
};
