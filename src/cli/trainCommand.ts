// `dropout-lab train --dropout P --epochs N --seed S [--json]`: trains the overfitting demo's MLP on
// the shipped MNIST subset with dropout P (on the input and after every hidden layer; P = 0 is the
// baseline) and prints per-epoch metrics. The same arguments always print the same bytes.
import { ConfigError, resolveConfig, type EpochMetrics, type OverfittingConfig } from '../engine/protocol';
import { trainOverfittingRun } from '../engine/experiments/overfitting';
import { parseArgs } from './args';
import { UsageError } from './errors';

const VALUED = ['dropout', 'input-dropout', 'epochs', 'seed', 'hidden', 'train-size', 'test-size', 'batch-size', 'learning-rate'];

function parseNumber(name: string, text: string, integer: boolean): number {
  const pattern = integer ? /^\d+$/ : /^(\d+\.?\d*|\.\d+)(e-?\d+)?$/i;
  if (!pattern.test(text.trim())) throw new UsageError(`--${name} must be ${integer ? 'a non-negative integer' : 'a number'}, got '${text}'`);
  return Number(text);
}

/** Reads the options into an overfitting config with a single 'dropout' run. */
export function trainConfigFromArgs(argv: string[]): { config: OverfittingConfig; json: boolean } {
  const { positional, options } = parseArgs(argv, VALUED, ['json']);
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const config: OverfittingConfig = { experiment: 'overfitting', runs: ['dropout'] };
  const get = (name: string): string | undefined => {
    const value = options.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const numeric: [string, keyof OverfittingConfig, boolean][] = [
    ['dropout', 'dropout', false], ['input-dropout', 'inputDropout', false], ['epochs', 'epochs', true],
    ['seed', 'seed', true], ['train-size', 'trainSize', true], ['test-size', 'testSize', true],
    ['batch-size', 'batchSize', true], ['learning-rate', 'learningRate', false],
  ];
  for (const [flag, key, integer] of numeric) {
    const text = get(flag);
    if (text !== undefined) (config as unknown as Record<string, number>)[key] = parseNumber(flag, text, integer);
  }
  const hidden = get('hidden');
  if (hidden !== undefined) {
    config.hiddenSizes = hidden.split(',').map((part) => parseNumber('hidden', part, true));
  }
  try {
    resolveConfig(config);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  return { config, json: options.get('json') === true };
}

const pad = (text: string, width: number) => text.padStart(width);
const percent = (x: number) => `${(100 * x).toFixed(1)} %`;

export const TRAIN_USAGE = `Usage: dropout-lab train [--dropout P] [--epochs N] [--seed S] [--json]
  --dropout P          drop rate on the input and after every hidden layer, 0 <= P < 1 (default 0.5; 0 = no dropout)
  --input-dropout R    drop rate on the input pixels only (default: P)
  --epochs N           training epochs, 1..1000 (default 50)
  --seed S             integer seed, 0..4294967295 (default 1); the same seed prints the same bytes
  --hidden A,B,...     hidden layer widths (default 256,256)
  --train-size N       training digits (default 500), --test-size N test digits (default 1000)
  --batch-size N       mini-batch size (default 32), --learning-rate LR SGD step (default 0.01, momentum 0.9)
  --json               print {config, epochs: [{epoch, trainLoss, testLoss, trainAccuracy, testAccuracy}]}
Train metrics are running averages over each epoch in training mode; test metrics are measured after it.`;

export async function runTrain(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${TRAIN_USAGE}\n`);
    return 0;
  }
  const { config, json } = trainConfigFromArgs(argv);
  const resolved = resolveConfig(config);
  const settings = {
    seed: resolved.seed, epochs: resolved.epochs, dropout: resolved.dropout, inputDropout: resolved.inputDropout,
    hiddenSizes: resolved.hiddenSizes, trainSize: resolved.trainSize, testSize: resolved.testSize,
    batchSize: resolved.batchSize, learningRate: resolved.learningRate, momentum: resolved.momentum,
  };
  const out = process.stdout;
  if (!json) {
    out.write(`Training 784-${settings.hiddenSizes.join('-')}-10 on ${settings.trainSize} MNIST digits (test ${settings.testSize}), `
      + `dropout ${settings.dropout} (input ${settings.inputDropout}), seed ${settings.seed}\n`);
    out.write(`${pad('epoch', 5)}  ${pad('train loss', 10)}  ${pad('test loss', 9)}  ${pad('gap', 7)}  ${pad('train acc', 9)}  ${pad('test acc', 8)}\n`);
  }
  const epochs: EpochMetrics[] = await trainOverfittingRun(settings, (m) => {
    if (json) return;
    out.write(`${pad(String(m.epoch), 5)}  ${pad(m.trainLoss.toFixed(4), 10)}  ${pad(m.testLoss.toFixed(4), 9)}  `
      + `${pad((m.testLoss - m.trainLoss).toFixed(4), 7)}  ${pad(percent(m.trainAccuracy), 9)}  ${pad(percent(m.testAccuracy), 8)}\n`);
  });
  if (json) {
    out.write(`${JSON.stringify({ config: settings, epochs }, null, 2)}\n`);
  } else {
    const last = epochs[epochs.length - 1];
    out.write(`Generalization gap after epoch ${last.epoch} (test loss − train loss): ${(last.testLoss - last.trainLoss).toFixed(4)}\n`);
    out.write('Train metrics are running averages over the epoch in training mode; test metrics are measured after it with dropout off.\n');
  }
  return 0;
}
