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
  documentType: z.enum(["invoice", "credit-note", "payment", "refund", "bill", "debit-note", "landed-cost", "advance", "dunning-fee"]),
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
 * `credits` the customer has on account in that currency, and the `fee` it charged (functional,
 * posted by the run itself: Dr receivables / Cr the shop's fee account). The shop sends it (an outbox
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
  /** The fee the notice charged (functional currency), when it charged one. */
  fee: positiveAmountJson.optional(),
  items: z
    .array(z.object({ documentId: itemId, orderId: itemId.optional(), dueDate: localDateSchema, open: positiveAmountJson, daysOverdue: z.number().int().min(1), level: z.number().int().min(0).max(10) }))
    .min(1)
    .max(100_000),
});

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
};
