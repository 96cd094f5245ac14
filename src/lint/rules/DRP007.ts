// DRP007 heavy-dropout-with-batchnorm: a model (or block) that uses BatchNorm — directly or through
// a user block of the same file — also uses a dropout with a known rate above 0.2. BatchNorm already
// regularises, and strong dropout in the same network shifts the variance BatchNorm normalises
// (Li et al. 2019): rates around 0.1–0.2, or dropout only after the last BatchNorm, work better.
// Information only. Must not flag: rates ≤ 0.2; rates that are not statically known; models without
// BatchNorm (LayerNorm/GroupNorm do not count); a dropout that already follows the model's last
// BatchNorm (no BatchNorm, direct or inside a user block, is downstream of any of its applications:
// the rule's own advice is followed, e.g. dropout before the classifier of a BN CNN); recurrent/
// attention `dropout=` arguments; anything named BatchNorm or Dropout that is not the framework's.
import type { Rule } from '../rule';
import type { SyntaxNode } from '../parser';
import { classGraphsByName, getModelGraphs, isBatchNorm, type LayerDefinition, type LayerNode, type ModelGraph } from '../modelGraph';
import { describeLayer, findInModel, modelLabel, ReportedOnce } from '../model/ruleSupport';

const LIMIT = 0.2;

export const heavyDropoutWithBatchnorm: Rule = {
  id: 'DRP007',
  check(context) {
    const once = new ReportedOnce();
    const graphs = getModelGraphs(context);
    const file = new GraphsOfFile(graphs);
    for (const graph of graphs) {
      const found = findInModel(graph, graphs, isBatchNorm);
      if (!found) continue;
      const bn = found.layer;
      const bnText = `${bn.name ?? bn.display}${found.owner === graph ? '' : ` in ${found.owner.name}`}`;
      for (const dropout of graph.definitions) {
        const rate = dropout.dropout?.rate;
        if (dropout.kind !== 'dropout' || rate === undefined || rate <= LIMIT || rate >= 1) continue;
        if (followsLastBatchNorm(graph, file, dropout)) continue;
        if (!once.first('DRP007', dropout.node)) continue;
        context.report('DRP007', dropout.node,
          `${describeLayer(dropout)} is heavy for ${modelLabel(graph)}, which uses BatchNorm (${bnText}): with BatchNorm, rates above ${LIMIT} shift the variance it normalises and rarely help; try ${LIMIT} or less, or keep dropout after the last BatchNorm.`,
          { related: [{ range: bn.range, message: `${bnText} is a BatchNorm of this model` }] });
      }
    }
  },
};

/** The file's graphs with what this rule asks of them many times, computed once per lint. */
class GraphsOfFile {
  readonly blocks: ReadonlyMap<string, ModelGraph>;
  private users?: Map<string, { user: ModelGraph; uses: LayerNode[] }[]>;
  private readonly holdsBatchNorm = new Map<ModelGraph, boolean>();

  constructor(readonly all: readonly ModelGraph[]) {
    this.blocks = classGraphsByName(all);
  }

  /** The graphs that apply the user class `name`, with those applications, in file order. */
  usersOf(name: string): readonly { user: ModelGraph; uses: LayerNode[] }[] {
    if (!this.users) {
      this.users = new Map();
      for (const user of this.all) {
        const byClass = new Map<string, LayerNode[]>();
        for (const layer of user.layers) {
          if (!layer.userClass) continue;
          const uses = byClass.get(layer.userClass);
          if (uses) uses.push(layer);
          else byClass.set(layer.userClass, [layer]);
        }
        for (const [userClass, uses] of byClass) {
          const list = this.users.get(userClass);
          if (list) list.push({ user, uses });
          else this.users.set(userClass, [{ user, uses }]);
        }
      }
    }
    return this.users.get(name) ?? [];
  }

  /** Does the block contain a BatchNorm (directly or in its own blocks)? */
  hasBatchNorm(block: ModelGraph): boolean {
    let holds = this.holdsBatchNorm.get(block);
    if (holds === undefined) {
      holds = !!findInModel(block, this.all, isBatchNorm);
      this.holdsBatchNorm.set(block, holds);
    }
    return holds;
  }
}

/**
 * Is the dropout applied in the data flow, and is no BatchNorm (its own, or one inside a user block
 * applied later) downstream of any of its applications? Then it already sits after the model's last
 * BatchNorm. Unknown flow or a dropout that is never applied: not known to follow it.
 */
function followsLastBatchNorm(graph: ModelGraph, file: GraphsOfFile, dropout: LayerDefinition): boolean {
  if (!graph.flowKnown) return false;
  const applications = graph.layers.filter((layer) => layer.definition === dropout);
  if (applications.length === 0 || !noBatchNormAfter(graph, file, applications)) return false;
  // A block's last BatchNorm is not the model's: where the block is applied, later layers count too.
  return blockUsesEndWithoutBatchNorm(graph, file, new Set([graph]));
}

/** In every graph that applies `block` (a class graph), nothing downstream of those applications holds a BatchNorm. */
function blockUsesEndWithoutBatchNorm(block: ModelGraph, file: GraphsOfFile, seen: Set<ModelGraph>): boolean {
  if (block.kind !== 'module-class' && block.kind !== 'keras-subclass') return true;
  for (const { user, uses } of file.usersOf(block.name)) {
    if (seen.has(user)) continue;
    if (!user.flowKnown || !noBatchNormAfter(user, file, uses)) return false;
    seen.add(user);
    if (!blockUsesEndWithoutBatchNorm(user, file, seen)) return false;
  }
  return true;
}

function noBatchNormAfter(graph: ModelGraph, file: GraphsOfFile, applications: readonly LayerNode[]): boolean {
  const hasBatchNorm = (index: number): boolean => {
    const layer = graph.layers[index]!;
    if (isBatchNorm(layer)) return true;
    const block = layer.userClass ? file.blocks.get(layer.userClass) : undefined;
    // A user block we cannot see into might hold a BatchNorm.
    if (layer.kind === 'other' && layer.userClass && !block) return true;
    return !!block && block !== graph && file.hasBatchNorm(block);
  };
  const seen = new Set<number>();
  const queue = applications.flatMap((layer) => layer.outputs);
  while (queue.length) {
    const index = queue.pop()!;
    if (seen.has(index)) continue;
    seen.add(index);
    if (hasBatchNorm(index)) return false;
    queue.push(...graph.layers[index]!.outputs);
  }
  // `for conv in self.convs: x = drop(relu(conv(x)))`: the loop runs the body again on the dropped
  // value, so a BatchNorm earlier in the same body is downstream too (the flow shows one iteration).
  for (const application of applications) {
    const loop = application.callNode && unconditionalLoop(application.callNode);
    if (!loop) continue;
    const upstream = [...application.inputs];
    const visited = new Set<number>();
    while (upstream.length) {
      const index = upstream.pop()!;
      if (visited.has(index)) continue;
      visited.add(index);
      const layer = graph.layers[index]!;
      // Applied before the loop: not part of the repeated body. (Sequential children have no call node.)
      if (layer.callNode && (layer.callNode.startIndex < loop.startIndex || layer.callNode.endIndex > loop.endIndex)) continue;
      if (hasBatchNorm(index)) return false;
      upstream.push(...layer.inputs);
    }
  }
  return true;
}

/** The loop whose body applies `call` on every iteration (not under an `if` or a conditional expression inside it). */
function unconditionalLoop(call: SyntaxNode): SyntaxNode | undefined {
  for (let node = call.parent; node; node = node.parent) {
    switch (node.type) {
      case 'for_statement': case 'while_statement': return node;
      case 'if_statement': case 'conditional_expression': case 'try_statement': case 'boolean_operator':
      case 'function_definition': case 'lambda': case 'class_definition':
        return undefined;
      default: break;
    }
  }
  return undefined;
}
