import * as assert from 'assert';
import { runExperiment } from '../../../src/engine/experiments';
import type { EpochMetrics, OverfittingResult, RunName } from '../../../src/engine/protocol';
import { lossCurvesCsv } from '../../../src/extension/panels/lossCurvesCsv';
import { parseEpochMetrics } from '../../../src/extension/panels/protocol/lossCurves';

describe('loss curves CSV vs the engine', function () {
  this.timeout(120000);

  it('reproduces every number of a real overfitting run, streamed and final alike', async () => {
    const streamed: Record<RunName, EpochMetrics[]> = { baseline: [], dropout: [] };
    const result = (await runExperiment(
      { experiment: 'overfitting', seed: 3, epochs: 3, dropout: 0.5, hiddenSizes: [16], trainSize: 60, testSize: 40, batchSize: 20 },
      { onProgress: (p) => { if (p.epoch) streamed[p.epoch.run].push(p.epoch.metrics); } },
    )) as OverfittingResult;
    const final = Object.fromEntries(result.runs.map((r) => [r.run, r.epochs])) as Record<RunName, EpochMetrics[]>;
    // What the panel streams is what the result holds (the host keeps the streamed copy for export).
    assert.deepStrictEqual(streamed, final);
    // Every streamed epoch passes the webview validator unchanged.
    for (const m of [...streamed.baseline, ...streamed.dropout]) assert.deepStrictEqual(parseEpochMetrics(m), m);

    const rows = lossCurvesCsv(streamed).trim().split('\n').slice(1).map((line) => line.split(','));
    assert.strictEqual(rows.length, 3);
    rows.forEach((row, e) => {
      const b = final.baseline[e];
      const d = final.dropout[e];
      const dropoutGap = d.testLoss - d.trainLoss;
      const expected = [
        e + 1, b.trainLoss, b.testLoss, d.trainLoss, d.testLoss,
        b.testLoss - b.trainLoss, dropoutGap, dropoutGap > 0 ? (b.testLoss - b.trainLoss) / dropoutGap : undefined,
        b.trainAccuracy, b.testAccuracy, d.trainAccuracy, d.testAccuracy,
      ];
      // Parsing each cell back gives the engine's double exactly (no rounding on export).
      assert.deepStrictEqual(row.map((cell) => (cell === '' ? undefined : Number(cell))), expected, `epoch ${e + 1}`);
    });
    // The final gap the engine reports is the last row's gap.
    assert.strictEqual(Number(rows[2][5]), result.runs[0].finalGap);
  });
});
