// DRP018 manual-dropout-without-training-guard: a hand-made dropout mask (`bernoulli_`,
// `torch.rand_like(x) < keep`, `uniform_() >= p`, `np.random.binomial`) applied in a model's
// `forward` / `call` with nothing that turns it off at inference: no `if self.training:` /
// `if training:` around the mask or its product, no conditional on the flag, no early
// `if not self.training: return x`. `model.eval()` cannot reach it, so predictions stay random.
// The masks are the ones DRP009 recognises (element-wise, named or shaped like the activation);
// per-sample masks (stochastic depth), block masks and noise are not dropout masks here.
import type { Rule } from '../rule';
import type { SyntaxNode } from '../parser';
import { mentionsTraining, methodClass } from '../flow/pySyntax';
import { walk } from '../syntax';
import { manualDropouts } from '../flow/manualDropouts';

const FORWARD_METHODS = new Set(['forward', 'call', '__call__']);

/** Inside an `if`/`while`/conditional/boolean test that mentions the training flag (below `scope`). */
function guarded(node: SyntaxNode, scope: SyntaxNode): boolean {
  for (let current = node.parent; current && !current.equals(scope); current = current.parent) {
    if ((current.type === 'if_statement' || current.type === 'elif_clause' || current.type === 'while_statement')
      && mentionsTraining(current.childForFieldName('condition'))) return true;
    if (current.type === 'conditional_expression' && mentionsTraining(current.namedChildren[1])) return true;
    if (current.type === 'boolean_operator' && mentionsTraining(current)) return true;
  }
  return false;
}

/** An `if <training test>: return/raise` before `node` in the method body. */
function earlyExit(node: SyntaxNode, body: SyntaxNode): boolean {
  let found = false;
  walk(body, (current) => {
    if (found || current.startIndex >= node.startIndex) return false;
    if (current.type === 'function_definition' || current.type === 'class_definition') return false;
    if (current.type === 'if_statement' && current.endIndex <= node.startIndex && mentionsTraining(current.childForFieldName('condition'))) {
      walk(current.childForFieldName('consequence') ?? current, (inner) => {
        if (inner.type === 'return_statement' || inner.type === 'raise_statement') found = true;
      });
      return false;
    }
    return undefined;
  });
  return found;
}

/** The mask variable's assignment is guarded (`if self.training: mask = ...`) even if the product is not. */
function maskAssignmentGuarded(maskNode: SyntaxNode, scope: SyntaxNode): boolean {
  return guarded(maskNode, scope);
}

export const manualDropoutWithoutTrainingGuard: Rule = {
  id: 'DRP018',
  check(context) {
    const seen = new Set<number>();
    for (const record of manualDropouts(context)) {
      const { scope, scopeName, product, maskNode } = record;
      if (scope.type !== 'function_definition' || !FORWARD_METHODS.has(scopeName) || !methodClass(scope)) continue;
      const className = methodClass(scope)!.childForFieldName('name')?.text ?? '';
      // A per-sample or shared mask is a dropout when something says so (LockedDropout, drop_mask).
      if (!record.mask.elementwise && !record.mask.named && !/drop/i.test(className)) continue;
      // A method that receives the flag but never reads it is still unguarded; one that tests it is judged by position.
      const body = scope.childForFieldName('body');
      if (!body) continue;
      if (guarded(product, scope) || maskAssignmentGuarded(maskNode, scope) || earlyExit(product, body)) continue;
      if (seen.has(product.startIndex)) continue;
      seen.add(product.startIndex);
      const cls = className || 'the model';
      const label = record.variable ? `'${record.variable}'` : `'${maskNode.text.slice(0, 40)}'`;
      context.report('DRP018', product,
        `Hand-made dropout mask ${label} is applied in ${cls}.${scopeName} with no training guard: model.eval() does not reach it, so it keeps dropping at inference. Apply it only when training (\`if self.training:\` / \`if training:\`), or use a framework dropout layer.`);
    }
  },
};
