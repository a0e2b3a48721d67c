import type { RoundingMode } from "../../kernel/decimal.js";

/*
 * Exact tax arithmetic on scaled bigints: amounts in minor units, rates as fractions.
 * A tax is `base × n / d`; rounding happens once, by the rule that asks for it.
 */

/** A non-negative-denominator fraction of bigints. */
export interface Fraction {
  readonly n: bigint;
  readonly d: bigint;
}

/** The scale of rates: 12 decimals (the kernel's rate bound). */
export const RATE_SCALE = 1_000_000_000_000n;

/** `a + b` for fractions; equal denominators stay as they are. */
export function addFractions(a: Fraction, b: Fraction): Fraction {
  if (a.d === b.d) return { n: a.n + b.n, d: a.d };
  return { n: a.n * b.d + b.n * a.d, d: a.d * b.d };
}

/** Floor of n / d for d > 0 (bigint division truncates toward zero). */
export function floorDivide(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}

/**
 * n / d rounded to an integer under a named mode (d > 0). `half-up` rounds half away
 * from zero, as decimal.js does, so a credit note mirrors its invoice exactly.
 */
export function roundDivide(n: bigint, d: bigint, mode: RoundingMode): bigint {
  const floor = floorDivide(n, d);
  const remainder = n - floor * d; // 0 <= remainder < d
  if (remainder === 0n) return floor;
  const twice = remainder * 2n;
  switch (mode) {
    case "floor":
      return floor;
    case "ceil":
      return floor + 1n;
    case "down":
      return n < 0n ? floor + 1n : floor;
    case "up":
      return n < 0n ? floor : floor + 1n;
    case "half-up":
      if (twice === d) return n < 0n ? floor : floor + 1n;
      return twice > d ? floor + 1n : floor;
    case "half-down":
      if (twice === d) return n < 0n ? floor + 1n : floor;
      return twice > d ? floor + 1n : floor;
    case "half-even":
      if (twice === d) return floor % 2n === 0n ? floor : floor + 1n;
      return twice > d ? floor + 1n : floor;
  }
}

/**
 * Splits `total` (minor units) over exact shares so the parts sum to `total` and each part
 * is its share's floor or floor + 1 (largest remainder first, ties to the earlier share).
 * `total` must lie within [Σ floor, Σ floor + shares.length]. Symmetric: negated shares and
 * total give the negated parts.
 */
export function allocateByRemainder(total: bigint, shares: readonly Fraction[]): bigint[] {
  // Allocate magnitudes so that negating every share and the total negates every part.
  if (total < 0n) return allocateByRemainder(-total, shares.map((s) => ({ n: -s.n, d: s.d }))).map((p) => -p);
  const parts: bigint[] = new Array(shares.length);
  const remainders: { index: number; n: bigint; d: bigint }[] = [];
  let sum = 0n;
  for (let i = 0; i < shares.length; i++) {
    const share = shares[i]!;
    const floor = floorDivide(share.n, share.d);
    parts[i] = floor;
    sum += floor;
    const rest = share.n - floor * share.d;
    if (rest !== 0n) remainders.push({ index: i, n: rest, d: share.d });
  }
  let missing = total - sum;
  if (missing < 0n || missing > BigInt(remainders.length)) {
    throw new RangeError(`cannot allocate ${total} over shares whose floors sum to ${sum}`);
  }
  if (missing === 0n) return parts;
  remainders.sort((a, b) => {
    const left = a.n * b.d;
    const right = b.n * a.d;
    return left === right ? a.index - b.index : left > right ? -1 : 1;
  });
  for (let k = 0; missing > 0n; k++, missing--) {
    const index = remainders[k]!.index;
    parts[index] = parts[index]! + 1n;
  }
  return parts;
}
