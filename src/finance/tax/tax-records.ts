import { Decimal, canonicalDecimal } from "../../kernel/decimal.js";
import { eventCatalog } from "../../kernel/events/definitions.js";
import type { EventType } from "../../kernel/events/definitions.js";
import type { MoneyJson } from "../../kernel/money.js";
import type { JsonObject, Transaction } from "../../ports/storage.js";
import type { Reaction } from "../../runner/command.js";
import { FINANCE_STORE } from "../ledger-store.js";
import type { OpenItemTaxLine } from "../open-items.js";
import type { FinanceSettings } from "../settings.js";

/*
 * The tax records: one per tax code of every posted tax document, written by a reaction in
 * the document's transaction (so a record exists exactly when its entry does), in the log
 * `finance.tax-records` (one stream, sort key date|eventId|n). The tax report sums them.
 */

/** The single stream of the tax records log. */
export const TAX_RECORDS_STREAM = "all";

/**
 * One tax code's functional amounts on one posted document, signed as they move the tax
 * account: an invoice's output tax is positive, a credit note's negative; a bill's input
 * tax positive, a supplier return's negative. `code` is null for a document posted
 * without `taxLines` (its whole tax, untagged).
 *
 * @example
 * ```ts
 * const record: TaxRecord = {
 *   date: "2026-03-02", eventId: "evt_1", eventType: "OrderInvoiced", documentId: "inv_1",
 *   direction: "output", account: "2200", code: "DE-STD", kind: "standard", country: "DE", region: null,
 *   rate: "0.19", base: "100", tax: "19", selfAssessed: false,
 * };
 * ```
 */
export interface TaxRecord extends OpenItemTaxLine {
  readonly date: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly documentId: string;
  readonly direction: "output" | "input";
  readonly account: string;
  readonly selfAssessed: boolean;
}

interface TaxDocument {
  readonly tax: MoneyJson;
  readonly net: MoneyJson;
  readonly shipping?: MoneyJson;
  readonly functional: { readonly net: MoneyJson; readonly tax: MoneyJson; readonly shipping?: MoneyJson };
  readonly taxLines?: readonly {
    readonly code: string;
    readonly jurisdiction: { readonly country: string; readonly region?: string };
    readonly kind: string;
    readonly rate: string;
    readonly functional: { readonly base: MoneyJson; readonly tax: MoneyJson };
    readonly selfAssessed?: boolean;
  }[];
}

/** The tax documents of the catalog: their direction, sign and document id. */
const TAX_DOCUMENTS: Readonly<Record<string, { readonly direction: "output" | "input"; readonly sign: 1 | -1; readonly id: (p: Record<string, unknown>) => string }>> = {
  OrderInvoiced: { direction: "output", sign: 1, id: (p) => p.invoiceId as string },
  CreditNoteIssued: { direction: "output", sign: -1, id: (p) => p.creditNoteId as string },
  SupplierBillRecorded: { direction: "input", sign: 1, id: (p) => p.billId as string },
  SupplierReturned: { direction: "input", sign: -1, id: (p) => p.returnId as string },
  LandedCostRecorded: { direction: "input", sign: 1, id: (p) => p.landedCostId as string },
};

/**
 * Output tax on customer advances (VAT on advance payments): taken on a capture before
 * invoicing (`PaymentCaptured.advanceTaxLines`, positive), released when an invoice applies
 * the advance or the advance is refunded (`advanceTaxReleased`, negative).
 */
const ADVANCE_TAX: Readonly<Record<string, { readonly key: string; readonly sign: 1 | -1; readonly id: (p: Record<string, unknown>) => string }>> = {
  PaymentCaptured: { key: "advanceTaxLines", sign: 1, id: (p) => p.paymentId as string },
  OrderInvoiced: { key: "advanceTaxReleased", sign: -1, id: (p) => p.invoiceId as string },
  RefundIssued: { key: "advanceTaxReleased", sign: -1, id: (p) => p.refundId as string },
};

/**
 * The event types that carry tax.
 *
 * @example
 * ```ts
 * TAX_DOCUMENT_TYPES.includes("OrderInvoiced"); // true
 * ```
 */
export const TAX_DOCUMENT_TYPES: readonly EventType[] = Object.freeze([...new Set([...Object.keys(TAX_DOCUMENTS), ...Object.keys(ADVANCE_TAX)])] as EventType[]);

function signed(amount: string, sign: 1 | -1): string {
  return canonicalDecimal(sign === 1 ? new Decimal(amount) : new Decimal(amount).negated());
}

/**
 * The tax records of one tax document (pure).
 *
 * @example
 * ```ts
 * const records = taxRecordsOf({ id: "evt_1", type: "OrderInvoiced", effectiveDate: "2026-03-02", payload }, settings);
 * ```
 */
export function taxRecordsOf(event: { readonly id: string; readonly type: string; readonly effectiveDate: string; readonly payload: unknown }, settings: FinanceSettings): TaxRecord[] {
  const records = documentTaxRecords(event, settings);
  const advance = ADVANCE_TAX[event.type];
  if (advance === undefined) return records;
  const lines = (event.payload as Record<string, unknown>)[advance.key] as TaxDocument["taxLines"];
  for (const line of lines ?? []) {
    records.push({
      date: event.effectiveDate,
      eventId: event.id,
      eventType: event.type,
      documentId: advance.id(event.payload as Record<string, unknown>),
      direction: "output",
      account: settings.accountMap["output-tax"],
      code: line.code,
      kind: line.kind,
      country: line.jurisdiction.country,
      region: line.jurisdiction.region ?? null,
      rate: line.rate,
      base: signed(line.functional.base.amount, advance.sign),
      tax: signed(line.functional.tax.amount, advance.sign),
      selfAssessed: false,
    });
  }
  return records;
}

function documentTaxRecords(event: { readonly id: string; readonly type: string; readonly effectiveDate: string; readonly payload: unknown }, settings: FinanceSettings): TaxRecord[] {
  const spec = TAX_DOCUMENTS[event.type];
  if (!spec) return [];
  const doc = event.payload as TaxDocument;
  const base = { date: event.effectiveDate, eventId: event.id, eventType: event.type, documentId: spec.id(event.payload as Record<string, unknown>) };
  const accountOf = (direction: "output" | "input") => settings.accountMap[direction === "output" ? "output-tax" : "input-tax"];
  if (doc.taxLines === undefined) {
    if (new Decimal(doc.functional.tax.amount).isZero()) return [];
    const net = new Decimal(doc.functional.net.amount).plus(doc.functional.shipping?.amount ?? "0");
    return [
      {
        ...base,
        direction: spec.direction,
        account: accountOf(spec.direction),
        code: null,
        kind: null,
        country: null,
        region: null,
        rate: null,
        base: signed(canonicalDecimal(net), spec.sign),
        tax: signed(doc.functional.tax.amount, spec.sign),
        selfAssessed: false,
      },
    ];
  }
  const out: TaxRecord[] = [];
  for (const line of doc.taxLines) {
    const common = {
      ...base,
      code: line.code,
      kind: line.kind,
      country: line.jurisdiction.country,
      region: line.jurisdiction.region ?? null,
      rate: line.rate,
      base: signed(line.functional.base.amount, spec.sign),
      tax: signed(line.functional.tax.amount, spec.sign),
    };
    if (line.selfAssessed === true) {
      out.push({ ...common, direction: "input", account: accountOf("input"), selfAssessed: true });
      out.push({ ...common, direction: "output", account: accountOf("output"), selfAssessed: true });
    } else {
      out.push({ ...common, direction: spec.direction, account: accountOf(spec.direction), selfAssessed: false });
    }
  }
  return out;
}

/**
 * The reaction that writes a tax document's records in its transaction.
 *
 * @example
 * ```ts
 * const reactions = [...financeReactions(settings), taxRecordsReaction(settings)];
 * ```
 */
export function taxRecordsReaction(settings: FinanceSettings): Reaction {
  return {
    name: "finance.tax-records",
    on: TAX_DOCUMENT_TYPES,
    async handle(ctx, event) {
      const type = event.type as EventType;
      const advance = ADVANCE_TAX[type];
      // A capture or refund without advance tax writes no record: skip the parse.
      if (advance !== undefined && !(type in TAX_DOCUMENTS) && (event.payload as Record<string, unknown>)[advance.key] === undefined) return [];
      const payload = ctx.eventsParsed === true ? event.payload : eventCatalog.parsePayload(type, event.payload, event.schemaVersion);
      const records = taxRecordsOf({ id: event.id, type, effectiveDate: event.effectiveDate, payload }, settings);
      if (records.length > 0) {
        await ctx.tx.logs.append(
          FINANCE_STORE.taxRecords,
          records.map((record, n) => ({ stream: TAX_RECORDS_STREAM, sortKey: `${record.date}|${record.eventId}|${String(n).padStart(3, "0")}`, data: record as unknown as JsonObject })),
        );
      }
      return [];
    },
  };
}

/**
 * Appends the tax records of a bad debt's VAT relief (`sign` −1: output tax taken back on a
 * write-off) or of the relief charged again when the debt is written back (`sign` 1: a late
 * payment, a credit note), one per tax code, under the journal entry that posted it
 * (`eventId`, `eventType` `BadDebtTaxRelieved` or `BadDebtTaxRecharged`), each naming its
 * invoice (`documentId`). The tax report counts them with the code's other records, so a written-off debt's
 * tax leaves the return of the write-off's period and comes back with the write-back's.
 *
 * @example
 * ```ts
 * await appendReliefRecords(ctx.tx, settings, { date: "2026-06-30", eventId: "je_9", sign: -1 }, relief.map((l) => ({ ...l, documentId: "INV2026-000001" })));
 * ```
 */
export async function appendReliefRecords(
  tx: Transaction,
  settings: FinanceSettings,
  at: { readonly date: string; readonly eventId: string; readonly sign: 1 | -1 },
  lines: readonly (OpenItemTaxLine & { readonly documentId: string })[],
): Promise<void> {
  if (lines.length === 0) return;
  const records: TaxRecord[] = lines.map((l) => ({
    date: at.date,
    eventId: at.eventId,
    eventType: at.sign === -1 ? "BadDebtTaxRelieved" : "BadDebtTaxRecharged",
    documentId: l.documentId,
    direction: "output",
    account: settings.accountMap["output-tax"],
    code: l.code,
    kind: l.kind,
    country: l.country,
    region: l.region,
    rate: l.rate,
    base: signed(l.base, at.sign),
    tax: signed(l.tax, at.sign),
    selfAssessed: false,
  }));
  await tx.logs.append(
    FINANCE_STORE.taxRecords,
    records.map((record, n) => ({ stream: TAX_RECORDS_STREAM, sortKey: `${record.date}|${record.eventId}|${String(n).padStart(3, "0")}`, data: record as unknown as JsonObject })),
  );
}
