import * as assert from 'assert';
import { philox4x32, philoxKeep, philoxKeepMask } from '../../../src/engine/philox';
import { assertBinomial } from './helpers';

const hex = (words: number[]) => words.map((w) => w.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10', () => {
  it('matches the known answer for a zero counter and key', () => {
    assert.strictEqual(hex(philox4x32([0, 0, 0, 0], [0, 0])), '6627e8d5 e169c58d bc57ac4c 9b00dbd8');
  });

  it('64-bit products are exact at the extremes (all-ones counter differs from zero counter)', () => {
    const ones = philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]);
    assert.ok(ones.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff));
    assert.notDeepStrictEqual(ones, philox4x32([0, 0, 0, 0], [0, 0]));
  });

  it('random access: any single element equals the bulk mask; keep rate within binomial bounds', () => {
    const mask = philoxKeepMask(7, 2, 11, 40001, 0.6);
    for (const i of [0, 1, 2, 3, 4, 999, 40000]) assert.strictEqual(philoxKeep(7, 2, 11, i, 0.6), mask[i] === 1);
    let kept = 0;
    for (const m of mask) kept += m;
    assertBinomial(kept, 40001, 0.6, 'kept');
    assert.notDeepStrictEqual(philoxKeepMask(7, 2, 12, 64, 0.6), philoxKeepMask(7, 2, 11, 64, 0.6));
  });
});
