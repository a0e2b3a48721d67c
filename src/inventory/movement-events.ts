import type { Json } from "../ports/storage.js";
import type { NewEvent } from "../runner/command.js";
import { type MovementRecord, effectOf } from "./movement.js";
import type { MovementValuation } from "./valuation.js";
import { formatScaled } from "./valuation-kernel.js";

/*
 * The stock-value events of recorded movements (StockReceived, StockIssued, StockAdjusted,
 * StockTransferred, StockRevalued) and of a re-derivation's differences.
 */

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function postingsJson(postings: Readonly<Record<string, bigint>>, digits: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [role, amount] of Object.entries(postings)) out[role] = formatScaled(amount, digits);
  return out;
}

function money(minor: bigint, currency: string, digits: number): { amount: string; currency: string } {
  return { amount: formatScaled(minor, digits), currency };
}

/**
 * The start of a receipt's, issue's or adjustment's payload (the movement, then its place),
 * built field by field: object spreads into a literal took V8's slow path, a tenth of an
 * issue's own time.
 */
function placed(record: MovementRecord): Record<string, Json> {
  const payload: Record<string, Json> = { movementId: record.movementId, sku: record.sku, effectiveAt: record.effectiveAt, source: record.source as unknown as Json, warehouseId: record.warehouseId, locationId: record.locationId };
  if (record.lot !== null) payload["lot"] = record.lot;
  return payload;
}

/** An event of the record's SKU, dated by its business date. */
function skuEvent(type: string, record: MovementRecord, payload: Record<string, unknown>): NewEvent {
  return { type, aggregateType: "sku", aggregateId: record.sku, effectiveDate: record.effectiveDate, payload } as NewEvent;
}

export function movementEvents(record: MovementRecord, v: MovementValuation, currency: string, digits: number): NewEvent[] {
  const quantity = record.quantity.startsWith("-") ? record.quantity.slice(1) : record.quantity;
  const events: NewEvent[] = [];
  const effect = effectOf(record);
  if (record.kind === "adjustment" || record.kind === "scrap") {
    const signed = effect === "in" ? v.amount : -v.amount;
    const payload = placed(record);
    payload["quantity"] = record.quantity;
    payload["value"] = money(signed, currency, digits);
    payload["reason"] = record.reason ?? (record.kind === "scrap" ? "scrap" : "count");
    payload["counterAccountRole"] = record.counterRole;
    events.push(skuEvent("StockAdjusted", record, payload));
  } else if (effect === "in") {
    const stockValue = v.stockValue ?? v.amount;
    const payload = placed(record);
    payload["quantity"] = quantity;
    payload["value"] = money(stockValue, currency, digits);
    payload["counterAccountRole"] = record.counterRole;
    if (stockValue !== v.amount) payload["counterValue"] = money(v.amount, currency, digits);
    events.push(skuEvent("StockReceived", record, payload));
  } else if (effect === "out") {
    const payload = placed(record);
    payload["quantity"] = quantity;
    payload["cost"] = money(v.amount, currency, digits);
    payload["counterAccountRole"] = record.counterRole;
    events.push(skuEvent("StockIssued", record, payload));
  } else if (record.kind === "transfer") {
    const to = record.to!;
    events.push(
      skuEvent("StockTransferred", record, {
        movementId: record.movementId,
        sku: record.sku,
        effectiveAt: record.effectiveAt,
        source: record.source,
        ...(record.transferId === null ? {} : { transferId: record.transferId }),
        ...(record.lot === null ? {} : { lot: record.lot }),
        from: { warehouseId: record.warehouseId, locationId: record.locationId },
        to: { warehouseId: to.warehouseId, locationId: to.locationId },
        quantity: record.moved,
        value: money(BigInt(record.valueMinor ?? "0"), currency, digits),
        stage: record.stage ?? "direct",
      }),
    );
  } else if (record.kind === "revaluation") {
    const postings = Object.entries(v.postings).sort(rolesFirst).map(([role, amount]) => ({ role, amount: money(amount, currency, digits) }));
    if (postings.length >= 2) {
      events.push(skuEvent("StockRevalued", record, { revaluationId: record.movementId, sku: record.sku, reason: record.reason ?? "price-difference", source: record.source, postings }));
    }
  }
  if (v.trueUps.length > 0) {
    let total = 0n;
    const parts: { role: string; amount: { amount: string; currency: string }; movementId: string }[] = [];
    for (const t of v.trueUps) {
      total += t.amount;
      parts.push({ role: t.counterRole, amount: money(t.amount, currency, digits), movementId: t.movementId });
    }
    if (total !== 0n || parts.length > 1) {
      const postings = [...(total === 0n ? [] : [{ role: "inventory", amount: money(-total, currency, digits) }]), ...parts];
      events.push(skuEvent("StockRevalued", record, { revaluationId: `${record.movementId}.true-up`, sku: record.sku, reason: "negative-stock-true-up", source: { type: "true-up", id: record.movementId }, postings }));
    }
  }
  return events;
}

function rolesFirst([a]: [string, bigint], [b]: [string, bigint]): number {
  if (a === b) return 0;
  if (a === "inventory") return -1;
  if (b === "inventory") return 1;
  return cmp(a, b);
}

/** Differences of a re-derivation as StockRevalued events, whole dates per event (at most 1,000 postings each). */
export function backdateEvents(sku: string, movementId: string, differences: ReadonlyMap<string, ReadonlyMap<string, bigint>>, currency: string, digits: number): NewEvent[] {
  const events: NewEvent[] = [];
  let postings: { role: string; amount: { amount: string; currency: string }; date: string }[] = [];
  let firstDate: string | undefined;
  const flush = (): void => {
    if (postings.length === 0) return;
    events.push({
      type: "StockRevalued",
      aggregateType: "sku",
      aggregateId: sku,
      effectiveDate: firstDate!,
      payload: { revaluationId: `${movementId}.backdate.${events.length + 1}`, sku, reason: "backdated", source: { type: "backdate", id: movementId }, postings },
    });
    postings = [];
    firstDate = undefined;
  };
  for (const date of [...differences.keys()].sort()) {
    const roles = [...differences.get(date)!.entries()].sort(rolesFirst);
    if (postings.length + roles.length > 1000) flush();
    firstDate ??= date;
    for (const [role, amount] of roles) postings.push({ role, amount: money(amount, currency, digits), date });
  }
  flush();
  return events;
}
