import { type CurrencyCode, minorUnits } from "../kernel/currencies.js";
import type { PostingLine } from "./posting-kernel.js";

/*
 * The conversion rounding line: converting each foreign line at the rate table's rate and
 * rounding it to the functional minor unit can leave a balanced foreign entry a cent off
 * in the functional currency. That residue is rounding, not an error, and goes to the
 * rounding account.
 */

/**
 * The functional amount of the rounding line an entry needs (0n: none), or undefined when
 * the entry's functional imbalance is not conversion rounding. It is rounding when every
 * foreign currency's transaction amounts sum to zero (the entry balances in each
 * currency), and the functional residue is at most half a functional minor unit per
 * converted line. `converted[i]` says whether line i's functional amount came from a rate
 * (not given by the caller).
 *
 * @example
 * ```ts
 * // 3 × 33.33 USD at 0.915 = 30.50 (30.49695) three times, against 99.99 USD = 91.49 (91.49085)
 * conversionRounding(lines, [true, true, true, true], "EUR"); // -10000n: a 0.01 credit
 * ```
 */
export function conversionRounding(lines: readonly PostingLine[], converted: readonly boolean[], functionalCurrency: string): bigint | undefined {
  let functional = 0n;
  let count = 0;
  const byCurrency = new Map<string, bigint>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    functional += line.functional;
    if (line.currency === functionalCurrency) continue;
    byCurrency.set(line.currency, (byCurrency.get(line.currency) ?? 0n) + line.amount);
    if (converted[i] === true) count++;
  }
  if (functional === 0n) return 0n;
  if (count === 0) return undefined;
  for (const sum of byCurrency.values()) if (sum !== 0n) return undefined;
  // Half a minor unit in kernel units (millionths): 0.005 EUR = 5000n.
  const half = 10n ** BigInt(6 - minorUnits(functionalCurrency as CurrencyCode)) / 2n;
  const residue = functional < 0n ? -functional : functional;
  if (residue > half * BigInt(count)) return undefined;
  return -functional;
}
