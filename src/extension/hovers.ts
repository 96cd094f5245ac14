// Hovers on dropout calls and dropout layers: the variant, the rate, what happens in training and
// in evaluation, and the finding on that call if there is one. Works on the construction
// (`nn.Dropout(0.5)`), on functional calls (`F.dropout(x, 0.3)`) and, through the model graph, on the
// application of a dropout module (`self.drop(x)` in forward).
import * as vscode from 'vscode';
import { ruleMeta } from '../lint';
import { DROPOUT_APIS, DROPOUT_KEYWORD_APIS, type DropoutApi } from '../lint/frameworks';
import { buildModelGraphs } from '../lint/modelGraph';
import type { SyntaxNode } from '../lint/parser';
import { evalNumber, resolveName } from '../lint/resolve';
import { callArgument, keywordArgument, nodeRange } from '../lint/syntax';
import type { DiagnosticsController } from './diagnostics';
import { defaultRate, describeDropoutCall, type DropoutCallFacts } from '../server/dropoutDescription';
import type { Analysis, LintEngine } from './lintEngine';
import { toRange } from './diagnostics';
import { cellContext, cellLines } from './notebookCells';

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

export class DropoutHoverProvider implements vscode.HoverProvider {
  constructor(private readonly engine: LintEngine, private readonly diagnostics: DiagnosticsController) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    await this.engine.ready();
    const { input, index, key } = cellContext(document);
    const hover = this.engine.analyze(input, (analysis) => {
      const first = cellLines(analysis, index).start;
      const line = position.line + first;
      const direct = dropoutCallAt(analysis, line, position.character);
      const applied = direct ? undefined : appliedDropoutAt(analysis, line, position.character);
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
      const shown = direct?.call ?? applied!.call;
      const range = nodeRange(shown);
      return {
        lines,
        range: new vscode.Range(range.start.line - first, range.start.column, range.end.line - first, range.end.column),
      };
    }, key);
    if (!hover) return undefined;
    const markdown = new vscode.MarkdownString(hover.lines.join('\n'));
    const findings = this.diagnostics.resultFor(document)?.findings.filter((f) => toRange(f.range).intersection(hover.range)) ?? [];
    for (const finding of findings) {
      markdown.appendMarkdown(`\n\n---\n\n$(warning) **${finding.rule}** ${ruleMeta(finding.rule).name}: ${finding.message}`);
    }
    markdown.supportThemeIcons = true;
    return new vscode.Hover(markdown, hover.range);
  }
}
