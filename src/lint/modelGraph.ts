// The model graph: for every model in a file (PyTorch nn.Module subclasses, standalone
// nn.Sequential, Keras Sequential / functional / subclassed models) its layers in data-flow order,
// each with its kind (dense, conv, pooling, batchnorm, activation, dropout variant and rate, ...),
// literal sizes, the syntax it came from, and the edges of the data flow between them.
//
// Stable API (other rules and the extension build on it):
//   getModelGraphs(context)            -> ModelGraph[]   cached once per linted tree
//   buildModelGraphs(root, imports, constants) -> ModelGraph[]   uncached
//   modelContains(graph, predicate, all)   does this model (or a user block it uses) contain X?
//   upstream / downstream helpers to walk the data flow.
//
// Graphs are built afresh for every lint and shared by its rules: treat them as read-only.
//
// Names resolve through imports only: a user class called `Dropout` is not a dropout, and a user
// nn.Module subclass used as a layer is kind 'other' (with `userClass` naming it).
import type { SyntaxNode } from './parser';
import { TreeData } from './snapshot';
import type { ImportTable } from './resolve';
import { buildAllModels } from './model/builder';
import type { LayerDefinition, ModelGraph } from './model/graphTypes';

export type {
  ModelFramework, ModelKind, LayerKind, ActivationKind, DropoutInfo, LayerDefinition, LayerNode, ModelGraph, UnusedDropout,
} from './model/graphTypes';

/** Builds the graphs of every model in a tree (uncached). */
export function buildModelGraphs(root: SyntaxNode, imports: ImportTable, constants: ReadonlyMap<string, number>): ModelGraph[] {
  return buildAllModels(root, imports, constants);
}

interface GraphSource {
  readonly root: SyntaxNode;
  readonly imports: ImportTable;
  readonly constants: ReadonlyMap<string, number>;
}

const graphsOfTree = new TreeData<ModelGraph[]>();

/** The graphs of the linted tree, built once per lint (rules share them). */
export function getModelGraphs(context: GraphSource): ModelGraph[] {
  return graphsOfTree.get(context.root, () => buildModelGraphs(context.root, context.imports, context.constants));
}

/** Where a graph list keeps its class graphs by name (on the list itself, so it goes with it). */
const BY_NAME = Symbol('classGraphsByName');
type GraphList = readonly ModelGraph[] & { [BY_NAME]?: ReadonlyMap<string, ModelGraph> };

/**
 * The class graphs (module-class, keras-subclass) of `all` by class name, built once per graph
 * list. A file's class names are unique here (the builder keeps the first class of a name).
 */
export function classGraphsByName(all: readonly ModelGraph[]): ReadonlyMap<string, ModelGraph> {
  const list = all as GraphList;
  let byName = list[BY_NAME];
  if (!byName) {
    const map = new Map<string, ModelGraph>();
    for (const g of all) if ((g.kind === 'module-class' || g.kind === 'keras-subclass') && !map.has(g.name)) map.set(g.name, g);
    // Frozen lists (a test's literal) get no memo: the map is made again.
    if (Object.isExtensible(list)) Object.defineProperty(list, BY_NAME, { value: map });
    byName = map;
  }
  return byName;
}

/**
 * Does the model contain a layer matching `predicate`, directly or inside a user-defined block
 * class of the same file (followed transitively)?
 */
export function modelContains(graph: ModelGraph, predicate: (layer: LayerDefinition) => boolean, all: readonly ModelGraph[]): LayerDefinition | undefined {
  const byName = classGraphsByName(all);
  const seen = new Set<ModelGraph>();
  const stack = [graph];
  while (stack.length) {
    const current = stack.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    const hit = current.definitions.find(predicate);
    if (hit) return hit;
    for (const name of current.usesClasses) {
      const used = byName.get(name);
      if (used) stack.push(used);
    }
  }
  return undefined;
}

export const isDropout = (layer: LayerDefinition): boolean => layer.kind === 'dropout';
export const isBatchNorm = (layer: LayerDefinition): boolean => layer.kind === 'batchnorm';

/** Layers that only pass values through for structural rules: activations, reshapes, identity. */
export function isPassThrough(layer: LayerDefinition): boolean {
  return layer.kind === 'activation' || layer.kind === 'reshape' || layer.kind === 'identity' || layer.kind === 'flatten';
}
