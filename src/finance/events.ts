/**
 * Finance's part of the event catalog (the facade adds it, as it adds CRM's and analytics'):
 * what finance itself decides and other modules follow. Ids and figures only.
 */
import { z } from "zod";
import { defineEvent } from "../kernel/events/catalog.js";
import { currencyCode, positiveAmountJson, postedAmountJson } from "../kernel/events/fields.js";
import { localDateSchema } from "../kernel/local-date.js";

/** A document or party id as finance's open items hold it (as `allocate` takes them). */
const itemId = z.string().min(1).max(200);

/** One side of an allocation: the document and, when finance tracked it from a sales event, its order. */
const allocatedDocument = z.object({
  documentId: itemId,
  documentType: z.enum(["invoice", "credit-note", "payment", "refund", "bill", "debit-note", "landed-cost", "advance", "dunning-fee", "dunning-interest"]),
  /** The sales order the document belongs to; absent for other documents and for items tracked before orders were kept on them. */
  orderId: itemId.optional(),
});

/**
 * `CreditAllocated` (v1): `finance.allocate` applied an open credit of a party (a credit note,
 * an over-payment, a supplier advance or debit note) to open documents of the same party and
 * currency. `amount` is the credit used, `documents` what each document took (in `currency`,
 * on the allocation's date, the envelope's `effectiveDate`). On receivables, `orderId` names the sales order of the credit
 * and of each document (when finance knows it): money paid on one order now pays another, as a
 * refund on the first and a capture on the second would — CRM counts it so. Finance posts nothing
 * for the event: its exchange difference, if any, is posted by the command itself.
 *
 * @example
 * ```ts
 * creditAllocatedSchema.parse({
 *   allocationId: "alloc_1", ledger: "receivables", party: "cus_1", currency: "EUR", amount: { amount: "11.90", currency: "EUR" },
 *   credit: { documentId: "CN2026-000001", documentType: "credit-note", orderId: "ord_1" },
 *   documents: [{ documentId: "INV2026-000002", documentType: "invoice", orderId: "ord_2", amount: { amount: "11.90", currency: "EUR" } }],
 * });
 * ```
 */
export const creditAllocatedSchema = z.object({
  allocationId: itemId,
  ledger: z.enum(["receivables", "payables"]),
  party: itemId,
  currency: currencyCode,
  amount: positiveAmountJson,
  credit: allocatedDocument,
  documents: z.array(allocatedDocument.extend({ amount: positiveAmountJson })).min(1).max(1000),
});

/**
 * `DunningNoticeIssued` (v1): `finance.runDunning` issued a payment reminder to a customer
 * (`party`) in one currency at `level` (the highest level of its invoices): every invoice past
 * its due date with its open amount, days overdue and level, the total `overdue`, and the
 * `credits` the customer has on account in that currency, and the `fee` and default `interest` it
 * charged (in that currency, posted by the run itself: Dr receivables / Cr the shop's fee or
 * interest account). The shop sends it (an outbox
 * consumer: mail, letter, PSP link); finance posts nothing for it.
 *
 * @example
 * ```ts
 * dunningNoticeIssuedSchema.parse({
 *   noticeId: "dun_2026-03-31|cus_1|EUR", runId: "dun_2026-03-31", party: "cus_1", currency: "EUR", level: 1,
 *   overdue: { amount: "119", currency: "EUR" }, credits: { amount: "0", currency: "EUR" },
 *   items: [{ documentId: "INV2026-000001", orderId: "ord_1", dueDate: "2026-03-16", open: { amount: "119", currency: "EUR" }, daysOverdue: 15, level: 1 }],
 * });
 * ```
 */
export const dunningNoticeIssuedSchema = z.object({
  noticeId: z.string().min(1).max(700),
  runId: itemId,
  party: itemId,
  currency: currencyCode,
  level: z.number().int().min(1).max(10),
  overdue: positiveAmountJson,
  credits: postedAmountJson,
  /** The fee the notice charged (in the notice's currency), when it charged one. */
  fee: positiveAmountJson.optional(),
  /** The default interest the notice charged (in the notice's currency), when it charged any. */
  interest: positiveAmountJson.optional(),
  items: z
    .array(z.object({ documentId: itemId, orderId: itemId.optional(), dueDate: localDateSchema, open: positiveAmountJson, daysOverdue: z.number().int().min(1), level: z.number().int().min(0).max(10) }))
    .min(1)
    .max(100_000),
});

/**
 * `OpenItemWrittenOff` (v1): `finance.writeOff` wrote off part or all of an open item — a
 * customer's debt (bad debt, small difference) or a small difference on a supplier bill or a
 * credit. `side` says which: `document` is something to be paid (an invoice on receivables, a
 * bill on payables), `credit` something the party has in hand (an over-payment, a credit note, a
 * debit note). `amount` is what was written off, in the item's currency; `entryId` the entry that
 * posted it. Modules that keep the document follow it (purchasing lowers a bill's open amount).
 * Finance posts nothing for the event: the command posted the entry.
 *
 * @example
 * ```ts
 * openItemWrittenOffSchema.parse({
 *   writeOffId: "wo_1", entryId: "je_9", ledger: "payables", party: "sup_1", currency: "EUR", reason: "small-difference", side: "document",
 *   document: { documentId: "bill_1", documentType: "bill" }, amount: { amount: "0.01", currency: "EUR" },
 * });
 * ```
 */
export const openItemWrittenOffSchema = z.object({
  writeOffId: itemId,
  entryId: itemId,
  ledger: z.enum(["receivables", "payables"]),
  party: itemId,
  currency: currencyCode,
  reason: z.enum(["bad-debt", "small-difference"]),
  side: z.enum(["document", "credit"]),
  document: allocatedDocument,
  amount: positiveAmountJson,
});

/**
 * `OpenItemWriteOffUndone` (v1): reversing a write-off's entry (`finance.reverseEntry`) reopened
 * what it wrote off: the same fields as the write-off's `OpenItemWrittenOff`, `entryId` now the
 * reversal's.
 *
 * @example
 * ```ts
 * openItemWriteOffUndoneSchema.parse({
 *   writeOffId: "wo_1", entryId: "je_12", ledger: "receivables", party: "cus_1", currency: "EUR", reason: "bad-debt", side: "document",
 *   document: { documentId: "INV2026-000001", documentType: "invoice", orderId: "ord_1" }, amount: { amount: "119", currency: "EUR" },
 * });
 * ```
 */
export const openItemWriteOffUndoneSchema = openItemWrittenOffSchema;

/**
 * Finance's event definitions, for `eventCatalog.extend(financeEventDefinitions)`; the facade
 * adds them to its catalog.
 *
 * @example
 * ```ts
 * import { eventCatalog, financeEventDefinitions } from "storekeep";
 * const catalog = eventCatalog.extend(financeEventDefinitions);
 * ```
 */
export const financeEventDefinitions = {
  CreditAllocated: defineEvent({ schema: creditAllocatedSchema }),
  DunningNoticeIssued: defineEvent({ schema: dunningNoticeIssuedSchema }),
  OpenItemWrittenOff: defineEvent({ schema: openItemWrittenOffSchema }),
  OpenItemWriteOffUndone: defineEvent({ schema: openItemWriteOffUndoneSchema }),
};
