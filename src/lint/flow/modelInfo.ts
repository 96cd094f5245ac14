// What a receiver key in the mode flow is: which model it was built from and whether that model
// has layers whose behaviour differs between train and eval mode (dropout, BatchNorm).
import { DROPOUT_APIS, DROPOUT_KEYWORD_APIS } from '../frameworks';
import type { RuleContext } from '../rule';
import { getModelGraphs, isBatchNorm, isDropout, modelContains, type ModelGraph } from '../modelGraph';
import { isModelLikeName, type Scope, type ModeFlow, type ResolvedMode } from '../modeFlow';
import type { SyntaxNode } from '../parser';
import * as path from 'path';
import { calleeName, dottedName, evalNumber } from '../resolve';
import { keywordArgument, nodesOfType, walk } from '../syntax';
import { modeSwitch } from '../project/summary';
import type { ModelFacts } from '../project';
import { classDerivesFrom, classMethods, parametersOf } from './pySyntax';

export interface ModelDescription {
  /** What the model is: `Net`, `nn.Sequential`, `torchvision resnet18`. */
  model: string;
  /** The mode-dependent layer, for the message: `nn.Dropout(p=0.5)`, `nn.BatchNorm2d`. */
  layer: string;
  /** The construction of the model, when known. */
  origin?: SyntaxNode;
}


function describeLayer(graph: ModelGraph, all: readonly ModelGraph[]): string | undefined {
  const dropout = modelContains(graph, isDropout, all);
  if (dropout) {
    const rate = dropout.dropout?.rate;
    return `${dropout.display}${rate !== undefined ? `(p=${rate})` : ''}`;
  }
  const norm = modelContains(graph, isBatchNorm, all);
  return norm?.display;
}

/** torch layers that carry dropout themselves (Transformer layers default to 0.1, RNNs when dropout > 0). */
function builtinModeLayer(call: SyntaxNode, context: RuleContext): string | undefined {
  const qualified = calleeName(call, context.imports);
  if (!qualified) return undefined;
  if (/^torchvision\.models\./.test(qualified) || qualified === 'timm.create_model') return 'BatchNorm/dropout layers';
  // Hugging Face transformers models carry dropout (hidden/attention dropout) almost without exception.
  if (/^transformers\..*\.from_pretrained$/.test(qualified)) return 'dropout';
  const api = DROPOUT_APIS.get(qualified);
  if (api?.framework === 'torch' && api.style === 'module') return api.display;
  if (/^torch\.nn\.(?:BatchNorm[123]d|SyncBatchNorm)$/.test(qualified)) return qualified.replace(/^torch\./, '');
  if (/^torch\.nn\.(?:Transformer|TransformerEncoderLayer|TransformerDecoderLayer|TransformerEncoder|TransformerDecoder)$/.test(qualified)) {
    const rate = evalNumber(keywordArgument(call, 'dropout'), context.constants);
    return rate === 0 ? undefined : `${qualified.replace(/^torch\./, '')} (dropout ${rate ?? 0.1})`;
  }
  const display = DROPOUT_KEYWORD_APIS.get(qualified);
  if (display && qualified.startsWith('torch.')) {
    const rate = evalNumber(keywordArgument(call, 'dropout'), context.constants);
    return rate !== undefined && rate > 0 ? `${display}(dropout=${rate})` : undefined;
  }
  return undefined;
}

export class ModelCatalog {
  private readonly graphs: ModelGraph[];
  private readonly byClass = new Map<string, ModelGraph>();
  private fileModel: ModelDescription | null | undefined;

  constructor(private readonly context: RuleContext, private readonly flow: ModeFlow) {
    this.graphs = getModelGraphs(context);
    for (const g of this.graphs) if (g.framework === 'torch' && g.kind === 'module-class') this.byClass.set(g.name, g);
  }

  /** The model a constructor call builds, if it has dropout or BatchNorm. */
  describeOrigin(origin: SyntaxNode, scope?: Scope, depth = 0): ModelDescription | undefined {
    const callee = origin.childForFieldName('function');
    if (callee?.type === 'identifier' && !this.context.imports.lookup(callee.text)) {
      const graph = this.byClass.get(callee.text);
      const layer = graph ? describeLayer(graph, this.graphs) : undefined;
      if (layer) return { model: callee.text, layer, origin };
      // `build_model()`: a function of this file; the model is what it constructs and returns.
      if (!graph && depth <= 2) {
        const built = this.builderReturn(callee.text);
        const described = built ? this.describeOrigin(built, undefined, depth + 1) : undefined;
        // Else a class or builder of another module imported relatively, or a local class with a project base.
        return described ?? (depth === 0 ? this.describeFromProject(origin) : undefined);
      }
      // A wrapper built from submodules passed in: `Seq2Seq(encoder, decoder)`.
      if (!graph || depth > 2) return undefined;
      for (const arg of origin.childForFieldName('arguments')?.namedChildren ?? []) {
        const value = arg?.type === 'keyword_argument' ? arg.childForFieldName('value') : arg;
        if (!value) continue;
        const inner = value.type === 'call' ? value : value.type === 'identifier' && scope ? this.originOf(scope, value.text) : undefined;
        const described = inner ? this.describeOrigin(inner, scope, depth + 1) : undefined;
        if (described) return { model: callee.text, layer: `${described.layer} in ${described.model}`, origin };
      }
      return undefined;
    }
    const qualified = calleeName(origin, this.context.imports);
    if (qualified === 'torch.nn.Sequential' || qualified === 'torch.nn.ModuleList') {
      const graph = this.graphs.find((g) => g.framework === 'torch' && g.kind === 'sequential'
        && g.node.startIndex <= origin.startIndex && origin.endIndex <= g.node.endIndex);
      const layer = graph ? describeLayer(graph, this.graphs) : undefined;
      return layer ? { model: 'nn.Sequential', layer, origin } : undefined;
    }
    const builtin = builtinModeLayer(origin, this.context);
    const model = qualified?.endsWith('.from_pretrained') ? `${qualified.split('.').at(-2)!}.from_pretrained` : qualified?.split('.').pop() ?? 'model';
    return builtin ? { model, layer: builtin, origin } : this.describeFromProject(origin);
  }

  /** The constructor call a module-level function `name` returns (directly or through a local it assigns), if any. */
  private builderReturn(name: string): SyntaxNode | undefined {
    const fn = this.context.root.namedChildren
      .map((n) => (n?.type === 'decorated_definition' ? n.childForFieldName('definition') : n))
      .find((n) => n?.type === 'function_definition' && n.childForFieldName('name')?.text === name);
    const body = fn?.childForFieldName('body');
    if (!body) return undefined;
    const assigned = new Map<string, SyntaxNode>();
    let found: SyntaxNode | undefined;
    walk(body, (node) => {
      if (found || node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') return false;
      if (node.type === 'assignment' && node.childForFieldName('left')?.type === 'identifier' && node.childForFieldName('right')?.type === 'call') {
        assigned.set(node.childForFieldName('left')!.text, node.childForFieldName('right')!);
      } else if (node.type === 'return_statement') {
        const value = node.namedChildren[0];
        found = value?.type === 'call' ? value : value?.type === 'identifier' ? assigned.get(value.text) : undefined;
      }
      return undefined;
    });
    return found;
  }

  /**
   * A model handed in by callers elsewhere in the project: `self.model` assigned from an
   * `__init__` parameter (`Trainer(Net(), ...)`), or a parameter of a module-level function
   * (`evaluate(build_model(cfg), loader)`).
   */
  private describeInjected(candidates: ReadonlyArray<{ scope: Scope; key: string }>): ModelDescription | undefined {
    const project = this.context.project;
    if (!project) return undefined;
    for (const { scope, key } of candidates) {
      const [root, attribute, ...rest] = key.split('.');
      let facts: ModelFacts | undefined;
      const selfName = scope.params[0]?.name;
      if (scope.cls && attribute && rest.length === 0 && root === selfName) {
        const className = scope.cls.childForFieldName('name')?.text;
        const init = classMethods(scope.cls).get('__init__');
        const param = init && className ? initParameterStoredAs(init, attribute) : undefined;
        if (param) facts = project.passedModel({ cls: className }, param);
      } else if (!scope.cls && scope.node.type === 'function_definition' && isModuleLevel(scope.node) && !attribute && scope.params.some((p) => p.name === root)) {
        facts = project.passedModel({ fn: scope.name }, root!);
      }
      const layer = facts ? facts.dropout ?? facts.batchNorm : undefined;
      if (facts && layer) {
        const where = facts.file ? ` from ${path.basename(facts.file)}` : '';
        return { model: `${facts.model}${where}, passed in by a caller`, layer: `${layer.display}${layer.owner !== facts.model ? ` in ${layer.owner}` : ''}` };
      }
    }
    return undefined;
  }

  /** A model class or builder of another module of the project, or a library factory the table knows. */
  private describeFromProject(origin: SyntaxNode): ModelDescription | undefined {
    const dotted = this.context.project ? dottedName(origin.childForFieldName('function')) : undefined;
    const facts = dotted ? this.context.project!.built(dotted) : undefined;
    if (!facts || facts.framework !== 'torch') return undefined;
    const layer = facts.dropout ?? facts.batchNorm;
    if (!layer) return undefined;
    const where = facts.file ? ` (${path.basename(facts.file)})` : '';
    const owner = layer.owner !== facts.model ? ` in ${layer.owner}` : '';
    return { model: `${facts.model}${where}`, layer: `${layer.display}${owner}`, origin };
  }

  /**
   * The code's own evidence: it calls both `.train()` and `.eval()` on this receiver (or on the key
   * it was resolved to), so it treats it as a model whose mode matters, whatever its type (an
   * injected model, one from a module we cannot read).
   */
  describeByEvidence(keys: readonly string[]): ModelDescription | undefined {
    if (!this.switchedBothWays) {
      const modes = new Map<string, Set<string>>();
      for (const call of nodesOfType(this.context.root, 'call')) {
        const switched = modeSwitch(call);
        if (!switched || switched.mode === 'unknown') continue;
        let set = modes.get(switched.receiver);
        if (!set) modes.set(switched.receiver, set = new Set());
        set.add(switched.mode);
      }
      this.switchedBothWays = new Set([...modes].filter(([, set]) => set.size === 2).map(([receiver]) => receiver));
    }
    for (const candidate of keys) {
      if (this.switchedBothWays.has(candidate)) {
        return { model: 'a model this code switches between train() and eval()', layer: 'train/eval-dependent layers' };
      }
    }
    return undefined;
  }

  private switchedBothWays: Set<string> | undefined;

  /** A torch model defined in this file that has dropout or BatchNorm (the file's "own" model). */
  fileDefinedModel(): ModelDescription | undefined {
    if (this.fileModel === undefined) {
      this.fileModel = null;
      // Prefer complete models over building blocks they use.
      const ordered = [...this.graphs.filter((g) => g.isTopLevel), ...this.graphs.filter((g) => !g.isTopLevel)];
      for (const graph of ordered) {
        if (graph.framework !== 'torch') continue;
        const layer = describeLayer(graph, this.graphs);
        if (layer) {
          this.fileModel = { model: `probably ${graph.name}`, layer };
          break;
        }
      }
    }
    return this.fileModel ?? undefined;
  }

  /** The construction behind `key` as seen from `scope` (locals, globals, `self.` attributes of the class). */
  originOf(scope: Scope, key: string): SyntaxNode | undefined {
    const local = scope.origins.get(key);
    if (local) return local;
    if (key.startsWith('self.') && scope.cls) {
      for (const other of this.flow.methodScopes(scope.cls)) {
        const found = other.origins.get(key);
        if (found) return found;
      }
    }
    return this.flow.module.origins.get(key);
  }

  /**
   * Describes the model behind a model call: through the constructions reached on its resolved
   * paths, else — for a model-like name in a file that defines a dropout/BatchNorm model — that model.
   */
  describe(scope: Scope, key: string, paths: readonly ResolvedMode[]): ModelDescription | undefined {
    let sawOrigin = false;
    for (const candidate of [{ scope, key }, ...paths]) {
      const origin = this.originOf(candidate.scope, candidate.key);
      if (!origin) continue;
      sawOrigin = true;
      const described = this.describeOrigin(origin, candidate.scope);
      if (described) return described;
    }
    if (sawOrigin) return undefined;
    const injected = this.describeInjected([{ scope, key }, ...paths]);
    if (injected) return injected;
    if (!isModelLikeName(key)) return undefined;
    return this.fileDefinedModel();
  }
}

/** Does the file use PyTorch at all? */
export function importsTorch(context: RuleContext): boolean {
  for (const [, qualified] of context.imports.entries()) if (qualified === 'torch' || qualified.startsWith('torch.')) return true;
  return nodesOfType(context.root, 'import_statement').some((n) => /\btorch\b/.test(n.text));
}

function isModuleLevel(fn: SyntaxNode): boolean {
  const parent = fn.parent?.type === 'decorated_definition' ? fn.parent.parent : fn.parent;
  return parent?.type === 'module';
}

/** The `__init__` parameter stored as `self.<attribute> = <parameter>`, if any. */
function initParameterStoredAs(init: SyntaxNode, attribute: string): string | undefined {
  const params = new Set(parametersOf(init).map((p) => p.name));
  let found: string | undefined;
  for (const assignment of nodesOfType(init, 'assignment')) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'attribute' || left.childForFieldName('attribute')?.text !== attribute) continue;
    if (right?.type === 'identifier' && params.has(right.text)) found = right.text;
  }
  return found;
}

const isFrameworkBase = (q: string): boolean => /^(?:pytorch_lightning|lightning)\b/.test(q) || /^transformers\.(?:\w+\.)*\w*Trainer$/.test(q) || /^accelerate\./.test(q);

/** Framework-managed code: Lightning modules / steps, Hugging Face Trainer subclasses. */
export function isFrameworkManaged(scope: Scope, context: RuleContext, classes: ReadonlyMap<string, SyntaxNode>): boolean {
  if (/^(?:training|validation|test|predict)_step$|^on_(?:validation|test|predict)_/.test(scope.name)) return true;
  if (!scope.cls) return false;
  return classDerivesFrom(scope.cls, context.imports, classes, isFrameworkBase);
}
