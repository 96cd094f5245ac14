import * as assert from 'assert';
import {
  bitArray, boundedString, clampInt, clampNumber, finiteNumbers, messageType, numberArray, oneOf,
} from '../../../src/extension/panels/protocol/validate';

describe('webview message validators', () => {
  it('clamps numbers and rejects non-finite values', () => {
    assert.strictEqual(clampNumber(5, 0, 0.9, 0.5), 0.9);
    assert.strictEqual(clampNumber(-1, 0, 0.9, 0.5), 0);
    assert.strictEqual(clampNumber(NaN, 0, 0.9, 0.5), 0.5);
    assert.strictEqual(clampNumber(Infinity, 0, 0.9, 0.5), 0.5);
    assert.strictEqual(clampNumber('0.3', 0, 0.9, 0.5), 0.5);
    assert.strictEqual(clampInt(2.6, 0, 10, 1), 3);
  });

  it('bounds strings and arrays', () => {
    assert.strictEqual(boundedString('x'.repeat(10_000), 200).length, 200);
    assert.strictEqual(boundedString({ toString: () => 'evil' }), '');
    assert.strictEqual(numberArray(new Array(1e5).fill(1), 8, 0, 1)?.length, 8);
    assert.deepStrictEqual(numberArray([2, -3, 'a', 0.5], 8, 0, 1), [1, 0, 0, 0.5]);
    assert.strictEqual(numberArray('nope', 8, 0, 1), undefined);
    assert.deepStrictEqual(finiteNumbers([1, NaN, null, Infinity, 2], 10), [1, 2]);
    assert.deepStrictEqual(bitArray([0, 1, 7, false, true], 10), [0, 1, 1, 0, 1]);
  });

  it('accepts only known enum values and short string types', () => {
    assert.strictEqual(oneOf('dropconnect', ['neuron', 'dropconnect'] as const, 'neuron'), 'dropconnect');
    assert.strictEqual(oneOf('__proto__', ['neuron', 'dropconnect'] as const, 'neuron'), 'neuron');
    assert.strictEqual(messageType({ type: 'ready' }), 'ready');
    assert.strictEqual(messageType({ type: 'x'.repeat(100) }), undefined);
    assert.strictEqual(messageType([{ type: 'ready' }]), undefined);
    assert.strictEqual(messageType(null), undefined);
  });
});
