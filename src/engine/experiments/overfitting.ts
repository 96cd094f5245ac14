// 'overfitting': the same MLP trained on a few hundred MNIST digits without and with dropout; the
// per-epoch curves show the generalization gap (test loss − training loss) opening up without
// dropout. Training metrics are the epoch's running averages over its mini-batches in training mode
// (dropout on), the way Keras' `loss`/`accuracy` and the usual training-loop logs report them; test
// metrics are measured after the epoch in eval mode.
import { loadMnistSubset, MNIST_CLASSES, MNIST_PIXELS, splitDigits } from '../data/mnist';
import type { EpochMetrics, OverfittingConfig, OverfittingResult, Resolved, RunCurve, RunName } from '../protocol';
import { ClassifierTrainer, evaluateClassifier, type LabelledSet } from '../trainer';
import { checkpoint, type RunOptions } from './common';

export interface OverfittingRunSettings {
  seed: number;
  epochs: number;
  dropout: number;
  inputDropout: number;
  hiddenSizes: number[];
  trainSize: number;
  testSize: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
}

/** Trains one run, calling onEpoch after every epoch (await it to yield / cancel). */
export async function trainOverfittingRun(
  settings: OverfittingRunSettings, onEpoch: (metrics: EpochMetrics) => Promise<void> | void,
  data?: { train: LabelledSet; test: LabelledSet },
): Promise<EpochMetrics[]> {
  const { train, test } = data ?? splitDigits(loadMnistSubset(), settings.trainSize, settings.testSize, settings.seed);
  const trainer = new ClassifierTrainer({
    inputSize: MNIST_PIXELS, classes: MNIST_CLASSES, hiddenSizes: settings.hiddenSizes,
    dropout: settings.dropout, inputDropout: settings.inputDropout, batchSize: settings.batchSize,
    optimizer: { kind: 'sgd', learningRate: settings.learningRate, momentum: settings.momentum }, seed: settings.seed,
  }, train);
  const epochs: EpochMetrics[] = [];
  for (let e = 1; e <= settings.epochs; e++) {
    const running = trainer.runEpoch();
    const evaluation = evaluateClassifier(trainer.network, test);
    const metrics: EpochMetrics = {
      epoch: e,
      trainLoss: running.loss,
      testLoss: evaluation.loss,
      trainAccuracy: running.accuracy,
      testAccuracy: evaluation.accuracy,
    };
    epochs.push(metrics);
    await onEpoch(metrics);
  }
  return epochs;
}

export async function runOverfitting(config: Resolved<OverfittingConfig>, options: RunOptions = {}): Promise<OverfittingResult> {
  const data = splitDigits(loadMnistSubset(), config.trainSize, config.testSize, config.seed);
  const curves: RunCurve[] = [];
  const totalEpochs = config.epochs * config.runs.length;
  for (const [index, run] of config.runs.entries()) {
    const dropout = run === 'dropout' ? config.dropout : 0;
    const inputDropout = run === 'dropout' ? config.inputDropout : 0;
    const epochs = await trainOverfittingRun({ ...config, dropout, inputDropout }, async (metrics) => {
      options.onProgress?.({
        fraction: (index * config.epochs + metrics.epoch) / totalEpochs,
        label: `${runLabel(run)}: epoch ${metrics.epoch}/${config.epochs}`,
        epoch: { run, metrics },
      });
      await checkpoint('overfitting', options);
    }, data);
    const last = epochs[epochs.length - 1];
    curves.push({ run, dropout, inputDropout, epochs, finalGap: last.testLoss - last.trainLoss });
  }
  const baseline = curves.find((c) => c.run === 'baseline');
  const withDropout = curves.find((c) => c.run === 'dropout');
  return {
    experiment: 'overfitting',
    config,
    runs: curves,
    // A dropout run whose test loss ends below its (noisy, training-mode) loss has no meaningful ratio.
    gapRatio: baseline && withDropout && withDropout.finalGap > 0 ? baseline.finalGap / withDropout.finalGap : null,
  };
}

function runLabel(run: RunName): string {
  return run === 'baseline' ? 'without dropout' : 'with dropout';
}
