// DRP019 flax-dropout-without-deterministic: a Flax linen `nn.Dropout(rate)` that is given
// `deterministic` neither where it is built nor where it is called. Linen merges the two
// (`merge_param`): exactly one of them must be set, so such a layer raises a ValueError the first
// time the model is applied, and nothing could ever switch it off for evaluation. Checked shapes:
// `nn.Dropout(0.1)(x)` in an `@nn.compact` method, `self.drop = nn.Dropout(...)` in `setup()` then
// `self.drop(x)`, and a local `drop = nn.Dropout(...)` then `drop(x)`. Not flagged: deterministic
// given in either place (a variable, `not train`, positionally), `**kwargs` that may carry it, and a
// layer handed elsewhere (a list, `partial`, an argument) whose calls this file cannot see.
import type { Rule, RuleContext } from '../rule';
import type { SyntaxNode } from '../parser';
import { calleeName } from '../resolve';
import { callArgument, nodesOfType, walk } from '../syntax';
import { classMethods, enclosingFunction, methodClass, selfName } from '../flow/pySyntax';

const FLAX_DROPOUT = 'flax.linen.Dropout';

/** `*args` / `**kwargs` among the arguments: they may carry `deterministic`. */
function hasSplat(call: SyntaxNode): boolean {
  return call.childForFieldName('arguments')?.namedChildren.some((a) => a?.type === 'list_splat' || a?.type === 'dictionary_splat') ?? false;
}

/** The constructor's signature is `Dropout(rate, broadcast_dims=(), deterministic=None, ...)`. */
function builtDeterministic(construct: SyntaxNode): boolean {
  return hasSplat(construct) || callArgument(construct, 'deterministic', 2) !== undefined;
}

/** The call's signature is `(inputs, deterministic=None, rng=None)`. */
function calledDeterministic(call: SyntaxNode): boolean {
  return hasSplat(call) || callArgument(call, 'deterministic', 1) !== undefined;
}

/** Calls under `scope` (nested classes aside) whose callee is written exactly `calleeText`. */
function callsOf(scope: SyntaxNode, calleeText: string): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  walk(scope, (node) => {
    if (node.type === 'class_definition' && !node.equals(scope)) return false;
    if (node.type === 'call' && node.childForFieldName('function')?.text === calleeText) found.push(node);
    return undefined;
  });
  return found;
}

function describe(construct: SyntaxNode): string {
  const rate = callArgument(construct, 'rate', 0);
  return `nn.Dropout(${rate ? `rate=${rate.text}` : ''})`;
}

const CONSEQUENCE = 'Flax raises a ValueError when the model is applied, and the layer could never be switched off for evaluation';

function reportCalls(context: RuleContext, construct: SyntaxNode, calls: SyntaxNode[], callee: string): void {
  const line = construct.startPosition.row + 1;
  for (const call of calls) {
    if (calledDeterministic(call)) continue;
    context.report('DRP019', call,
      `${callee}(...) passes no deterministic, and ${describe(construct)} (built on line ${line}) has none either: ${CONSEQUENCE}. Pass deterministic=not train here or to the constructor.`);
  }
}

function check(context: RuleContext, construct: SyntaxNode): void {
  if (builtDeterministic(construct)) return;
  const parent = construct.parent;
  if (!parent) return;
  // `nn.Dropout(0.1)(x)`: built and applied at once, usually inside `@nn.compact`.
  if (parent.type === 'call' && parent.childForFieldName('function')?.equals(construct)) {
    if (calledDeterministic(parent)) return;
    context.report('DRP019', construct,
      `${describe(construct)} is given no deterministic, neither when it is built nor when it is applied: ${CONSEQUENCE}. Pass deterministic=not train to the constructor or to the call.`);
    return;
  }
  if (parent.type !== 'assignment' || !parent.childForFieldName('right')?.equals(construct)) return;
  const target = parent.childForFieldName('left');
  const fn = enclosingFunction(construct);
  const body = fn?.childForFieldName('body');
  if (!fn || !body) return;
  if (target?.type === 'identifier') {
    reportCalls(context, construct, callsOf(body, target.text), target.text);
    return;
  }
  // `self.drop = nn.Dropout(...)` in setup(): every `self.drop(...)` of the class.
  if (target?.type === 'attribute') {
    const self = selfName(fn);
    const cls = methodClass(fn);
    if (!self || !cls || target.childForFieldName('object')?.text !== self) return;
    const attribute = target.childForFieldName('attribute')?.text;
    const calls: SyntaxNode[] = [];
    for (const method of classMethods(cls).values()) {
      const methodSelf = selfName(method);
      const body = method.childForFieldName('body');
      if (methodSelf && body) calls.push(...callsOf(body, `${methodSelf}.${attribute}`));
    }
    reportCalls(context, construct, calls, `self.${attribute}`);
  }
}

export const flaxDropoutWithoutDeterministic: Rule = {
  id: 'DRP019',
  check(context) {
    for (const call of nodesOfType(context.root, 'call')) {
      if (calleeName(call, context.imports) === FLAX_DROPOUT) check(context, call);
    }
  },
};
