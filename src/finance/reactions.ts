import { eventCatalog } from "../kernel/events/definitions.js";
import type { EventPayload, EventType } from "../kernel/events/definitions.js";
import type { CommandContext, Reaction } from "../runner/command.js";
import type { OutboxEvent } from "../ports/storage.js";
import { type AppliedCredits, type WrittenBack, realiseReplacedCredit, settleCreditedInvoices, trackOpenItems, writeBackOnCredit, writeBackOnPayment } from "./open-item-tracking.js";
import { appendReliefRecords } from "./tax/tax-records.js";
import { postDraft } from "./post-draft.js";
import { toUnits, unitsToString } from "./posting-kernel.js";
import { type RuleEvent, reactedEventTypes, ruleFor } from "./posting-rules.js";
import type { FinanceSettings } from "./settings.js";

/*
 * Finance's reactions: every catalog event goes through its posting rule, inside the
 * command's transaction, so a stock movement and its journal entry commit together.
 */

/**
 * The reaction that posts every catalog event through its rule (the shop's override or
 * the default). Each entry names its source event; a rule that returns nothing posts
 * nothing.
 *
 * @example
 * ```ts
 * const reactions = financeReactions(resolveFinanceOptions());
 * ```
 */
export function financeReactions(settings: FinanceSettings): Reaction[] {
  return [
    {
      name: "finance.post",
      on: reactedEventTypes(settings.rules),
      async handle(ctx, event) {
        const type = event.type as EventType;
        // The runtime parsed the payload already when it validates with the catalog; parsing
        // again (only then) keeps the rules safe on a runtime built without it.
        const parsed = ctx.eventsParsed === true ? (event.payload as unknown as ReturnType<typeof eventCatalog.parsePayload<typeof type>>) : eventCatalog.parsePayload(type, event.payload, event.schemaVersion);
        // The subledgers first: a settlement's exchange difference comes from the open items.
        const payload = await trackOpenItems(ctx.tx, ctx.config.functionalCurrency, { type, effectiveDate: event.effectiveDate, payload: parsed });
        // An edit's new invoice in a foreign currency takes the rest of the correction credit note
        // it replaces at their booked values: the difference is an exchange gain or loss.
        const { difference: replaced, advance } = type === "OrderInvoiced" ? await realiseReplacedCredit(ctx.tx, ctx.config.functionalCurrency, payload as AppliedCredits, event.effectiveDate) : { difference: 0n, advance: 0n };
        // A correction, cancellation or return credit note settles the order's open invoices (a difference of booked values is realised).
        const credited = type === "CreditNoteIssued" ? await settleCreditedInvoices(ctx.tx, ctx.config.functionalCurrency, payload as EventPayload<"CreditNoteIssued">, event.effectiveDate) : 0n;
        // A credit note of invoices finance wrote off writes back what its credit would otherwise leave with the customer.
        // So does a late payment of a written-off debt: what the capture leaves beyond the open invoices recovers the bad debt.
        const writtenBack =
          type === "CreditNoteIssued"
            ? await writeBackOnCredit(ctx.tx, ctx.config.functionalCurrency, payload as { creditNoteId: string; invoiceId?: string; invoiceIds?: readonly string[] }, event.effectiveDate)
            : type === "PaymentCaptured"
              ? await writeBackOnPayment(ctx.tx, ctx.config.functionalCurrency, payload as EventPayload<"PaymentCaptured">, event.effectiveDate)
              : { lines: [], difference: 0n };
        // The order's credits held for goods still to ship (an over-payment, an edit's or a return's
        // credit) are advances for the goods this invoice bills: IFRIC 22 measures the part they cover
        // at their booked value, so the difference to the invoice's rate lowers (or raises) revenue.
        const ruleEvent = { id: event.id, type, effectiveDate: event.effectiveDate, payload: advance === 0n ? payload : advanceMeasured(payload as EventPayload<"OrderInvoiced">, advance, ctx.config.functionalCurrency) } as RuleEvent;
        const entries = ruleFor(type, settings.rules)(ruleEvent as never, { accountMap: settings.accountMap, functionalCurrency: ctx.config.functionalCurrency, cashAccounts: settings.cashAccounts });
        for (const entry of entries) {
          await postDraft(ctx, settings, {
            date: entry.date,
            domain: entry.domain,
            kind: "standard",
            memo: entry.memo,
            key: null,
            source: { kind: "event", eventId: event.id, eventType: event.type, aggregateType: event.aggregateType, aggregateId: event.aggregateId },
            reversalOf: null,
            lines: entry.lines,
          });
        }
        const fc = ctx.config.functionalCurrency;
        if (writtenBack.lines.length > 0) {
          const p = payload as { creditNoteId?: string; paymentId?: string };
          // A bad debt whose output tax was relieved owes that tax again as it is written back:
          // the account written off to gets the net, output tax the rest.
          const recharged = (l: WrittenBack["lines"][number]) => l.recharge.reduce((sum, r) => sum + toUnits(r.tax), 0n);
          const entry = await postDraft(ctx, settings, {
            date: event.effectiveDate,
            domain: "sales",
            kind: "standard",
            memo: p.creditNoteId !== undefined ? `Credit note ${p.creditNoteId}: written-off receivable written back` : `Payment ${p.paymentId ?? ""}: written-off receivable recovered`,
            key: null,
            source: { kind: "event", eventId: event.id, eventType: event.type, aggregateType: event.aggregateType, aggregateId: event.aggregateId },
            reversalOf: null,
            lines: [
              ...writtenBack.lines.map((l) => ({ account: settings.accountMap.receivables, currency: l.currency, amount: l.amount, functional: l.value })),
              ...writtenBack.lines.filter((l) => l.value !== recharged(l)).map((l) => ({ account: l.account ?? settings.writeOffs.badDebtAccount ?? settings.writeOffs.smallDifferenceAccount, currency: fc, amount: recharged(l) - l.value, functional: recharged(l) - l.value })),
              ...writtenBack.lines.filter((l) => recharged(l) !== 0n).map((l) => ({ account: settings.accountMap["output-tax"], currency: fc, amount: -recharged(l), functional: -recharged(l) })),
              ...(writtenBack.difference === 0n ? [] : [
                { account: settings.accountMap.receivables, currency: fc, amount: -writtenBack.difference, functional: -writtenBack.difference },
                { account: settings.accountMap["exchange-gain-loss"], currency: fc, amount: writtenBack.difference, functional: writtenBack.difference },
              ]),
            ],
          });
          await appendReliefRecords(ctx.tx, settings, { date: event.effectiveDate, eventId: entry.entryId, sign: 1 }, writtenBack.lines.flatMap((l) => l.recharge.map((r) => ({ ...r, documentId: l.invoiceId }))));
        }
        if (credited !== 0n) await postExchange(ctx, settings, event, credited, `Credit note ${(payload as EventPayload<"CreditNoteIssued">).creditNoteId} applied to the order's invoices, exchange difference`);
        if (replaced !== 0n) {
          const p = payload as AppliedCredits;
          await postExchange(ctx, settings, event, replaced, `Order edit: ${p.replaces ?? ""} applied to ${p.invoiceId}, exchange difference`);
        }
        return [];
      },
    },
  ];
}

/**
 * Posts the difference a settlement between an order's own documents realised (their booked
 * values differ: a credit note at another rate than the invoice it settles): Receivables
 * against Exchange gain/loss, `difference` positive = a loss.
 */
async function postExchange(ctx: CommandContext, settings: FinanceSettings, event: OutboxEvent, difference: bigint, memo: string): Promise<void> {
  const fc = ctx.config.functionalCurrency;
  await postDraft(ctx, settings, {
    date: event.effectiveDate,
    domain: "sales",
    kind: "standard",
    memo,
    key: null,
    source: { kind: "event", eventId: event.id, eventType: event.type, aggregateType: event.aggregateType, aggregateId: event.aggregateId },
    reversalOf: null,
    lines: [
      { account: settings.accountMap.receivables, currency: fc, amount: -difference, functional: -difference },
      { account: settings.accountMap["exchange-gain-loss"], currency: fc, amount: difference, functional: difference },
    ],
  });
}

/**
 * An invoice's payload with the part an advance covered measured at the advance's booked value
 * (IFRIC 22): the functional net and gross lower by `advance` (what the covered part is worth at
 * the invoice's rate less the advance's booked value), tax and shipping as invoiced.
 *
 * @example
 * ```ts
 * advanceMeasured(payload, 720000n, "EUR").functional.net; // { amount: "18.28", currency: "EUR" } for a net of 19.00
 * ```
 */
function advanceMeasured(payload: EventPayload<"OrderInvoiced">, advance: bigint, functionalCurrency: string): EventPayload<"OrderInvoiced"> {
  const f = payload.functional;
  const money = (units: bigint) => ({ amount: unitsToString(units), currency: functionalCurrency });
  return { ...payload, functional: { ...f, net: money(toUnits(f.net.amount) - advance), gross: money(toUnits(f.gross.amount) - advance) } };
}
