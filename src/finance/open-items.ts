import { StorekeepError } from "../kernel/errors.js";

/*
 * Open items: the receivables and payables subledgers, one item per document (invoice,
 * credit note, bill, debit note, unallocated payment), per customer or supplier, in the
 * document's transaction currency and at the functional value it was booked at. A
 * settlement relieves an item at its booked value, so the realised exchange difference is
 * that value minus what the settlement was worth, and a fully settled foreign item never
 * keeps a functional residue. Amounts here are kernel units (millionths, bigint).
 */

/**
 * Which subledger: receivables (customers owe the shop) or payables (the shop owes
 * suppliers).
 *
 * @example
 * ```ts
 * const ledger: OpenItemLedger = "receivables";
 * ```
 */
export type OpenItemLedger = "receivables" | "payables";

/**
 * One settlement of an item: the date, the document that settled it, the transaction
 * amount relieved (same sign as the item's amount), the booked functional value relieved,
 * and the functional value the settlement was worth (their difference is the realised
 * exchange difference).
 *
 * @example
 * ```ts
 * const s: OpenItemSettlement = { date: "2026-03-10", documentId: "pay_1", amount: "110", booked: "100", settled: "99" };
 * ```
 */
export interface OpenItemSettlement {
  readonly date: string;
  readonly documentId: string;
  readonly kind: "payment" | "refund" | "allocation" | "write-off" | "write-back" | "credit";
  readonly amount: string;
  readonly booked: string;
  readonly settled: string;
  /**
   * A write-off: the account it was written off to (absent on write-offs recorded before it was
   * kept). A write-back — a credit note of a document finance wrote off, undoing that much of
   * the write-off, so the credit does not stay with the customer — carries the account it
   * credits back, a negative `amount` and reopens the item by it.
   */
  readonly account?: string;
  /**
   * VAT relief on a bad debt (`writeOff` with `taxRelief`): the output tax, per tax code, this
   * write-off took back from the tax authority (functional, positive). On a write-back the part of
   * that relief charged again (negative, as its `amount`). Absent when no tax moved.
   */
  readonly taxRelief?: readonly OpenItemTaxLine[];
  /**
   * A write-back that undoes a whole write-off (its journal entry reversed with
   * `finance.reverseEntry`): the write-off's id (`documentId` of that settlement). Such a
   * write-off and its undoing are left out when later write-backs take the oldest write-off first.
   */
  readonly reverses?: string;
}

/**
 * One tax code's functional base and tax: on an invoice item the whole invoice's (its output
 * tax as invoiced), on a write-off the part relieved. `code` and the jurisdiction fields are
 * null for an invoice recorded without tax lines (its whole tax, untagged).
 *
 * @example
 * ```ts
 * const line: OpenItemTaxLine = { code: "DE-STD", kind: "standard", country: "DE", region: null, rate: "0.19", base: "100", tax: "19" };
 * ```
 */
export interface OpenItemTaxLine {
  readonly code: string | null;
  readonly kind: string | null;
  readonly country: string | null;
  readonly region: string | null;
  readonly rate: string | null;
  readonly base: string;
  readonly tax: string;
}

/**
 * An open item as stored. `amount`/`functional` are the original signed values (a debit of
 * the control account positive: an invoice or a refund due on receivables; a bill is
 * negative on payables), `openAmount`/`openFunctional` what is left after `settlements`.
 *
 * @example
 * ```ts
 * const item: OpenItem = {
 *   itemId: "receivables:inv_1", ledger: "receivables", party: "cus_1", documentId: "inv_1", documentType: "invoice",
 *   date: "2026-03-02", dueDate: "2026-04-01", currency: "USD", amount: "110", functional: "100",
 *   openAmount: "110", openFunctional: "100", settlements: [],
 * };
 * ```
 */
export interface OpenItem {
  readonly itemId: string;
  readonly ledger: OpenItemLedger;
  readonly party: string;
  readonly documentId: string;
  readonly documentType: "invoice" | "credit-note" | "payment" | "refund" | "bill" | "debit-note" | "landed-cost" | "advance" | "dunning-fee" | "dunning-interest";
  /**
   * The sales order the document belongs to (receivables items tracked from sales events; absent
   * on other items and on items tracked before it was kept). `allocate` names it on
   * `CreditAllocated`, so a consumer sees which order's money pays which order.
   */
  readonly orderId?: string;
  readonly date: string;
  readonly dueDate: string;
  readonly currency: string;
  readonly amount: string;
  readonly functional: string;
  readonly openAmount: string;
  readonly openFunctional: string;
  readonly settlements: readonly OpenItemSettlement[];
  /**
   * An invoice's output tax, kept so a bad debt can be relieved of it (see `writeOff`'s
   * `taxRelief`): `gross` is the invoice's gross in its currency (before prepayments it applied),
   * `lines` its tax per code in the functional currency (none for a tax-free invoice). Absent on
   * other items and on invoices tracked before it was kept.
   */
  readonly tax?: { readonly gross: string; readonly lines: readonly OpenItemTaxLine[] };
}

/**
 * The booked functional value relieved when `amount` (transaction units, same sign as the
 * open amount, at most the open amount) of an item with `openAmount` and `openFunctional`
 * is settled: the proportional share, rounded half away from zero to a functional minor
 * unit of `quantum` kernel units, and exactly the open functional value when the settlement
 * closes the item (so no functional residue can remain).
 *
 * @example
 * ```ts
 * relievedValue(110_000000n, 100_000000n, 55_000000n, 10000n); // 50_000000n
 * relievedValue(110_000000n, 100_000000n, 110_000000n, 10000n); // 100_000000n: all of it
 * ```
 */
export function relievedValue(openAmount: bigint, openFunctional: bigint, amount: bigint, quantum: bigint): bigint {
  if (amount === openAmount) return openFunctional;
  if (openAmount === 0n) return 0n;
  const numerator = openFunctional * amount;
  const denominator = openAmount * quantum;
  const negative = (numerator < 0n) !== (denominator < 0n);
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  // Round n/d to an integer, half away from zero, then back to kernel units.
  const units = ((2n * n + d) / (2n * d)) * quantum;
  return negative ? -units : units;
}

/**
 * Settles `amount` of an item (same sign as its open amount, at most it): returns the
 * updated item and the settlement, whose `booked − settled` is the realised exchange
 * difference in the control account's direction. `settledValue` is what the settlement
 * was worth in the functional currency (the payment's functional amount for this part).
 *
 * @example
 * ```ts
 * const { item: after, settlement } = settleItem(item, { date: "2026-03-10", documentId: "pay_1", kind: "payment", amount: 110_000000n, settledValue: 99_000000n, quantum: 10000n });
 * settlement.booked; // "100": 1.00 EUR exchange loss on a receivable
 * ```
 */
export function settleItem(
  item: OpenItem,
  input: { readonly date: string; readonly documentId: string; readonly kind: OpenItemSettlement["kind"]; readonly amount: bigint; readonly settledValue: bigint; readonly quantum: bigint; readonly account?: string; readonly taxRelief?: readonly OpenItemTaxLine[] },
  toUnits: (s: string) => bigint,
  toText: (u: bigint) => string,
): { item: OpenItem; settlement: OpenItemSettlement; booked: bigint } {
  const openAmount = toUnits(item.openAmount);
  const openFunctional = toUnits(item.openFunctional);
  const sameSign = (a: bigint, b: bigint) => (a >= 0n) === (b >= 0n) || a === 0n || b === 0n;
  if (!sameSign(input.amount, openAmount) || (input.amount < 0n ? -input.amount : input.amount) > (openAmount < 0n ? -openAmount : openAmount)) {
    throw new StorekeepError("VALIDATION_FAILED", `Cannot settle ${toText(input.amount)} ${item.currency} of ${item.documentId}: ${toText(openAmount)} ${item.currency} is open.`, {
      issues: [{ path: "amount", message: `at most ${toText(openAmount)} ${item.currency}`, code: "custom" }],
      documentId: item.documentId,
      open: toText(openAmount),
    });
  }
  const booked = relievedValue(openAmount, openFunctional, input.amount, input.quantum);
  const settlement: OpenItemSettlement = {
    date: input.date,
    documentId: input.documentId,
    kind: input.kind,
    amount: toText(input.amount),
    booked: toText(booked),
    settled: toText(input.settledValue),
    ...(input.account === undefined ? {} : { account: input.account }),
    ...(input.taxRelief === undefined || input.taxRelief.length === 0 ? {} : { taxRelief: input.taxRelief }),
  };
  return {
    item: { ...item, openAmount: toText(openAmount - input.amount), openFunctional: toText(openFunctional - booked), settlements: [...item.settlements, settlement] },
    settlement,
    booked,
  };
}

/**
 * What an item had open as of a date: its original values less the settlements dated on or
 * before it (null when the item is dated after it).
 *
 * @example
 * ```ts
 * openAsOf(item, "2026-03-31", toUnits); // { amount: 55000000n, functional: 50000000n }
 * ```
 */
export function openAsOf(item: OpenItem, asOf: string, toUnits: (s: string) => bigint): { amount: bigint; functional: bigint } | null {
  if (item.date > asOf) return null;
  let amount = toUnits(item.amount);
  let functional = toUnits(item.functional);
  for (const s of item.settlements) {
    if (s.date > asOf) continue;
    amount -= toUnits(s.amount);
    functional -= toUnits(s.booked);
  }
  return { amount, functional };
}
