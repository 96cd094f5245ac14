// Hand-made dropout masks (`torch.rand_like(x) > p`, `torch.bernoulli(...)`, `np.random.binomial(...)`)
// multiplied into activations, and how each product is scaled. Shared by DRP009 (unscaled or
// wrongly scaled masks) and DRP018 (masks applied without a training guard).
import type { RuleContext } from '../rule';
import type { SyntaxNode } from '../parser';
import { resolveName } from '../resolve';
import { nodesOfType, positionalArguments, walk } from '../syntax';
const UNIFORM_FUNCTIONS = new Set([
  'torch.rand', 'torch.rand_like', 'numpy.random.rand', 'numpy.random.random', 'numpy.random.random_sample',
  'numpy.random.uniform', 'tensorflow.random.uniform', 'keras.random.uniform', 'jax.random.uniform',
]);
const BERNOULLI_FUNCTIONS = new Set(['torch.bernoulli', 'tensorflow.random.stateless_binomial']);
const CASTS = new Set(['expand_as', 'expand', 'float', 'double', 'half', 'bfloat16', 'to', 'type', 'type_as', 'astype', 'int', 'long', 'bool', 'cuda', 'detach']);

interface Mask {
  /** The expression creating the mask. */
  node: SyntaxNode;
  /** Text of the keep probability, when it can be written down. */
  keep?: string;
  /** Text of the drop rate, when the mask is written in terms of it (`rand_like(x) > p`). */
  rate?: string;
  /** Dotted names the threshold / probability mentions (`p`, `self.p`, `keep_prob`). */
  rateNames: string[];
  /** Does the mask have a per-element shape (not `(B, 1)` per sample)? */
  elementwise: boolean;
  /** Do names around it say dropout? */
  named: boolean;
  /** Text of the shape / probability arguments, to tell whether the mask follows an activation's shape. */
  shapeText: string;
}

function stripParens(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildren[0]) current = current.namedChildren[0];
  return current;
}

/** Removes `.float()`, `.to(dtype)`, `.astype(...)` wrappers. */
export function stripCasts(node: SyntaxNode): SyntaxNode {
  let current = stripParens(node);
  for (;;) {
    if (current.type !== 'call') return current;
    const callee = current.childForFieldName('function');
    // `tf.cast(mask, dtype)` / `K.cast(...)`: the first argument.
    if (callee && /(?:^|\.)cast$/.test(callee.text) && positionalArguments(current)[0]) {
      current = stripParens(positionalArguments(current)[0]);
      continue;
    }
    if (callee?.type !== 'attribute' || !CASTS.has(callee.childForFieldName('attribute')?.text ?? '')) return current;
    current = stripParens(callee.childForFieldName('object')!);
  }
}

function namesIn(node: SyntaxNode | undefined, exclude?: SyntaxNode): string[] {
  const names: string[] = [];
  if (!node) return names;
  walk(node, (n) => {
    if (exclude && n.equals(exclude)) return false;
    if (n.type === 'attribute' || n.type === 'identifier') {
      names.push(n.text);
      return false;
    }
    return undefined;
  });
  return names;
}

/** `X` of a `1 - X` expression, else undefined. */
function oneMinusOperand(node: SyntaxNode): string | undefined {
  const inner = stripParens(node);
  if (inner.type !== 'binary_operator' || inner.childForFieldName('operator')?.text !== '-') return undefined;
  if (inner.childForFieldName('left')?.text !== '1' && inner.childForFieldName('left')?.text !== '1.0') return undefined;
  return inner.childForFieldName('right')?.text;
}

export function keepOperand(keep: string): string {
  return /^[\w.]+$/.test(keep) ? keep : `(${keep})`;
}

export function operand(text: string, node: SyntaxNode): string {
  return /^(?:identifier|attribute|integer|float|call|subscript|parenthesized_expression)$/.test(node.type) ? text : `(${text})`;
}

/** Shape arguments with a literal 1 (per-sample / per-channel masks) or nothing element-wise. */
function shapeIsElementwise(call: SyntaxNode): boolean {
  const name = call.childForFieldName('function')?.text.split('.').pop() ?? '';
  // `rand_like(x)`, `full_like(x, q)`, `x.new_empty(x.shape)`: the activation's own shape.
  if (/_like$/.test(name)) return true;
  const args = positionalArguments(call);
  const dims = /full$/.test(name) ? args.slice(0, 1) : args;
  const isOne = (n: SyntaxNode | null): boolean => n?.type === 'integer' && n.text === '1';
  return !dims.some((d) => isOne(d) || ((d.type === 'tuple' || d.type === 'list') && d.namedChildren.some(isOne)));
}

function isUniformCall(call: SyntaxNode, context: RuleContext): boolean {
  const callee = call.childForFieldName('function');
  const qualified = resolveName(callee, context.imports);
  if (qualified && UNIFORM_FUNCTIONS.has(qualified)) return true;
  if (callee?.type === 'attribute') {
    const method = callee.childForFieldName('attribute')?.text;
    if (method === 'uniform_') return true;
    const receiver = callee.childForFieldName('object')?.text ?? '';
    if ((method === 'random' || method === 'uniform' || method === 'rand') && /(?:^|\.)(?:rng|random_state|generator|np_random)$/i.test(receiver)) return true;
  }
  return false;
}

const DROP_WORDS = /drop|keep/i;

/** Recognises a mask-creating expression (after stripping casts). */
function maskOf(expr: SyntaxNode, context: RuleContext): Mask | undefined {
  const node = stripCasts(expr);
  if (node.type === 'comparison_operator') {
    const operands = node.namedChildren.filter((c): c is SyntaxNode => !!c);
    const operator = node.children.find((c) => c && !c.isNamed && /^[<>]=?$/.test(c.type))?.type;
    if (operands.length !== 2 || !operator) return undefined;
    const [left, right] = operands.map(stripCasts);
    const leftRandom = left!.type === 'call' && isUniformCall(left!, context);
    const rightRandom = right!.type === 'call' && isUniformCall(right!, context);
    if (leftRandom === rightRandom) return undefined;
    const random = leftRandom ? left! : right!;
    const threshold = leftRandom ? operands[1]! : operands[0]!;
    // `u < t` keeps with probability t; `u > t` keeps with probability 1 - t.
    const keepsBelow = leftRandom ? operator.startsWith('<') : operator.startsWith('>');
    const keep = keepsBelow ? threshold.text : `1 - ${operand(threshold.text, threshold)}`;
    const rate = keepsBelow ? oneMinusOperand(threshold) : threshold.text;
    const rateNames = namesIn(threshold);
    return { node, keep, rate, rateNames, elementwise: shapeIsElementwise(random), named: rateNames.some((n) => DROP_WORDS.test(n)), shapeText: random.childForFieldName('arguments')?.text ?? '' };
  }
  if (node.type !== 'call') return undefined;
  const callee = node.childForFieldName('function');
  const qualified = resolveName(callee, context.imports);
  const args = positionalArguments(node);
  if (qualified && BERNOULLI_FUNCTIONS.has(qualified)) {
    const probability = args[0];
    if (!probability) return undefined;
    const inner = stripParens(probability);
    // torch.bernoulli(torch.full_like(x, q)) / torch.bernoulli(q * torch.ones_like(x)): keep probability q.
    let keep: string | undefined;
    let elementwise = true;
    let rateNames = namesIn(probability);
    if (inner.type === 'call') {
      const innerName = resolveName(inner.childForFieldName('function'), context.imports) ?? inner.childForFieldName('function')?.text ?? '';
      const innerArgs = positionalArguments(inner);
      if (/full(?:_like)?$/.test(innerName) && innerArgs.length >= 2) {
        keep = innerArgs.at(-1)!.text;
        rateNames = namesIn(innerArgs.at(-1));
      }
      elementwise = shapeIsElementwise(inner);
    }
    return { node, keep, rate: keep !== undefined ? oneMinusOperand(stripParens(inner.type === 'call' ? positionalArguments(inner).at(-1) ?? inner : inner)) : undefined, rateNames, elementwise, named: rateNames.some((n) => DROP_WORDS.test(n)), shapeText: probability.text };
  }
  if (qualified === 'numpy.random.binomial' || (callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'binomial' && /rng|random/i.test(callee.childForFieldName('object')?.text ?? ''))) {
    if (args[0]?.text !== '1' || !args[1]) return undefined;
    const rateNames = namesIn(args[1]);
    const size = args[2] ?? node.childForFieldName('arguments')?.namedChildren.find((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'size');
    const literalOne = size ? /(?:^|[(,\s])1\s*[,)]/.test(size.text) : false;
    return { node, keep: args[1].text, rate: oneMinusOperand(args[1]), rateNames, elementwise: !literalOne, named: rateNames.some((n) => DROP_WORDS.test(n)), shapeText: size?.text ?? '' };
  }
  if (callee?.type === 'attribute' && /^bernoulli_?$/.test(callee.childForFieldName('attribute')?.text ?? '') && args[0]) {
    const receiver = stripParens(callee.childForFieldName('object')!);
    const rateNames = namesIn(args[0]);
    return { node, keep: args[0].text, rate: oneMinusOperand(args[0]), rateNames, elementwise: receiver.type !== 'call' || shapeIsElementwise(receiver), named: rateNames.some((n) => DROP_WORDS.test(n)), shapeText: receiver.text };
  }
  return undefined;
}

/** Scopes analysed independently: each function body, and module-level code. */
function scopes(root: SyntaxNode): SyntaxNode[] {
  return [root, ...nodesOfType(root, 'function_definition')];
}

/** Walks a scope without entering nested function definitions. */
function walkScope(scope: SyntaxNode, visit: (node: SyntaxNode) => void): void {
  walk(scope, (node) => {
    if (node !== scope && (node.type === 'function_definition' || node.type === 'lambda')) return false;
    visit(node);
    return undefined;
  });
}

function methodName(call: SyntaxNode): string | undefined {
  const callee = call.childForFieldName('function');
  return callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
}

/** Is the product (or a call on it) part of a larger multiplicative expression, i.e. scaled in place? */
function scaledInPlace(product: SyntaxNode): boolean {
  let current: SyntaxNode = product;
  for (let parent = current.parent; parent; current = parent, parent = parent.parent) {
    if (parent.type === 'parenthesized_expression') continue;
    if (parent.type === 'binary_operator') {
      const op = parent.childForFieldName('operator')?.text;
      return op === '*' || op === '/' || op === '@';
    }
    if (parent.type === 'attribute' && parent.parent?.type === 'call') {
      return /^(?:div_?|mul_?|true_divide|__truediv__)$/.test(parent.childForFieldName('attribute')?.text ?? '');
    }
    return false;
  }
  return false;
}

/** A file-level multiplicative use of any of `names` outside the mask creation: test-time scaling. */
function fileScalesBy(root: SyntaxNode, names: readonly string[], mask: SyntaxNode, product: SyntaxNode): boolean {
  if (names.length === 0) return false;
  const wanted = new Set(names);
  let found = false;
  walk(root, (node) => {
    if (found) return false;
    if (node.equals(mask) || node.equals(product)) return false;
    const multiplicative = (node.type === 'binary_operator' && /^[*/]$/.test(node.childForFieldName('operator')?.text ?? ''))
      || (node.type === 'augmented_assignment' && /^[*/]=$/.test(node.childForFieldName('operator')?.text ?? ''))
      || (node.type === 'call' && /^(?:div_?|mul_?|true_divide|multiply|divide)$/.test(methodName(node) ?? node.childForFieldName('function')?.text.split('.').pop() ?? ''));
    if (multiplicative && namesIn(node, mask).some((n) => wanted.has(n))) found = true;
    return undefined;
  });
  return found;
}

/** Every mask source has one of these names; scopes without them are skipped without walking. */
const MASK_SOURCE = /\b(?:rand|rand_like|random|random_sample|uniform_?|bernoulli_?|binomial)\s*\(/;

/** A hand-made dropout mask multiplied into activations, and how (or whether) it is scaled. */
export interface ManualDropout {
  product: SyntaxNode;
  /** The mask's creating expression. */
  maskNode: SyntaxNode;
  mask: Mask;
  variable?: string;
  /** The activation it multiplies. */
  activation: SyntaxNode;
  inPlace: boolean;
  scope: SyntaxNode;
  scopeName: string;
  /** `ok`: divided/multiplied by something else or rescaled later; `none`: unscaled; `wrong`: scaled by the rate or multiplied by keep. */
  scaling: 'ok' | 'none' | 'wrong';
  /** For `wrong`: the factor and what it does. */
  wrongFactor?: { node: SyntaxNode; operator: string; why: string };
}

/** Every hand-made dropout mask product in the file (DRP009 judges the scaling, DRP018 the training guard). */
export function manualDropouts(context: RuleContext): ManualDropout[] {
  const found: ManualDropout[] = [];
  if (!MASK_SOURCE.test(context.source)) return found;
  {
    for (const scope of scopes(context.root)) {
      if (scope.type === 'function_definition' && !MASK_SOURCE.test(scope.text)) continue;
      const scopeName = scope.type === 'function_definition' ? scope.childForFieldName('name')?.text ?? '' : '';
      // Pass 1: mask variables (and whether they are rescaled later).
      const masks = new Map<string, Mask>();
      const rescaled = new Set<string>();
      walkScope(scope, (node) => {
        if (node.type === 'assignment') {
          const left = node.childForFieldName('left');
          const right = node.childForFieldName('right');
          if (!left || !right || (left.type !== 'identifier' && left.type !== 'attribute')) return;
          const mask = maskOf(right, context);
          if (mask) {
            masks.set(left.text, { ...mask, named: mask.named || DROP_WORDS.test(left.text) || DROP_WORDS.test(scopeName) });
            return;
          }
          const stripped = stripCasts(right);
          // `mask = u.bernoulli_(q) / q`: a mask scaled where it is made.
          if (stripped.type === 'binary_operator' && /^[*/]$/.test(stripped.childForFieldName('operator')?.text ?? '')) {
            const scaledMask = maskOf(stripped.childForFieldName('left')!, context);
            if (scaledMask) {
              masks.set(left.text, { ...scaledMask, named: scaledMask.named || DROP_WORDS.test(left.text) || DROP_WORDS.test(scopeName) });
              rescaled.add(left.text);
              return;
            }
          }
          if (masks.has(left.text) && stripped.type === 'binary_operator' && /^[*/]$/.test(stripped.childForFieldName('operator')?.text ?? '') && namesIn(stripped).includes(left.text)) {
            rescaled.add(left.text);
          }
          if ((stripped.type === 'identifier' || stripped.type === 'attribute') && masks.has(stripped.text) && !masks.has(left.text)) {
            masks.set(left.text, masks.get(stripped.text)!);
          }
        } else if (node.type === 'augmented_assignment' && /^[*/]=$/.test(node.childForFieldName('operator')?.text ?? '')) {
          const left = node.childForFieldName('left')?.text;
          if (left) rescaled.add(left);
        } else if (node.type === 'call' && /^(?:div_|mul_)$/.test(methodName(node) ?? '')) {
          const receiver = node.childForFieldName('function')?.childForFieldName('object')?.text;
          if (receiver) rescaled.add(receiver);
        }
      });
      // Pass 2: products with a mask.
      walkScope(scope, (node) => {
        let product: SyntaxNode | undefined;
        let maskNode: SyntaxNode | undefined;
        let other: SyntaxNode | undefined;
        let inPlace = false;
        if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '*') {
          const left = node.childForFieldName('left')!;
          const right = node.childForFieldName('right')!;
          product = node;
          [maskNode, other] = isMaskOperand(right) ? [right, left] : isMaskOperand(left) ? [left, right] : [undefined, undefined];
        } else if (node.type === 'augmented_assignment' && node.childForFieldName('operator')?.text === '*=') {
          const right = node.childForFieldName('right')!;
          if (isMaskOperand(right)) {
            product = node;
            maskNode = right;
            other = node.childForFieldName('left')!;
            inPlace = true;
          }
        } else if (node.type === 'call' && /^mul_?$/.test(methodName(node) ?? '')) {
          const arg = positionalArguments(node)[0];
          if (arg && isMaskOperand(arg)) {
            product = node;
            maskNode = arg;
            other = node.childForFieldName('function')!.childForFieldName('object')!;
          }
        }
        if (!product || !maskNode || !other) return;
        const stripped = stripCasts(maskNode);
        const variable = stripped.type === 'identifier' || stripped.type === 'attribute' ? stripped.text : undefined;
        const mask = variable ? masks.get(variable) : maskOf(maskNode, context);
        if (!mask) return;
        // Per-sample / per-channel masks are a different technique; element-wise masks must either
        // follow the activation's shape or be named as dropout.
        if (!mask.elementwise) {
          // Per-sample / shared-over-time masks: not judged for scaling, but still a dropout for DRP018.
          found.push({ product, maskNode: mask.node, mask, variable, activation: other, inPlace, scope, scopeName, scaling: 'ok' });
          return;
        }
        const named = mask.named || DROP_WORDS.test(scopeName);
        const activation = stripParens(other).text;
        const followsShape = /^[\w.]+$/.test(activation) && new RegExp(`(?:^|[^\\w.])${activation.replace(/\./g, '\\.')}(?![\\w])`).test(mask.shapeText);
        // An unnamed mask of the activation's shape is dropout in a model's forward/call, or when its
        // threshold is a probability-like name; elsewhere (augmentation, noise) no scaling is a choice.
        // Outside a model's forward/call or a *drop* function, a literal threshold is augmentation or
        // noise, and the mask must be named as dropout or use a probability-like rate name.
        const dropScope = scopeName === 'forward' || scopeName === 'call' || DROP_WORDS.test(scopeName);
        const probabilityName = mask.rateNames.some((n) => /^(?:self\.)?(?:p|prob|probability|rate|retain\w*|q)$/.test(n));
        if (dropScope) {
          if (!named && !followsShape) return;
        } else if (mask.rateNames.length === 0 || !(mask.named || (followsShape && probabilityName))) {
          return;
        }
        // A mask blended with a fill (`x * m + noise * (1 - m)`) is not a dropout mask at all.
        if (variable && blendedWithFill(product, variable)) return;
        const record: ManualDropout = { product, maskNode: mask.node, mask, variable, activation: other, inPlace, scope, scopeName, scaling: 'ok' };
        found.push(record);
        const factor = inPlace ? undefined : scaleFactor(product);
        if (factor) {
          const wrong = wrongScale(factor, mask);
          if (wrong) {
            record.scaling = 'wrong';
            record.wrongFactor = { node: factor.node, operator: factor.operator, why: wrong };
          }
          return;
        }
        if (variable && rescaled.has(variable)) return;
        if (!inPlace && scaledInPlace(product)) return;
        // The product's result rescaled afterwards (`out = x * m` ... `out /= keep`).
        const assigned = product.parent?.type === 'assignment' ? product.parent.childForFieldName('left')?.text : inPlace ? other.text : undefined;
        if (assigned && rescaledAfter(scope, assigned, product)) return;
        if (fileScalesBy(context.root, mask.rateNames, mask.node, product)) return;
        record.scaling = 'none';
      });
      function isMaskOperand(node: SyntaxNode): boolean {
        const stripped = stripCasts(node);
        if ((stripped.type === 'identifier' || stripped.type === 'attribute') && masks.has(stripped.text)) return true;
        return stripped.type === 'comparison_operator' || stripped.type === 'call' ? maskOf(node, context) !== undefined : false;
      }
    }
  }
  return found;
}

/** The factor a product is multiplied or divided by right away (`x * m * F`, `(x * m) / F`). */
function scaleFactor(product: SyntaxNode): { node: SyntaxNode; operator: string } | undefined {
  let current: SyntaxNode = product;
  let parent = current.parent;
  while (parent?.type === 'parenthesized_expression') {
    current = parent;
    parent = parent.parent;
  }
  if (parent?.type !== 'binary_operator') return undefined;
  const operator = parent.childForFieldName('operator')?.text ?? '';
  if (operator !== '*' && operator !== '/') return undefined;
  const left = parent.childForFieldName('left');
  const right = parent.childForFieldName('right');
  if (!left || !right || !left.equals(current)) return undefined;
  return { node: right, operator };
}

/** Why a factor is the wrong scale for this mask, or undefined when it is not known to be wrong. */
function wrongScale(factor: { node: SyntaxNode; operator: string }, mask: Mask): string | undefined {
  const text = stripParens(factor.node).text.replace(/\s+/g, ' ');
  const same = (other: string | undefined): boolean => other !== undefined && stripParensText(other) === text;
  const dropNamed = (factor.node.type === 'identifier' || factor.node.type === 'attribute') && /drop(?!out_?keep)|dropped/i.test(text) && !/keep|retain/i.test(text);
  if (factor.operator === '*' && (same(mask.rate) || dropNamed)) return 'multiplies by the drop rate';
  if (factor.operator === '*' && same(mask.keep)) return 'multiplies by the keep probability at train time';
  if (factor.operator === '/' && (same(mask.rate) || dropNamed)) return 'divides by the drop rate instead of the keep probability';
  return undefined;
}

function stripParensText(text: string): string {
  let current = text.trim().replace(/\s+/g, ' ');
  while (/^\(.*\)$/.test(current)) current = current.slice(1, -1).trim();
  return current;
}

/** `x *= mask` followed by `x /= keep` / `x = x / keep` / `x.div_(keep)` later in the scope. */
function rescaledAfter(scope: SyntaxNode, name: string, after: SyntaxNode): boolean {
  let found = false;
  walkScope(scope, (node) => {
    if (found || node.startIndex <= after.endIndex) return;
    if (node.type === 'augmented_assignment' && node.childForFieldName('left')?.text === name && /^[*/]=$/.test(node.childForFieldName('operator')?.text ?? '')) found = true;
    if (node.type === 'assignment' && node.childForFieldName('left')?.text === name) {
      const right = node.childForFieldName('right');
      if (right?.type === 'binary_operator' && /^[*/]$/.test(right.childForFieldName('operator')?.text ?? '') && namesIn(right).includes(name)) found = true;
    }
    if (node.type === 'call' && /^(?:div_|mul_)$/.test(methodName(node) ?? '') && node.childForFieldName('function')?.childForFieldName('object')?.text === name) found = true;
  });
  return found;
}

/** `x * m + fill * (1 - m)` (or `- ...`): the masked-out units get another value; the mask name appears in the other term. */
function blendedWithFill(product: SyntaxNode, mask: string): boolean {
  let current = product;
  while (current.parent?.type === 'parenthesized_expression') current = current.parent;
  const parent = current.parent;
  if (parent?.type !== 'binary_operator' || !/^[+-]$/.test(parent.childForFieldName('operator')?.text ?? '')) return false;
  const other = parent.childForFieldName('left')?.equals(current) ? parent.childForFieldName('right') : parent.childForFieldName('left');
  return !!other && namesIn(other).includes(mask);
}
