// DRP003 training-after-eval-without-train: a training loop switches the model to eval (directly,
// or through a function it calls such as `validate(model)`) and later training steps run without
// `model.train()` being called again — typically `model.train()` once before the epoch loop and
// `model.eval()` for validation at the end of each epoch, so from the second epoch on dropout is
// off and BatchNorm statistics freeze while the model trains. Flagged at the forward call of the
// training step (a model call in a loop/function that runs `loss.backward()` or `optimizer.step()`),
// with the eval() as related information; the fix inserts `model.train()` at the top of the epoch.
// Not flagged: a train() on every path back to the step (including inside the training function
// itself), models that are only ever in eval mode while others train (a frozen teacher, a target
// network), an eval() before any training in the same function (adversarial examples, fine-tuning
// with frozen statistics), modes we cannot follow, Lightning / Hugging Face managed loops, models
// without dropout or BatchNorm, and objects whose `eval`/`train` are not torch's.
import type { Rule, RuleContext } from '../rule';
import {
  containsTrainingStep, enclosingLoop, ENTRY, EVAL, getModeFlow, inferenceContexts, TRAIN, UNKNOWN,
  type EvalSite, type ModelCall, type ResolvedMode, type Scope,
} from '../modeFlow';
import type { SyntaxNode } from '../parser';
import { calleeName } from '../resolve';
import { nodeRange, nodesOfType } from '../syntax';
import type { Fix } from '../types';
import { ModelCatalog, importsTorch, isFrameworkManaged } from '../flow/modelInfo';
import { classesByName, lineIndent } from '../flow/pySyntax';

function contains(outer: SyntaxNode, inner: SyntaxNode): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** The innermost loop of the path's scope containing both the training anchor and the eval site. */
function sharedLoop(anchor: SyntaxNode, site: SyntaxNode): SyntaxNode | undefined {
  for (let loop = enclosingLoop(anchor); loop; loop = enclosingLoop(loop)) {
    if (contains(loop, site)) return loop;
  }
  return undefined;
}

/** A training step in the same scope that runs before `site` (train, then eval, then train again). */
function trainedBefore(root: SyntaxNode, scopeNode: SyntaxNode, site: SyntaxNode): boolean {
  const body = scopeNode.type === 'module' ? scopeNode : scopeNode.childForFieldName('body');
  for (const statement of body?.namedChildren ?? []) {
    if (!statement || statement.startIndex >= site.startIndex) break;
    if (containsTrainingStep(statement, root)) return true;
  }
  return false;
}

interface Finding {
  path: ResolvedMode;
  eval: EvalSite;
  loop?: SyntaxNode;
}

/** Receivers whose `.parameters()` are handed to an optimizer among `calls`. */
function optimizedReceivers(calls: Iterable<SyntaxNode>, context: RuleContext, keys: { add(key: string): unknown }): void {
  for (const call of calls) {
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'attribute' || !/^(?:parameters|named_parameters)$/.test(callee.childForFieldName('attribute')?.text ?? '')) continue;
    const receiver = callee.childForFieldName('object')?.text;
    if (!receiver) continue;
    for (let up = call.parent; up && up.type !== 'expression_statement' && up.type !== 'block'; up = up.parent) {
      if (up.type !== 'call') continue;
      const name = calleeName(up, context.imports) ?? up.childForFieldName('function')?.text ?? '';
      if (/^torch\.optim\.|optim|Adam|SGD|RMSprop|Adagrad|LBFGS|Lion|Lamb/.test(name)) keys.add(receiver.replace(/\.module$/, ''));
    }
  }
}

/** Receiver keys whose `.parameters()` are handed to an optimizer: the models being trained. */
function optimizedKeys(context: RuleContext): Set<string> {
  const keys = new Set<string>();
  optimizedReceivers(nodesOfType(context.root, 'call'), context, keys);
  return keys;
}

function findCulprit(root: SyntaxNode, paths: readonly ResolvedMode[], optimized: ReadonlySet<string>): Finding | undefined {
  for (const path of paths) {
    if (path.mode.bits & UNKNOWN) return undefined;
  }
  for (const path of paths) {
    if (path.unresolved || !(path.mode.bits & EVAL)) continue;
    for (const site of path.mode.evals) {
      const loop = sharedLoop(path.anchor, site.site);
      // Around a loop back edge the model is trained in some iterations and evaluated in others;
      // an eval() every iteration matters only for a model that is being optimised (not a frozen teacher).
      if (loop && ((path.mode.bits & TRAIN) || optimized.has(path.key))) return { path, eval: site, loop };
      if (!loop && site.site.startIndex < path.anchor.startIndex && trainedBefore(root, path.scope.node, site.site)) return { path, eval: site };
    }
  }
  return undefined;
}

function trainFix(context: RuleContext, key: string, loop: SyntaxNode | undefined, anchor: SyntaxNode): Fix | undefined {
  let target: SyntaxNode | undefined;
  if (loop) {
    target = loop.childForFieldName('body')?.namedChildren.find((s) => s && s.type !== 'comment') ?? undefined;
  } else {
    for (target = anchor; target.parent && target.parent.type !== 'block' && target.parent.type !== 'module';) target = target.parent;
  }
  if (!target || target.startPosition.row === loop?.startPosition.row) return undefined;
  const position = { line: target.startPosition.row, column: 0 };
  return {
    title: loop ? `Insert ${key}.train() at the top of the epoch` : `Insert ${key}.train() before training resumes`,
    safe: false,
    edits: [{ range: { start: position, end: position }, newText: `${lineIndent(context.source, target)}${key}.train()\n` }],
  };
}

/** Does the call run in a training step and may it be in eval mode (now or through its callers)? */
function mayTrainInEvalMode(scope: Scope, call: ModelCall, context: RuleContext): boolean {
  // Only ENTRY can turn into EVAL when resolved through callers.
  if (call.tracedBy || !(call.mode.bits & (EVAL | ENTRY))) return false;
  const region = enclosingLoop(call.call) ?? (scope.node.type === 'module' ? undefined : scope.node.childForFieldName('body'));
  if (!region || !containsTrainingStep(region, context.root)) return false;
  return inferenceContexts(call.call, context.imports).length === 0;
}


export const trainingAfterEvalWithoutTrain: Rule = {
  id: 'DRP003',
  check(context) {
    // Nothing to find without an eval()/train(...) switch and a training step.
    // With a project, helpers of other modules may switch modes (`model.train_start()`).
    if ((!context.project && !/\.(?:eval|train)\(/.test(context.source)) || !/\.(?:backward|step)\(/.test(context.source) || !importsTorch(context)) return;
    const flow = getModeFlow(context);
    const classes = classesByName(context.root);
    let catalog: ModelCatalog | undefined;
    let optimized: Set<string> | undefined;
    const reported = new Set<string>();
    for (const scope of [flow.module, ...flow.scopes]) {
      if (scope.modelCalls.length === 0) continue;
      // The framework check runs only where there are candidates.
      const candidates = scope.modelCalls.filter((call) => mayTrainInEvalMode(scope, call, context));
      if (candidates.length === 0 || isFrameworkManaged(scope, context, classes)) continue;
      for (const call of candidates) {
        const paths = flow.resolve(call);
        optimized ??= optimizedKeys(context);
        const culprit = findCulprit(context.root, paths, optimized);
        if (!culprit) continue;
        catalog ??= new ModelCatalog(context, flow);
        // Unknown models count when the code itself switches their mode both ways.
        const model = catalog.describe(scope, call.key, paths) ?? catalog.describeByEvidence([culprit.path.key, call.key]);
        if (!model) continue;
        const id = `${culprit.path.key}@${culprit.eval.origin.id}`;
        if (reported.has(id)) continue;
        reported.add(id);
        const evalLine = culprit.eval.origin.startPosition.row + 1;
        const via = culprit.eval.site.id !== culprit.eval.origin.id
          ? ` (through the call at line ${culprit.eval.site.startPosition.row + 1})`
          : '';
        const where = culprit.loop ? 'runs inside the training loop' : 'runs after training';
        const fix = trainFix(context, culprit.path.key, culprit.loop, culprit.path.anchor);
        context.report('DRP003', call.call.childForFieldName('function') ?? call.call,
          `'${call.key}' (${model.model}, with ${model.layer}) may still be in eval mode in this training step: ${culprit.eval.origin.text} at line ${evalLine}${via} ${where} and no ${culprit.path.key}.train() follows before training resumes, so ${model.layer} stays in inference behaviour. Call ${culprit.path.key}.train() at the start of each epoch.`,
          {
            fixes: fix ? [fix] : [],
            related: [{ range: nodeRange(culprit.eval.origin), message: `${culprit.eval.origin.text} switches '${culprit.path.key}' to eval mode here` }],
          });
      }
    }
  },
};
