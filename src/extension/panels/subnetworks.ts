// How many different thinned networks dropout can sample: each of n droppable units (or weights)
// is either kept or dropped, so 2^n masks. Pure; exact digits while they stay readable, always a
// scientific form, and the comparison with the ~10^80 atoms of the observable universe.

export interface SubnetworkCount {
  /** n in 2^n. */
  exponent: number;
  /** All decimal digits of 2^n, when it has at most EXACT_DIGIT_LIMIT digits. */
  exact?: string;
  /** 2^n ≈ mantissa × 10^power10, mantissa in [1, 10). */
  mantissa: number;
  power10: number;
  /** Number of decimal digits of 2^n. */
  digits: number;
  /** 2^n > 10^80. */
  moreThanAtoms: boolean;
}

export const EXACT_DIGIT_LIMIT = 1000;
export const ATOMS_POWER10 = 80;

export function countSubnetworks(droppable: number): SubnetworkCount {
  const n = Math.max(0, Math.floor(Number.isFinite(droppable) ? droppable : 0));
  const log10 = n * Math.log10(2);
  let power10 = Math.floor(log10);
  let mantissa = Math.pow(10, log10 - power10);
  // Guard the float boundary (e.g. mantissa rounding up to 10).
  if (mantissa >= 10) {
    mantissa /= 10;
    power10 += 1;
  }
  const digits = power10 + 1;
  const count: SubnetworkCount = { exponent: n, mantissa, power10, digits, moreThanAtoms: log10 > ATOMS_POWER10 };
  if (digits <= EXACT_DIGIT_LIMIT) {
    count.exact = (BigInt(1) << BigInt(n)).toString();
    // The exact digits fix the mantissa's leading figures beyond float rounding.
    count.mantissa = Number(`${count.exact[0]}.${count.exact.slice(1, 16) || '0'}`);
    count.power10 = count.exact.length - 1;
    count.digits = count.exact.length;
  }
  return count;
}

/** "3.9 × 10^115" style text with `significant` digits. */
export function formatScientific(count: SubnetworkCount, significant = 2): string {
  if (count.power10 < 6 && count.exact) return Number(count.exact).toLocaleString('en-US');
  let mantissa = Number(count.mantissa.toPrecision(significant));
  let power = count.power10;
  if (mantissa >= 10) {
    mantissa /= 10;
    power += 1;
  }
  return `${mantissa} × 10^${power}`;
}
