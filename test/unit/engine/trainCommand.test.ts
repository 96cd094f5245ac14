import * as assert from 'assert';
import { runTrain, trainConfigFromArgs } from '../../../src/cli/trainCommand';
import { UsageError } from '../../../src/cli/errors';

async function capture(argv: string[]): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await runTrain(argv);
    return { code, text: chunks.join('') };
  } finally {
    process.stdout.write = original;
  }
}

const SMALL = ['--epochs', '2', '--hidden', '32', '--train-size', '100', '--test-size', '100'];

describe('dropout-lab train', () => {
  it('--json prints {config, epochs} and the same seed prints the same bytes', async function () {
    this.timeout(120000);
    const first = await capture(['--dropout', '0.5', '--seed', '3', '--json', ...SMALL]);
    const second = await capture(['--dropout', '0.5', '--seed', '3', '--json', ...SMALL]);
    assert.strictEqual(first.code, 0);
    assert.strictEqual(first.text, second.text);
    const parsed = JSON.parse(first.text) as { config: Record<string, unknown>; epochs: Record<string, number>[] };
    assert.strictEqual(parsed.config.dropout, 0.5);
    assert.strictEqual(parsed.config.seed, 3);
    assert.deepStrictEqual(parsed.config.hiddenSizes, [32]);
    assert.strictEqual(parsed.epochs.length, 2);
    assert.deepStrictEqual(Object.keys(parsed.epochs[0]), ['epoch', 'trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy']);
    const other = await capture(['--dropout', '0.5', '--seed', '4', '--json', ...SMALL]);
    assert.notStrictEqual(other.text, first.text);
  });

  it('prints a readable table by default', async function () {
    this.timeout(120000);
    const { code, text } = await capture(['--dropout', '0', '--seed', '1', ...SMALL]);
    assert.strictEqual(code, 0);
    const lines = text.trimEnd().split('\n');
    assert.match(lines[0], /^Training 784-32-10 on 100 MNIST digits \(test 100\), dropout 0 \(input 0\), seed 1$/);
    assert.match(lines[1], /epoch\s+train loss\s+test loss\s+gap\s+train acc\s+test acc/);
    assert.match(lines[2], /^\s+1\s+\d+\.\d{4}\s+\d+\.\d{4}\s+-?\d+\.\d{4}\s+\d+\.\d %\s+\d+\.\d %$/);
    assert.match(lines[4], /^Generalization gap after epoch 2/);
  });

  it('--help explains every option and exits 0', async () => {
    const { code, text } = await capture(['--help']);
    assert.strictEqual(code, 0);
    for (const flag of ['--dropout', '--input-dropout', '--epochs', '--seed', '--hidden', '--train-size', '--test-size', '--batch-size', '--learning-rate', '--json']) {
      assert.ok(text.includes(flag), flag);
    }
  });

  it('rejects bad arguments with a UsageError (exit code 2 in main)', () => {
    const bad: [string[], RegExp][] = [
      [['--dropout', '1'], /dropout must be a number in \[0, 1\)/],
      [['--dropout', 'abc'], /--dropout must be a number, got 'abc'/],
      [['--dropout', '-0.5'], /--dropout must be a number/],
      [['--epochs', '0'], /epochs must be an integer in \[1, 1000\]/],
      [['--epochs', '2.5'], /--epochs must be a non-negative integer/],
      [['--seed', '99999999999'], /seed must be an integer/],
      [['--hidden', '32,,8'], /--hidden must be a non-negative integer/],
      [['--frobnicate'], /unknown option '--frobnicate'/],
      [['extra'], /unexpected argument 'extra'/],
      [['--epochs'], /--epochs needs a value/],
    ];
    for (const [argv, message] of bad) {
      assert.throws(() => trainConfigFromArgs(argv), (error: unknown) => error instanceof UsageError && message.test(error.message), argv.join(' '));
    }
    assert.deepStrictEqual(trainConfigFromArgs(['--dropout', '.25', '--epochs=7']).config, {
      experiment: 'overfitting', runs: ['dropout'], dropout: 0.25, epochs: 7,
    });
  });
});
