import { BOUNDS } from "../kernel/bounds.js";
import { Decimal } from "../kernel/decimal.js";
import { InvariantError, StorekeepError, invariant } from "../kernel/errors.js";
import { internedKey } from "../kernel/interned-key.js";
import { decimalOfScaled, scaledOf, scaledText } from "../kernel/scaled.js";

/*
 * The posting kernel: journal lines as scaled bigints (millionths of a currency unit, the
 * finest amount the bounds allow), the exact balance check, and balance updates. This is
 * the hot loop of posting; decimals are converted at the edges only.
 */

/**
 * Decimal places carried by the kernel's integers: amounts have at most 6 decimals.
 *
 * @example
 * ```ts
 * LEDGER_SCALE; // 6
 * ```
 */
export const LEDGER_SCALE = 6;
const FACTOR = 1_000_000n;
const ZEROS = "000000";

/**
 * A plain decimal string (as validated at the boundary or stored) in kernel units.
 *
 * @example
 * ```ts
 * toUnits("12.34"); // 12340000n
 * toUnits("-0.5");  // -500000n
 * ```
 */
export function toUnits(text: string): bigint {
  const dot = text.indexOf(".");
  if (dot < 0) return BigInt(text) * FACTOR;
  const fraction = text.slice(dot + 1);
  invariant(fraction.length <= LEDGER_SCALE, `amount ${text} has more than ${LEDGER_SCALE} decimals`);
  const whole = text.slice(0, dot);
  return BigInt(whole + fraction + ZEROS.slice(fraction.length));
}

/**
 * Kernel units as a canonical decimal string (no trailing zeros, `0` for zero).
 *
 * @example
 * ```ts
 * unitsToString(12340000n); // "12.34"
 * ```
 */
export function unitsToString(units: bigint): string {
  return scaledText(units, LEDGER_SCALE);
}

/**
 * A Decimal (at most 6 decimals) in kernel units.
 *
 * @example
 * ```ts
 * decimalToUnits(new Decimal("1.5")); // 1500000n
 * ```
 */
export function decimalToUnits(value: Decimal): bigint {
  if (!value.isFinite()) return toUnits(value.toFixed()); // not finite: let toUnits refuse it
  const units = scaledOf(value, LEDGER_SCALE);
  // Not invariant(cond, `...${value.toFixed()}`): its message would be formatted on every call.
  if (units === undefined) throw new InvariantError(`amount ${value.toFixed()} has more than ${LEDGER_SCALE} decimals`);
  return units;
}

/**
 * Kernel units as a Decimal.
 *
 * @example
 * ```ts
 * unitsToDecimal(1500000n).toString(); // "1.5"
 * ```
 */
export function unitsToDecimal(units: bigint): Decimal {
  // Zero is half of every debit/credit pair: one shared (immutable) Decimal.
  return units === 0n ? ZERO_DECIMAL : decimalOfScaled(units, LEDGER_SCALE);
}

const ZERO_DECIMAL = new Decimal(0);

/**
 * One line of an entry in kernel form: a signed amount (debit positive, credit negative)
 * in the line's transaction `currency`, and the same value in the functional currency.
 * A line in the functional currency has `amount === functional`.
 *
 * @example
 * ```ts
 * const line: PostingLine = { account: "1100", currency: "USD", amount: 110_000000n, functional: 100_000000n };
 * ```
 */
export interface PostingLine {
  readonly account: string;
  readonly currency: string;
  readonly amount: bigint;
  readonly functional: bigint;
}

/**
 * Checks an entry's lines: 2 to `BOUNDS.lines` lines, no line zero in both amounts, a
 * functional-currency line with equal amounts, functional amounts summing to exactly zero,
 * and — when every line is in the same foreign currency — transaction amounts summing to
 * zero too. Throws `UNBALANCED_ENTRY` with the difference, or `VALIDATION_FAILED`.
 *
 * @example
 * ```ts
 * checkEntryBalanced([
 *   { account: "1100", currency: "EUR", amount: 100n, functional: 100n },
 *   { account: "4100", currency: "EUR", amount: -100n, functional: -100n },
 * ], "EUR");
 * ```
 */
export function checkEntryBalanced(lines: readonly PostingLine[], functionalCurrency: string): void {
  const count = lines.length;
  if (count < 2 || count > BOUNDS.lines) {
    throw new StorekeepError("VALIDATION_FAILED", `A journal entry needs 2 to ${BOUNDS.lines} lines; this one has ${count}.`, {
      issues: [{ path: "lines", message: `2 to ${BOUNDS.lines} lines`, code: "custom" }],
    });
  }
  let functionalSum = 0n;
  let amountSum = 0n;
  const firstCurrency = lines[0]!.currency;
  let singleCurrency = true;
  for (let i = 0; i < count; i++) {
    const line = lines[i]!;
    if (line.amount === 0n && line.functional === 0n) {
      throw new StorekeepError("VALIDATION_FAILED", `Line ${i} (account ${line.account}) is zero in both amounts; leave it out.`, {
        issues: [{ path: `lines[${i}]`, message: "zero in both amounts", code: "custom" }],
      });
    }
    if (line.currency === functionalCurrency && line.amount !== line.functional) {
      throw new StorekeepError("VALIDATION_FAILED", `Line ${i} (account ${line.account}) is in the functional currency ${functionalCurrency}, so its amount and functional amount must be equal.`, {
        issues: [{ path: `lines[${i}]`, message: "functional-currency line with two different amounts", code: "custom" }],
      });
    }
    functionalSum += line.functional;
    amountSum += line.amount;
    if (line.currency !== firstCurrency) singleCurrency = false;
  }
  if (functionalSum !== 0n) {
    throw unbalanced(functionalSum, functionalCurrency, "functional");
  }
  if (singleCurrency && firstCurrency !== functionalCurrency && amountSum !== 0n) {
    throw unbalanced(amountSum, firstCurrency, "transaction");
  }
}

function unbalanced(difference: bigint, currency: string, basis: "functional" | "transaction"): StorekeepError {
  const text = unitsToString(difference);
  const side = difference > 0n ? "debits exceed credits" : "credits exceed debits";
  return new StorekeepError("UNBALANCED_ENTRY", `The entry does not balance in ${currency}: ${side} by ${text.replace("-", "")} ${currency}. Adjust the lines so that debits equal credits exactly.`, {
    difference: text,
    currency,
    basis,
  });
}

/**
 * A balance in kernel units: functional debits and credits, and the signed transaction
 * amount.
 *
 * @example
 * ```ts
 * const cell: BalanceCell = { debit: 0n, credit: 0n, amount: 0n };
 * ```
 */
export interface BalanceCell {
  debit: bigint;
  credit: bigint;
  amount: bigint;
}

/**
 * Balances by `account|currency` key, held in memory (the pure ledger of benchmarks,
 * property tests and recomputations).
 *
 * @example
 * ```ts
 * const book: BalanceBook = new Map();
 * ```
 */
export type BalanceBook = Map<string, BalanceCell>;

/**
 * The balance key of an account and currency.
 *
 * @example
 * ```ts
 * balanceKey("1100", "EUR"); // "1100|EUR"
 * ```
 */
export function balanceKey(account: string, currency: string): string {
  return `${account}|${currency}`;
}

/**
 * {@link balanceKey}, the same string instance for the same account and currency (see
 * `internedKey`): a book or a store keyed by it hashes each key once.
 *
 * @example
 * ```ts
 * internedBalanceKey("1100", "EUR") === internedBalanceKey("1100", "EUR"); // true, one instance
 * ```
 */
export function internedBalanceKey(account: string, currency: string): string {
  return internedKey(account, currency);
}

/**
 * Adds an entry's lines to a book (no check: see {@link postToBook}).
 *
 * @example
 * ```ts
 * applyToBook(book, lines);
 * ```
 */
export function applyToBook(book: BalanceBook, lines: readonly PostingLine[]): void {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const key = internedBalanceKey(line.account, line.currency);
    let cell = book.get(key);
    if (cell === undefined) {
      cell = { debit: 0n, credit: 0n, amount: 0n };
      book.set(key, cell);
    }
    if (line.functional >= 0n) cell.debit += line.functional;
    else cell.credit -= line.functional;
    cell.amount += line.amount;
  }
}

/**
 * Validates an entry and applies it to a book: the pure posting path.
 *
 * @example
 * ```ts
 * const book: BalanceBook = new Map();
 * postToBook(book, lines, "EUR");
 * book.get("1100|EUR")?.debit; // 100n
 * ```
 */
export function postToBook(book: BalanceBook, lines: readonly PostingLine[], functionalCurrency: string): void {
  checkEntryBalanced(lines, functionalCurrency);
  applyToBook(book, lines);
}

/**
 * The lines that reverse `lines` (every amount negated).
 *
 * @example
 * ```ts
 * reverseLines([{ account: "1100", currency: "EUR", amount: 5n, functional: 5n }])[0]!.amount; // -5n
 * ```
 */
export function reverseLines(lines: readonly PostingLine[]): PostingLine[] {
  return lines.map((line) => ({ account: line.account, currency: line.currency, amount: -line.amount, functional: -line.functional }));
}
