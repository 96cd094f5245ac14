// Hovers on dropout calls and dropout layers: the variant, the rate, what happens in training and
// in evaluation, and the finding on that call if there is one. Works on the construction
// (`nn.Dropout(0.5)`), on functional calls (`F.dropout(x, 0.3)`) and, through the model graph, on
// the application of a dropout module (`self.drop(x)` in forward). In a notebook cell the whole
// notebook is analysed, so a module defined in another cell is found.
import { MarkupKind, type Hover } from 'vscode-languageserver';
import { DROPOUT_APIS, DROPOUT_KEYWORD_APIS, type DropoutApi } from '../../lint/frameworks';
import { buildModelGraphs } from '../../lint/modelGraph';
import type { SyntaxNode } from '../../lint/parser';
import { evalNumber, resolveName } from '../../lint/resolve';
import { ruleMeta } from '../../lint/ruleTable';
import { callArgument, keywordArgument, nodeRange } from '../../lint/syntax';
import type { Range } from '../../lint/types';
import { cellLines, type Analysis } from '../analysis';
import type { ServerContext } from '../context';
import { rangesIntersect, toLspRange } from '../convert';
import { defaultRate, describeDropoutCall, type DropoutCallFacts } from '../dropoutDescription';
import { checkPosition, documentUri } from './params';

/** The dropout API a call node invokes, including `dropout=` of recurrent/attention layers. */
function dropoutApiOf(call: SyntaxNode, analysis: Analysis): DropoutApi | undefined {
  const name = resolveName(call.childForFieldName('function'), analysis.imports);
  if (!name) return undefined;
  const api = DROPOUT_APIS.get(name);
  if (api) return api;
  const display = DROPOUT_KEYWORD_APIS.get(name);
  if (!display || !keywordArgument(call, 'dropout')) return undefined;
  const variant = /Attention/.test(name) ? 'attention' : /LSTM|GRU|RNN/.test(name) ? 'recurrent' : 'standard';
  return { framework: name.startsWith('torch.') ? 'torch' : 'keras', variant, style: 'module', rateKeyword: 'dropout', display };
}

function factsOf(call: SyntaxNode, api: DropoutApi, analysis: Analysis): DropoutCallFacts {
  const rateNode = callArgument(call, api.rateKeyword, api.style === 'module' && api.rateKeyword === 'dropout' ? undefined : api.ratePosition);
  const rate = rateNode ? evalNumber(rateNode, analysis.constants) : defaultRate(api);
  const trainingNode = api.style === 'functional' && api.framework === 'torch' ? callArgument(call, 'training', 2) : undefined;
  return { api, rate, rateIsDefault: !rateNode, trainingText: trainingNode?.text };
}

function contains(node: SyntaxNode, line: number, column: number): boolean {
  const { start, end } = nodeRange(node);
  if (line < start.line || line > end.line) return false;
  if (line === start.line && column < start.column) return false;
  if (line === end.line && column > end.column) return false;
  return true;
}

/** The innermost call around the position whose callee is a dropout API. */
function dropoutCallAt(analysis: Analysis, line: number, column: number): { call: SyntaxNode; api: DropoutApi } | undefined {
  let node: SyntaxNode | null = analysis.root.descendantForPosition({ row: line, column });
  for (; node; node = node.parent) {
    if (node.type !== 'call') continue;
    const api = dropoutApiOf(node, analysis);
    if (api) return { call: node, api };
  }
  return undefined;
}

/** Could the position be on `self.drop(x)`-like code: inside a call of something no import names? */
function mayApplyModule(analysis: Analysis, line: number, column: number): boolean {
  for (let node: SyntaxNode | null = analysis.root.descendantForPosition({ row: line, column }); node; node = node.parent) {
    if (node.type === 'call' && !resolveName(node.childForFieldName('function'), analysis.imports)) return true;
  }
  return false;
}

/** `self.drop(x)` in forward: the dropout module definition it applies (from the model graph). */
function appliedDropoutAt(analysis: Analysis, line: number, column: number): { call: SyntaxNode; definition: SyntaxNode } | undefined {
  // Building the model graphs is the expensive part: skip it for hovers that cannot be on an application.
  if (!mayApplyModule(analysis, line, column)) return undefined;
  for (const graph of buildModelGraphs(analysis.root, analysis.imports, analysis.constants)) {
    for (const layer of graph.layers) {
      if (layer.kind !== 'dropout' || !layer.callNode || layer.callNode.type !== 'call') continue;
      if (layer.definition.node === layer.callNode) continue;
      if (contains(layer.callNode, line, column)) return { call: layer.callNode, definition: layer.definition.node };
    }
  }
  return undefined;
}

/** The hover's lines and range (in the document's or cell's own lines), or undefined. */
export function dropoutHover(analysis: Analysis, cell: number | undefined, line: number, column: number): { lines: string[]; range: Range } | undefined {
  const first = cellLines(analysis, cell).start;
  const at = line + first;
  const direct = dropoutCallAt(analysis, at, column);
  const applied = direct ? undefined : appliedDropoutAt(analysis, at, column);
  const call = direct?.call ?? (applied && applied.definition.type === 'call' ? applied.definition : undefined);
  if (!call) return undefined;
  const api = direct?.api ?? dropoutApiOf(call, analysis);
  if (!api) return undefined;
  const lines = describeDropoutCall(factsOf(call, api, analysis));
  if (applied) {
    const definitionLine = nodeRange(call).start.line;
    const span = analysis.notebook?.cells.find((s) => definitionLine >= s.startLine && definitionLine < s.startLine + s.lineCount);
    const where = span ? `cell ${span.cell + 1}, line ${definitionLine - span.startLine + 1}` : `line ${definitionLine + 1}`;
    lines.push('', `Applies the dropout module defined at ${where}.`);
  }
  const shown = nodeRange(direct?.call ?? applied!.call);
  return {
    lines,
    range: { start: { line: shown.start.line - first, column: shown.start.column }, end: { line: shown.end.line - first, column: shown.end.column } },
  };
}

export function registerHoverHandlers(ctx: ServerContext): void {
  ctx.connection.onHover(async (params): Promise<Hover | null> => {
    const uri = documentUri('textDocument/hover', params);
    checkPosition('textDocument/hover', params);
    const target = ctx.store.targetFor(uri);
    if (!target) return null;
    await ctx.load();
    const analysis = ctx.analyses.analyze(target);
    if (!analysis) return null;
    const cell = target.kind === 'notebook' ? target.cells.findIndex((c) => c.uri === uri) : undefined;
    const hover = dropoutHover(analysis, cell, params.position.line, params.position.character);
    if (!hover) return null;
    const findings = ctx.currentResult(target)?.byUri.get(uri)?.filter((f) => rangesIntersect(f.range, hover.range)) ?? [];
    const parts = [hover.lines.join('\n')];
    for (const finding of findings) parts.push(`**${finding.rule}** ${ruleMeta(finding.rule).name} (${finding.severity}): ${finding.message}`);
    return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') }, range: toLspRange(hover.range) };
  });
}
