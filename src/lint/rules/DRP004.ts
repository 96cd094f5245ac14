// DRP004 functional-dropout-ignores-mode: functional dropout inside a model's methods (`forward`,
// `call`, and helpers of the same nn.Module / Keras Layer) that is not tied to the training flag.
// `F.dropout`, `F.dropout1d/2d/3d` and `torch.dropout` default to training=True, so without
// `training=self.training` they keep dropping after `model.eval()`; `F.scaled_dot_product_attention`
// drops whenever `dropout_p > 0`; `tf.nn.dropout` / `keras.random.dropout` always drop; and
// `F.alpha_dropout` defaults to training=False, so without the flag it never drops at all.
// Not flagged: any explicit training argument (`training=self.training`, the positional third
// argument `F.dropout(input, self.p, self.training, self.inplace)` as torch writes it, and a
// deliberate literal `training=True`, e.g. a Tacotron-style prenet), a rate or `dropout_p` that is
// itself guarded (`self.p if self.training else 0.0`, or a local assigned under a training test),
// a call inside `if self.training:` / `if training:` / a conditional or `tf.cond`/`smart_cond` on
// the flag, or after an early `if not self.training: return`; a helper whose rate is its own
// parameter, when the helper switches on it (`if dropout_p > 0:`) or every call of it in the class
// passes a value zeroed when not training (`if not self.training: dropout_p = 0.0` in the caller:
// the caller owns the mode); methods that only run while
// training (`training_step`, `compute_loss`, augmentation helpers); plain functions outside model
// classes; user functions that merely share the name `dropout`.
import { DROPOUT_APIS } from '../frameworks';
import type { Rule, RuleContext } from '../rule';
import type { SyntaxNode } from '../parser';
import { calleeName, evalNumber } from '../resolve';
import { callArgument, formatRate, nodeRange, nodesOfType, walk } from '../syntax';
import type { Fix } from '../types';
import {
  classDerivesFrom, classesByName, classMethods, enclosingFunction, isKerasLayerBase, isTorchModuleBase, mentionsTraining, parametersOf, selfName,
} from '../flow/pySyntax';

interface FunctionalDropout {
  display: string;
  /** Where the rate lives. */
  rateKeyword: string;
  ratePosition: number;
  /** The training flag parameter, when the API has one. */
  trainingKeyword?: string;
  trainingPosition?: number;
  /** What happens when the flag is not passed. */
  defaultTraining: 'on' | 'off' | 'always';
  kind: 'torch' | 'attention' | 'tensorflow';
}

function fromCatalog(qualified: string): FunctionalDropout | undefined {
  const api = DROPOUT_APIS.get(qualified);
  if (api?.style !== 'functional') return undefined;
  return {
    display: api.display,
    rateKeyword: api.rateKeyword,
    ratePosition: api.ratePosition ?? 1,
    trainingKeyword: api.training?.keyword,
    trainingPosition: api.training?.position,
    defaultTraining: api.training?.whenOmitted ?? 'always',
    kind: api.variant === 'attention' ? 'attention' : api.framework === 'torch' ? 'torch' : 'tensorflow',
  };
}

/** Methods that never run on the forward path. */
const NOT_FORWARD = new Set(['__init__', 'build', 'get_config', 'from_config', 'extra_repr', 'reset_parameters', '__repr__', 'compute_output_shape', 'state_dict', 'load_state_dict']);

/** Is `node` inside a branch, conditional or call that tests a training flag (up to `stop`)? */
function guardedByAncestor(node: SyntaxNode, stop: SyntaxNode): boolean {
  for (let current = node.parent; current && !current.equals(stop); current = current.parent) {
    switch (current.type) {
      case 'if_statement':
      case 'elif_clause':
      case 'while_statement':
        if (mentionsTraining(current.childForFieldName('condition'))) return true;
        break;
      case 'conditional_expression':
        if (mentionsTraining(current.namedChildren[1])) return true;
        break;
      case 'boolean_operator':
      case 'argument_list':
        // `self.training and F.dropout(...)`, `tf.cond(training, lambda: tf.nn.dropout(...), ...)`.
        if (mentionsTraining(current)) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

/** An `if <training test>: return/raise` that runs before `node` in the method. */
function earlyExitOnTraining(node: SyntaxNode, body: SyntaxNode): boolean {
  let found = false;
  walk(body, (current) => {
    if (found || current.startIndex >= node.startIndex) return false;
    if (current.type === 'function_definition' || current.type === 'class_definition') return false;
    if (current.type === 'if_statement' && mentionsTraining(current.childForFieldName('condition')) && current.endIndex <= node.startIndex) {
      const consequence = current.childForFieldName('consequence');
      walk(consequence ?? current, (inner) => {
        if (inner.type === 'return_statement' || inner.type === 'raise_statement') found = true;
      });
      return false;
    }
    return undefined;
  });
  return found;
}

/** Local names assigned in the method from a training-dependent value or under a training test. */
function trainingDependentLocals(body: SyntaxNode): Set<string> {
  const names = new Set<string>();
  walk(body, (node) => {
    if (node.type === 'function_definition' || node.type === 'class_definition') return node.equals(body) ? undefined : false;
    if (node.type === 'assignment' || node.type === 'augmented_assignment') {
      const left = node.childForFieldName('left');
      if (left && (mentionsTraining(node.childForFieldName('right')) || guardedByAncestor(node, body))) {
        walk(left, (target) => {
          if (target.type === 'identifier' || target.type === 'attribute') names.add(target.text);
          return target.type === 'attribute' ? false : undefined;
        });
      }
    }
    return undefined;
  });
  return names;
}

function valueTiedToTraining(value: SyntaxNode | undefined, dependent: ReadonlySet<string>): boolean {
  if (!value) return false;
  if (mentionsTraining(value)) return true;
  let tied = false;
  walk(value, (node) => {
    if ((node.type === 'identifier' || node.type === 'attribute') && dependent.has(node.text)) tied = true;
    return node.type === 'attribute' ? !tied && undefined : undefined;
  });
  return tied;
}

function hasSplat(call: SyntaxNode): boolean {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).some((a) => a?.type === 'list_splat' || a?.type === 'dictionary_splat');
}

/** Text of `expr` safe to place before ` if ... else ...`. */
function asOperand(expr: SyntaxNode): string {
  return /^(?:identifier|attribute|integer|float|call|subscript|parenthesized_expression)$/.test(expr.type) ? expr.text : `(${expr.text})`;
}

function addTrainingFix(call: SyntaxNode, self: string, safe: boolean): Fix | undefined {
  const args = call.childForFieldName('arguments');
  const last = args?.namedChildren.filter((a) => a && a.type !== 'comment').at(-1);
  if (!args || !last) return undefined;
  const end = nodeRange(last).end;
  return {
    title: `Pass training=${self}.training`,
    safe,
    edits: [{ range: { start: end, end }, newText: `, training=${self}.training` }],
  };
}

function rateText(node: SyntaxNode | undefined, context: RuleContext, fallback: string): string {
  if (!node) return fallback;
  const value = evalNumber(node, context.constants);
  return value !== undefined ? formatRate(value) : node.text;
}

/**
 * The rate is a parameter of the helper and its callers decide it: the helper switches on it
 * (`if dropout_p > 0.0:` around the call), or every `self.helper(...)` call in the class passes a
 * value tied to the training flag (or 0). No call site found: not known to be decided by a caller.
 */
function rateDecidedByCallers(rateNode: SyntaxNode | undefined, call: SyntaxNode, method: SyntaxNode, methods: ReadonlyMap<string, SyntaxNode>, context: RuleContext): boolean {
  if (rateNode?.type !== 'identifier') return false;
  const params = parametersOf(method);
  const self = selfName(method);
  const param = params.find((p) => p.name === rateNode.text && p.name !== self);
  if (!param) return false;
  // `if dropout_p > 0:` / `if dropout_p:` around the call: the parameter is the switch its callers turn off.
  for (let current = call.parent; current && !current.equals(method); current = current.parent) {
    if (current.type !== 'if_statement' && current.type !== 'conditional_expression') continue;
    const condition = current.type === 'if_statement' ? current.childForFieldName('condition') : current.namedChildren[1];
    let mentions = false;
    if (condition) walk(condition, (node) => { if (node.type === 'identifier' && node.text === param.name) mentions = true; });
    if (mentions) return true;
  }
  const name = method.childForFieldName('name')?.text;
  if (!name) return false;
  let sites = 0;
  let allTied = true;
  for (const caller of methods.values()) {
    const callerSelf = selfName(caller);
    const body = caller.childForFieldName('body');
    if (!callerSelf || !body || caller.equals(method)) continue;
    let dependent: Set<string> | undefined;
    walk(body, (node) => {
      if (node.type === 'function_definition' || node.type === 'class_definition') return false;
      if (node.type !== 'call') return undefined;
      const callee = node.childForFieldName('function');
      if (callee?.type !== 'attribute' || callee.childForFieldName('object')?.text !== callerSelf || callee.childForFieldName('attribute')?.text !== name) return undefined;
      sites++;
      const position = param.position === undefined ? undefined : param.position - (self ? 1 : 0);
      const arg = callArgument(node, param.name, position);
      dependent ??= trainingDependentLocals(body);
      if (!arg || !(valueTiedToTraining(arg, dependent) || evalNumber(arg, context.constants) === 0)) allTied = false;
      return undefined;
    });
  }
  return sites > 0 && allTied;
}

function checkMethod(context: RuleContext, method: SyntaxNode, owner: string, keras: boolean, methods: ReadonlyMap<string, SyntaxNode>): void {
  const body = method.childForFieldName('body');
  if (!body) return;
  const methodName = method.childForFieldName('name')?.text ?? '';
  const self = selfName(method);
  let dependent: Set<string> | undefined;
  walk(body, (node) => {
    if (node.type === 'class_definition') return false;
    if (node.type !== 'call') return;
    const qualified = calleeName(node, context.imports);
    const api = qualified ? fromCatalog(qualified) : undefined;
    if (!api || hasSplat(node)) return;
    // TF1's tf.layers.dropout / tf.contrib.layers.dropout are judged in any function (checkTf1Switches).
    if (api.kind === 'tensorflow' && api.trainingKeyword) return;
    // Keras code cannot be tied by torch's flag and the reverse: only judge APIs of the class's framework.
    if (keras && api.kind !== 'tensorflow') return;
    const where = `${owner}.${methodName}`;
    const rateNode = callArgument(node, api.rateKeyword, api.ratePosition);
    if (api.trainingKeyword) {
      if (callArgument(node, api.trainingKeyword, api.trainingPosition)) return; // explicit: tied, or deliberately on
      if (api.defaultTraining === 'off') {
        context.report('DRP004', node.childForFieldName('function') ?? node,
          `${api.display}(p=${rateText(rateNode, context, '0.5')}) in ${where} never drops: its training argument defaults to False. Pass training=${self ?? 'self'}.training.`,
          { fixes: self ? [addTrainingFix(node, self, false)!].filter(Boolean) : [] });
        return;
      }
    }
    if (api.kind === 'attention' && (!rateNode || evalNumber(rateNode, context.constants) === 0)) return;
    if (guardedByAncestor(node, body) || earlyExitOnTraining(node, body)) return;
    dependent ??= trainingDependentLocals(body);
    if (valueTiedToTraining(rateNode, dependent)) return;
    if (rateNode && evalNumber(rateNode, context.constants) === 0) return;
    if (rateDecidedByCallers(rateNode, node, method, methods, context)) return;
    const rate = rateText(rateNode, context, '0.5');
    if (api.kind === 'attention') {
      const fixes: Fix[] = self && rateNode
        ? [{ title: `Guard dropout_p with ${self}.training`, safe: true, edits: [{ range: nodeRange(rateNode), newText: `${asOperand(rateNode)} if ${self}.training else 0.0` }] }]
        : [];
      const target = rateNode!.parent?.type === 'keyword_argument' ? rateNode!.parent : rateNode!;
      context.report('DRP004', target,
        `${api.display}(dropout_p=${rate}) in ${where} drops attention weights whenever dropout_p > 0, also after model.eval(). Pass dropout_p=${rate} if ${self ?? 'self'}.training else 0.0.`,
        { fixes });
      return;
    }
    if (api.kind === 'tensorflow') {
      const keep = rateNode ? undefined : callArgument(node, 'keep_prob');
      context.report('DRP004', node.childForFieldName('function') ?? node,
        `${api.display}(${keep ? `keep_prob=${keep.text}` : `rate=${rate}`}) in ${where} always drops, also at inference: it has no training flag. Apply it only when training (e.g. under \`if training:\`) or use a Dropout layer called with training=training.`);
      return;
    }
    const fix = self ? addTrainingFix(node, self, true) : undefined;
    context.report('DRP004', node.childForFieldName('function') ?? node,
      `${api.display}(p=${rate}) in ${where} is not tied to the training flag: the functional form defaults to training=True, so it keeps dropping after model.eval(). Pass training=${self ?? 'self'}.training.`,
      { fixes: fix ? [fix] : [] });
  });
}

/** The enclosing function's parameter that carries the training mode (`is_training`, `training`, `mode`). */
function trainingParameter(node: SyntaxNode): string | undefined {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const found = parametersOf(fn).find((p) => /^(?:is_training|training|is_train|train|mode|train_mode|training_mode|phase_train)$/.test(p.name));
    if (found) return found.name;
  }
  return undefined;
}

/** `training=<expr>` for a function's mode parameter (an Estimator `mode` is compared with TRAIN). */
function trainingExpression(parameter: string): string {
  return parameter === 'mode' ? 'mode == tf.estimator.ModeKeys.TRAIN' : parameter;
}

/**
 * TF1's functional dropouts have a switch with a default that bites outside a class too:
 * `tf.layers.dropout` defaults to training=False and never drops unless told; `tf.contrib.layers.dropout`
 * (slim) defaults to is_training=True and keeps dropping at inference when a model function that
 * receives the mode does not pass it on.
 */
function checkTf1Switches(context: RuleContext): void {
  for (const node of nodesOfType(context.root, 'call')) {
    const qualified = calleeName(node, context.imports);
    const api = qualified ? fromCatalog(qualified) : undefined;
    if (!api || api.kind !== 'tensorflow' || !api.trainingKeyword || hasSplat(node)) continue;
    if (callArgument(node, api.trainingKeyword, api.trainingPosition)) continue;
    const rateNode = callArgument(node, api.rateKeyword, api.ratePosition);
    const value = rateNode ? evalNumber(rateNode, context.constants) : undefined;
    const parameter = trainingParameter(node);
    const where = node.childForFieldName('function') ?? node;
    const fix = (): Fix[] => {
      const args = node.childForFieldName('arguments');
      const last = args?.namedChildren.filter((a) => a && a.type !== 'comment').at(-1);
      if (!parameter || !last) return [];
      const end = nodeRange(last).end;
      const text = `${api.trainingKeyword}=${trainingExpression(parameter)}`;
      return [{ title: `Pass ${text}`, safe: false, edits: [{ range: { start: end, end }, newText: `, ${text}` }] }];
    };
    if (api.defaultTraining === 'off') {
      if (value === 0) continue;
      const rate = rateText(rateNode, context, '0.5');
      context.report('DRP004', where,
        `${api.display}(rate=${rate}) never drops: its training argument defaults to False, so the model trains without dropout. Pass training=${parameter ? trainingExpression(parameter) : 'is_training'}.`,
        { fixes: fix() });
    } else if (parameter) {
      // keep_prob of 1 is a no-op dropout.
      if (value === 1) continue;
      context.report('DRP004', where,
        `${api.display}(${api.rateKeyword}=${rateNode?.text ?? '0.5'}) keeps dropping at inference: ${api.trainingKeyword} defaults to True and this function's \`${parameter}\` is not passed on. Pass ${api.trainingKeyword}=${trainingExpression(parameter)}.`,
        { fixes: fix() });
    }
  }
}

export const functionalDropoutIgnoresMode: Rule = {
  id: 'DRP004',
  check(context) {
    // Built only when a class without `forward` needs its bases looked up.
    let classes: Map<string, SyntaxNode> | undefined;
    for (const node of nodesOfType(context.root, 'class_definition')) {
      const methods = classMethods(node);
      const torch = methods.has('forward') || classDerivesFrom(node, context.imports, classes ??= classesByName(context.root), isTorchModuleBase);
      const keras = !torch && classDerivesFrom(node, context.imports, classes ??= classesByName(context.root), isKerasLayerBase);
      if (!torch && !keras) continue;
      const owner = node.childForFieldName('name')?.text ?? 'Model';
      for (const [name, method] of methods) {
        // Methods that only run while training (a loss, a Lightning/Keras training step) may drop unconditionally.
        if (!NOT_FORWARD.has(name) && !/train|loss|augment/i.test(name)) checkMethod(context, method, owner, keras, methods);
      }
    }
    checkTf1Switches(context);
  },
};
