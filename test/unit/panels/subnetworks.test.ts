import * as assert from 'assert';
import { countSubnetworks, formatScientific } from '../../../src/extension/panels/subnetworks';

describe('sub-network count 2^n', () => {
  it('is exact for small n', () => {
    assert.strictEqual(countSubnetworks(0).exact, '1');
    assert.strictEqual(countSubnetworks(10).exact, '1024');
    assert.strictEqual(countSubnetworks(64).exact, '18446744073709551616');
    assert.strictEqual(formatScientific(countSubnetworks(12)), '4,096');
  });

  it('gives 2^384 ≈ 3.9 × 10^115 for hidden layers of 256 and 128 (dropout-semantics.md)', () => {
    const c = countSubnetworks(384);
    assert.strictEqual(c.power10, 115);
    assert.strictEqual(c.digits, 116);
    assert.strictEqual(formatScientific(c), '3.9 × 10^115');
    assert.ok(c.moreThanAtoms);
  });

  it('crosses the ~10^80 atoms between n = 265 and n = 266 (log10(2) · n > 80)', () => {
    assert.strictEqual(countSubnetworks(265).moreThanAtoms, false);
    assert.strictEqual(countSubnetworks(266).moreThanAtoms, true);
  });

  it('switches to the scientific form beyond 1000 digits without losing the exponent', () => {
    const c = countSubnetworks(200_704); // 784 × 256 DropConnect weights
    assert.strictEqual(c.exact, undefined);
    assert.strictEqual(c.power10, Math.floor(200_704 * Math.log10(2)));
    assert.ok(c.mantissa >= 1 && c.mantissa < 10);
  });
});
