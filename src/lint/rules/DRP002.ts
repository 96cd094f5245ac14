// DRP002 inference-without-eval: a PyTorch model with dropout or BatchNorm is run for
// validation/inference — inside `torch.no_grad()` / `torch.inference_mode()` (also as decorators),
// in a function that evaluates/validates/predicts, or in a loop over a val/test loader — or is
// traced with `torch.jit.trace` (which records train-mode dropout), while the mode flow shows no
// `model.eval()` / `model.train(False)` reaching that call on any path (through call sites, and for
// a module-level model used by an uncalled function such as a request handler, the module's end). Dropout
// then keeps dropping and BatchNorm normalises with batch statistics, so reported metrics are noisy
// and too low. Not flagged: an eval() on any path (directly, in a function called earlier such as
// `evaluate(model)` that calls `model.eval()` inside, or in a previous notebook cell); models whose
// mode we cannot follow (loaded with `torch.load`, passed through helpers that may switch modes,
// `train(mode)` with a variable); models from `from_pretrained` (returned in eval mode); Lightning
// `validation_step`/`test_step`/`predict_step` and Hugging Face `Trainer` code (the framework
// switches modes); `no_grad` blocks inside a training loop that are not evaluations (EMA, targets,
// logging); Monte Carlo dropout loops that average several passes; models without dropout or
// BatchNorm; Keras models; and user objects whose `eval`/`train` are not torch's.
import type { Rule, RuleContext } from '../rule';
import {
  enclosingLoop, loadedWeightsContext, receiverKey, type InferenceContext, EVAL, getModeFlow, inferenceContexts, isMonteCarloSampling, containsTrainingStep, ENTRY,
  UNKNOWN, type ModelCall, type ResolvedMode, type Scope,
} from '../modeFlow';
import type { SyntaxNode } from '../parser';
import { nodeRange, nodesOfTypeIn, positionalArguments } from '../syntax';
import { dottedName } from '../resolve';
import type { Fix } from '../types';
import { ModelCatalog, importsTorch, isFrameworkManaged } from '../flow/modelInfo';
import { callsWithin, classDerivesFrom, hasMethodCallBetween, classesByName, classMethods, enclosingStatement, isTorchModuleBase, lineIndent } from '../flow/pySyntax';

/** Text any inference context needs: a no_grad-like API, a trace, an evaluation-like function or loader name. */
const INFERENCE_HINT = /no_grad|inference_mode|load_state_dict|set_grad_enabled|trace|eval|valid|test|predict|infer|(?:^|[^a-z])(?:val|dev)/i;

const EVALUATION_WORDS = /(?:^|[^a-z])(?:val|valid|validation|test|eval|evaluation|dev|holdout)(?:[^a-z]|$)/i;

/** For a path whose entry mode is unknown (no caller in this file): is it still clearly an evaluation without eval()? */
/** Is there a call in `unit` that can put one of `receivers` in eval mode: `.eval()`, `.train(False)`, `.train(flag)`? */
function mayEvalSwitch(treeRoot: SyntaxNode, unit: SyntaxNode, receivers: readonly string[]): boolean {
  for (const call of nodesOfTypeIn(treeRoot, unit, 'call')) {
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'attribute') continue;
    const method = callee.childForFieldName('attribute')?.text;
    if (method !== 'eval' && method !== 'train') continue;
    const receiver = dottedName(callee.childForFieldName('object'));
    if (!receiver || !receivers.includes(receiver)) continue;
    if (method === 'eval') return true;
    const args = call.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment') ?? [];
    if (args.length === 0 || (args.length === 1 && args[0]?.type === 'true')) continue;
    return true;
  }
  return false;
}

function unresolvedIsBug(path: ResolvedMode, call: ModelCall, kinds: ReadonlySet<string>, flowScopes: readonly Scope[], treeRoot: SyntaxNode): boolean {
  if (path.mode.bits & (EVAL | UNKNOWN)) return false;
  const root = path.key.split('.')[0]!;
  const scope = path.scope;
  if (scope.node.type === 'module') return false;
  if (!kinds.has('eval-function')) return false;
  // `self.model` in an evaluation method, reached from other methods of the same class.
  if (root === scope.params[0]?.name && scope.cls && scope.cls.id === call.scope.cls?.id) {
    // `self.model` in an evaluation method: fine if any method of the class switches its mode.
    // Anything that can put it in eval mode: `.eval()`, `.train(False)`, `.train(flag)`.
    for (const other of flowScopes) {
      if (other.cls?.id !== scope.cls.id) continue;
      if (mayEvalSwitch(treeRoot, other.node, [path.key, root])) return false;
      // Built in eval mode (`self.model = Net().eval()`), of unknown mode, or handed in by the caller
      // (`self.model = model` in __init__: the caller may have called eval()).
      const set = other.exit?.get(path.key);
      if (set && (set.bits & (EVAL | UNKNOWN | ENTRY))) return false;
    }
    return true;
  }
  // A parameter of an evaluation function looping over an evaluation loader, never called here.
  return path.scope === call.scope && scope.params.some((p) => p.name === root) && kinds.has('eval-loader');
}

interface InferenceCall {
  call: ModelCall;
  contexts: InferenceContext[];
  kinds: ReadonlySet<string>;
}

/** A model call that may run in train mode in an inference context (before resolving its mode through callers). */
function inferenceCall(call: ModelCall, context: RuleContext): InferenceCall | undefined {
  // Resolution only replaces ENTRY: a call that may already be in eval mode (or unknown) never is a bug.
  if (call.mode.bits & (EVAL | UNKNOWN)) return undefined;
  let contexts: InferenceContext[] = call.tracedBy
    ? [{ kind: 'no-grad', node: enclosingStatement(call.call), label: `when traced by ${call.tracedBy}() (the trace records train-mode dropout)` }]
    : inferenceContexts(call.call, context.imports);
  if (contexts.length === 0) {
    const loaded = loadedWeightsContext(call, context.root);
    if (!loaded) return undefined;
    contexts = [loaded];
  }
  const kinds = new Set(contexts.map((c) => c.kind));
  // A bare no_grad block inside a training loop is bookkeeping (EMA, targets, logging), not an evaluation.
  // Unless the statement says it evaluates (`val_pred = model(X_val)`).
  if (kinds.size === 1 && kinds.has('no-grad') && !call.tracedBy) {
    const loop = enclosingLoop(contexts[0]!.node);
    if (loop && containsTrainingStep(loop, context.root) && !EVALUATION_WORDS.test(enclosingStatement(call.call).text)) return undefined;
  }
  if (isMonteCarloSampling(call.call)) return undefined;
  return { call, contexts, kinds };
}

export const inferenceWithoutEval: Rule = {
  id: 'DRP002',
  check(context) {
    if (!INFERENCE_HINT.test(context.source) || !importsTorch(context)) return;
    const flow = getModeFlow(context);
    let catalog: ModelCatalog | undefined;
    const classes = classesByName(context.root);
    const reported = new Set<string>();
    for (const scope of [flow.module, ...flow.scopes]) {
      if (scope.modelCalls.length === 0) continue;
      // The framework check runs only where there are candidates.
      const candidates: InferenceCall[] = [];
      for (const call of scope.modelCalls) {
        const candidate = inferenceCall(call, context);
        if (candidate) candidates.push(candidate);
      }
      if (candidates.length === 0 || isFrameworkManaged(scope, context, classes)) continue;
      for (const { call, contexts, kinds } of candidates) {
        if (ownSubmoduleCall(scope, call, kinds, context, classes)) continue;
        const paths = flow.resolve(call);
        const bug = paths.every((p) => (p.mode.bits & ENTRY) ? unresolvedIsBug(p, call, kinds, flow.scopes, context.root) : !(p.mode.bits & (EVAL | UNKNOWN)));
        if (!bug) continue;
        catalog ??= new ModelCatalog(context, flow);
        const model = catalog.describe(scope, call.key, paths);
        if (!model) continue;
        // One finding per evaluation block and model.
        const block = outermostBlock(contexts);
        if (explicitTrainInside(context.root, block, call)) continue;
        const id = `${call.key}@${block.id}`;
        if (reported.has(id)) continue;
        reported.add(id);
        const label = contexts.at(-1)!.label;
        const fix = evalFix(context, call.key, block);
        const related = model.origin ? [{ range: nodeRange(model.origin), message: `${call.key} is built here (${model.model}, with ${model.layer})` }] : [];
        const where = call.tracedBy ? positionalArguments(call.call)[0] ?? call.call : call.call.childForFieldName('function') ?? call.call;
        context.report('DRP002', where,
          `'${call.key}' (${model.model}, with ${model.layer}) is run for inference ${label}, but no ${call.key}.eval() reaches this call: ${trainModeEffect(model.layer)}. Call ${call.key}.eval() before evaluating (and ${call.key}.train() before training again).`,
          { fixes: fix ? [fix] : [], related });
      }
    }
  },
};

/**
 * A model's own method (`infer`, `generate`, `predict`, decorated with no_grad) running itself or its
 * submodules (`self(x)`, `self.encoder(x)`): they follow the model's mode, which whoever calls the
 * method sets — the inference context is the caller's, not this method's. A loop over an evaluation
 * loader inside the module is still an evaluation loop.
 */
function ownSubmoduleCall(scope: Scope, call: ModelCall, kinds: ReadonlySet<string>, context: RuleContext, classes: ReadonlyMap<string, SyntaxNode>): boolean {
  const self = scope.params[0]?.name;
  if (!scope.cls || !self || kinds.has('eval-loader') || scope !== call.scope) return false;
  if (call.key !== self && !call.key.startsWith(`${self}.`)) return false;
  return classMethods(scope.cls).has('forward') || classDerivesFrom(scope.cls, context.imports, classes, isTorchModuleBase);
}

/** `key.train()` written inside the evaluation block before the call: train mode is deliberate there. */
function explicitTrainInside(root: SyntaxNode, block: SyntaxNode, call: ModelCall): boolean {
  if (!hasMethodCallBetween(root, 'train', block.startIndex, call.call.startIndex)) return false;
  for (const inner of callsWithin(root, block)) {
    if (inner.startIndex >= call.call.startIndex) break;
    const callee = inner.childForFieldName('function');
    if (callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'train' && receiverKey(callee.childForFieldName('object')) === call.key) return true;
  }
  return false;
}

/** What running in train mode does to this layer. */
export function trainModeEffect(layer: string): string {
  return /BatchNorm/.test(layer) ? 'BatchNorm normalises with batch statistics instead of its running averages' : 'dropout keeps dropping units';
}

function outermostBlock(contexts: ReadonlyArray<{ node: SyntaxNode }>): SyntaxNode {
  return contexts.at(-1)!.node;
}

/** Inserts `key.eval()` on its own line before the evaluation block (or at the top of an evaluation function). */
function evalFix(context: RuleContext, key: string, block: SyntaxNode): Fix | undefined {
  let anchor: SyntaxNode | undefined = block;
  if (block.type === 'function_definition') {
    const body = block.childForFieldName('body');
    anchor = body?.namedChildren.find((s) => s && s.type !== 'comment' && !(s.type === 'expression_statement' && s.namedChildren[0]?.type === 'string')) ?? undefined;
    if (!anchor) return undefined;
  } else if (block.parent?.type === 'decorated_definition') {
    return undefined;
  }
  const indent = lineIndent(context.source, anchor);
  const position = { line: anchor.startPosition.row, column: 0 };
  return {
    title: `Insert ${key}.eval() before the evaluation`,
    safe: false,
    edits: [{ range: { start: position, end: position }, newText: `${indent}${key}.eval()\n` }],
  };
}
