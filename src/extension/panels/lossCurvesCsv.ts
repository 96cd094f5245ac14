// CSV export of the Loss Curves panel: the engine's per-epoch numbers, written with full precision
// (JavaScript's shortest round-trip form) so the file reproduces them exactly. Pure.
import type { EpochMetrics } from '../../engine/protocol';
import type { LossCurves } from './protocol/lossCurves';

export const LOSS_CSV_COLUMNS = [
  'epoch',
  'train_loss_no_dropout', 'test_loss_no_dropout',
  'train_loss_dropout', 'test_loss_dropout',
  'gap_no_dropout', 'gap_dropout', 'gap_ratio',
  'train_accuracy_no_dropout', 'test_accuracy_no_dropout',
  'train_accuracy_dropout', 'test_accuracy_dropout',
] as const;

/** Generalization gap: test loss − train loss. */
export function generalizationGap(m: EpochMetrics): number {
  return m.testLoss - m.trainLoss;
}

/** No-dropout gap ÷ dropout gap; undefined when either is missing or the dropout gap is not positive. */
export function gapRatio(baseline: EpochMetrics | undefined, dropout: EpochMetrics | undefined): number | undefined {
  if (!baseline || !dropout) return undefined;
  const denominator = generalizationGap(dropout);
  return denominator > 0 ? generalizationGap(baseline) / denominator : undefined;
}

function cell(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '' : String(value);
}

export function lossCurvesCsv(curves: LossCurves): string {
  const rows: string[] = [LOSS_CSV_COLUMNS.join(',')];
  const epochs = Math.max(curves.baseline.length, curves.dropout.length);
  for (let e = 0; e < epochs; e++) {
    const b = curves.baseline[e];
    const d = curves.dropout[e];
    rows.push([
      e + 1,
      cell(b?.trainLoss), cell(b?.testLoss),
      cell(d?.trainLoss), cell(d?.testLoss),
      cell(b && generalizationGap(b)), cell(d && generalizationGap(d)), cell(gapRatio(b, d)),
      cell(b?.trainAccuracy), cell(b?.testAccuracy),
      cell(d?.trainAccuracy), cell(d?.testAccuracy),
    ].join(','));
  }
  return rows.join('\n') + '\n';
}
