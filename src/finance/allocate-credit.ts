import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import type { JsonObject } from "../ports/storage.js";
import type { NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { OPEN_ITEMS_COLLECTION, getItem, minorUnitsAmount, quantumOf, settle } from "./open-item-tracking.js";
import { type OpenItem, relievedValue, settleItem } from "./open-items.js";
import { commandSource, postDraft } from "./post-draft.js";
import { toUnits, unitsToString } from "./posting-kernel.js";
import type { FinanceSettings } from "./settings.js";

/*
 * Allocation after the fact: a credit already on a party's account (an over-payment, a
 * payment recorded without its invoice, a credit note; a supplier advance or debit note)
 * is applied to open documents of the same party and currency. The credit is relieved at
 * its booked value and the documents at theirs; when their rates differ, the difference is
 * realised (exchange gain/loss), exactly as a payment's would be.
 */

/**
 * Input of `sk.finance.allocate`: the credit item, the documents it pays in order, the
 * date, and optionally how much of the credit to use (in its currency; default as much as
 * the documents take).
 *
 * @example
 * ```ts
 * const input: AllocationInput = { ledger: "receivables", creditId: "pay_1", documentIds: ["inv_1", "inv_2"], date: "2026-03-31" };
 * ```
 */
export interface AllocationInput {
  readonly ledger: "receivables" | "payables";
  readonly creditId: string;
  readonly documentIds: readonly string[];
  readonly date: string;
  readonly amount?: string;
  readonly allocationId?: string;
}

/**
 * The result of `sk.finance.allocate`: how much of the credit was used, what each document
 * took, the realised exchange difference (positive = loss) and its entry (null when there
 * is none), and the credit after.
 *
 * @example
 * ```ts
 * const a = await sk.finance.allocate({ ledger: "receivables", creditId: "pay_1", documentIds: ["inv_1"], date: "2026-03-31" });
 * a.exchangeDifference; // "2.2"
 * ```
 */
export interface Allocation {
  readonly allocationId: string;
  readonly ledger: "receivables" | "payables";
  readonly creditId: string;
  readonly currency: string;
  readonly amount: string;
  readonly documents: readonly { readonly documentId: string; readonly amount: string; readonly booked: string }[];
  readonly exchangeDifference: string;
  readonly entryId: string | null;
  readonly credit: OpenItem;
}

const allocationSchema = z
  .object({
    ledger: z.enum(["receivables", "payables"]),
    creditId: z.string().min(1).max(200),
    documentIds: z.array(z.string().min(1).max(200)).min(1).max(1000),
    date: localDateSchema,
    amount: z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, "a positive decimal string").optional(),
    allocationId: z.string().min(1).max(200).optional(),
  })
  .strict();

/**
 * Applies an open credit to open documents of the same party and currency. Emits
 * `CreditAllocated` (the credit, each document with what it took, and on receivables the sales
 * order of each when finance knows it).
 *
 * @example
 * ```ts
 * const allocate = allocateCreditCommand(resolveFinanceOptions());
 * await runtime.execute(allocate, { ledger: "receivables", creditId: "pay_1", documentIds: ["inv_1"], date: "2026-03-31" });
 * ```
 */
export function allocateCreditCommand(settings: FinanceSettings) {
  return defineLibraryCommand({
    name: "finance.allocate",
    input: allocationSchema,
    async handle(ctx, input) {
      const fc = ctx.config.functionalCurrency;
      const quantum = quantumOf(fc);
      const found = await getItem(ctx.tx, input.ledger, input.creditId);
      if (found === undefined) throw new StorekeepError("NOT_FOUND", `No open item ${input.creditId} in ${input.ledger}; name a payment, credit note or advance finance tracks.`, { creditId: input.creditId });
      const credit = found.item;
      const creditOpen = toUnits(credit.openAmount);
      // A credit is what the party has in hand: negative on receivables, positive on payables.
      const creditSign = input.ledger === "receivables" ? -1n : 1n;
      if (creditOpen === 0n || (creditOpen > 0n ? 1n : -1n) !== creditSign) {
        throw new StorekeepError("INVALID_TRANSITION", `${input.creditId} has no open credit to allocate (${credit.openAmount} ${credit.currency} open).`, { creditId: input.creditId, open: credit.openAmount });
      }
      if (new Set(input.documentIds).size !== input.documentIds.length || input.documentIds.includes(input.creditId)) {
        throw new StorekeepError("VALIDATION_FAILED", "documentIds must be distinct and must not name the credit itself.", { issues: [{ path: "documentIds", message: "distinct, without the credit", code: "custom" }] });
      }
      let takes = 0n;
      for (const [index, documentId] of input.documentIds.entries()) {
        const target = await getItem(ctx.tx, input.ledger, documentId);
        const problem =
          target === undefined ? "is not an open item" :
          target.item.party !== credit.party ? `belongs to ${target.item.party}, the credit to ${credit.party}` :
          target.item.currency !== credit.currency ? `is in ${target.item.currency}, the credit in ${credit.currency}` :
          toUnits(target.item.openAmount) === 0n || (toUnits(target.item.openAmount) > 0n ? 1n : -1n) === creditSign ? "has nothing open for a credit to pay" :
          target.item.date > input.date ? `is dated ${target.item.date}, after ${input.date}` : null;
        if (problem !== null) throw new StorekeepError("VALIDATION_FAILED", `documentIds[${index}] ${documentId} ${problem}.`, { issues: [{ path: `documentIds[${index}]`, message: problem, code: "custom" }] });
        const open = toUnits(target!.item.openAmount);
        takes += open < 0n ? -open : open;
      }
      if (credit.date > input.date) throw new StorekeepError("VALIDATION_FAILED", `${input.creditId} is dated ${credit.date}, after ${input.date}.`, { issues: [{ path: "date", message: `on or after ${credit.date}`, code: "custom" }] });
      const available = creditOpen < 0n ? -creditOpen : creditOpen;
      let used = takes < available ? takes : available;
      if (input.amount !== undefined) {
        const asked = minorUnitsAmount(input.amount, credit.currency, "amount");
        if (asked === 0n || asked > used) {
          throw new StorekeepError("VALIDATION_FAILED", `amount must be more than 0 and at most ${unitsToString(used)} ${credit.currency} (what the credit has and the documents take).`, { issues: [{ path: "amount", message: `at most ${unitsToString(used)}`, code: "custom" }] });
        }
        used = asked;
      }
      const allocationId = input.allocationId ?? ctx.ids.next("alloc");
      const usedSigned = used * creditSign;
      const bookedUsed = relievedValue(creditOpen, toUnits(credit.openFunctional), usedSigned, quantum);
      const before = new Map<string, OpenItem>();
      for (const id of input.documentIds) before.set(id, (await getItem(ctx.tx, input.ledger, id))!.item);
      const settled = await settle(ctx.tx, fc, { ledger: input.ledger, date: input.date, documentId: allocationId, kind: "allocation", currency: credit.currency, amount: usedSigned, value: bookedUsed, targets: input.documentIds });
      const { item: after } = settleItem(credit, { date: input.date, documentId: allocationId, kind: "allocation", amount: usedSigned, settledValue: bookedUsed, quantum }, toUnits, unitsToString);
      await ctx.tx.documents.put(OPEN_ITEMS_COLLECTION, credit.itemId, after as unknown as JsonObject, found.version);
      const documents: Allocation["documents"][number][] = [];
      for (const id of input.documentIds) {
        const now = (await getItem(ctx.tx, input.ledger, id))!.item;
        const last = now.settlements.at(-1);
        if (last === undefined || last.documentId !== allocationId || now.settlements.length === before.get(id)!.settlements.length) continue;
        documents.push({ documentId: id, amount: last.amount, booked: last.booked });
      }
      let entryId: string | null = null;
      if (settled.difference !== 0n) {
        const entry = await postDraft(ctx, settings, {
          date: input.date,
          domain: input.ledger === "receivables" ? "sales" : "purchases",
          kind: "standard",
          memo: `Allocation ${allocationId}: ${input.creditId} to ${input.documentIds.join(", ")}`,
          key: null,
          source: commandSource(ctx),
          reversalOf: null,
          lines: [
            { account: settings.accountMap[input.ledger], currency: fc, amount: -settled.difference, functional: -settled.difference },
            { account: settings.accountMap["exchange-gain-loss"], currency: fc, amount: settled.difference, functional: settled.difference },
          ],
        });
        entryId = entry.entryId;
      }
      const result: Allocation = { allocationId, ledger: input.ledger, creditId: input.creditId, currency: credit.currency, amount: unitsToString(used), documents, exchangeDifference: unitsToString(settled.difference), entryId, credit: after };
      // Which document (and, on receivables, which sales order) the credit came from and what each took:
      // money paid on one order may now pay another, which the order's consumers (CRM) must follow.
      const money = (units: bigint) => ({ amount: unitsToString(units < 0n ? -units : units), currency: credit.currency });
      const side = (item: OpenItem) => ({ documentId: item.documentId, documentType: item.documentType, ...(item.orderId === undefined ? {} : { orderId: item.orderId }) });
      const event: NewEvent = {
        type: "CreditAllocated",
        aggregateType: "allocation",
        aggregateId: allocationId,
        effectiveDate: input.date,
        payload: {
          allocationId,
          ledger: input.ledger,
          party: credit.party,
          currency: credit.currency,
          amount: money(used),
          credit: side(credit),
          documents: documents.map((d) => ({ ...side(before.get(d.documentId)!), amount: money(toUnits(d.amount)) })),
        },
      };
      return { result: result as unknown as JsonObject, events: [event] };
    },
  });
}
