import * as assert from 'assert';
import { gapRatio, generalizationGap, lossCurvesCsv, LOSS_CSV_COLUMNS } from '../../../src/extension/panels/lossCurvesCsv';

const m = (epoch: number, trainLoss: number, testLoss: number, trainAccuracy = 0.9, testAccuracy = 0.8) => ({ epoch, trainLoss, testLoss, trainAccuracy, testAccuracy });

describe('loss curves CSV export', () => {
  it('writes one row per epoch with the gaps and their ratio (hand computed)', () => {
    const csv = lossCurvesCsv({
      baseline: [m(1, 0.5, 1.0), m(2, 0.25, 1.5)],
      dropout: [m(1, 0.75, 1.0), m(2, 0.5, 0.75)],
    });
    const lines = csv.trimEnd().split('\n');
    assert.strictEqual(lines[0], LOSS_CSV_COLUMNS.join(','));
    // epoch 2: gaps 1.25 and 0.25, ratio 5.
    assert.strictEqual(lines[2], '2,0.25,1.5,0.5,0.75,1.25,0.25,5,0.9,0.8,0.9,0.8');
    assert.strictEqual(lines.length, 3);
  });

  it('keeps every digit so the file reproduces the engine numbers exactly', () => {
    const loss = 0.1 + 0.2; // 0.30000000000000004
    const csv = lossCurvesCsv({ baseline: [m(1, loss, Math.PI)], dropout: [] });
    const cells = csv.split('\n')[1].split(',');
    assert.strictEqual(Number(cells[1]), loss);
    assert.strictEqual(Number(cells[2]), Math.PI);
    assert.strictEqual(cells[3], '', 'a run that has not reached this epoch leaves its cells empty');
    assert.strictEqual(cells[7], '', 'no ratio without both runs');
  });

  it('leaves the ratio empty when the dropout gap is not positive', () => {
    assert.strictEqual(gapRatio(m(1, 0.1, 0.9), m(1, 0.5, 0.4)), undefined);
    assert.strictEqual(generalizationGap(m(1, 0.5, 0.4)), 0.4 - 0.5);
  });
});
