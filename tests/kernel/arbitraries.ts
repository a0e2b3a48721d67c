import fc from "fast-check";
import type { DigitLimits } from "../../src/kernel/index.js";

/** A bigint uniformly spread over the whole range, with the edges (0, ±1, ±max) weighted. */
function scaledInt(maxAbs: bigint, signed: boolean): fc.Arbitrary<bigint> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.bigInt({ min: signed ? -maxAbs : 0n, max: maxAbs }) },
    { weight: 1, arbitrary: fc.constantFrom(0n, 1n, maxAbs, ...(signed ? [-1n, -maxAbs] : [])) },
    { weight: 2, arbitrary: fc.bigInt({ min: signed ? -10_000n : 0n, max: 10_000n }) },
  );
}

/** The canonical decimal text of `units` × 10^-scale ("-12.5", "0", "3"). */
export function scaledToText(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const integerPart = digits.slice(0, digits.length - scale);
  const fractionPart = digits.slice(digits.length - scale).replace(/0+$/, "");
  const body = fractionPart ? `${integerPart}.${fractionPart}` : integerPart;
  return negative && body !== "0" ? `-${body}` : body;
}

/** A decimal text within `limits`, with its exact scaled integer (scale = fractionDigits). */
export function boundedDecimalText(limits: DigitLimits, signed = true): fc.Arbitrary<{ text: string; units: bigint }> {
  const maxAbs = 10n ** BigInt(limits.integerDigits + limits.fractionDigits) - 1n;
  return scaledInt(maxAbs, signed).map((units) => ({ text: scaledToText(units, limits.fractionDigits), units }));
}

/** Currencies from each minor-unit class. */
export const someCurrency = fc.constantFrom("EUR", "USD", "JPY", "KWD", "CLF", "GBP", "BHD", "ISK", "UYW");

/** An amount in minor units of a currency with `digits` decimals, within the amount bounds. */
export function minorUnitsWithin(digits: number): fc.Arbitrary<bigint> {
  return scaledInt(10n ** BigInt(15 + digits) - 1n, true);
}
