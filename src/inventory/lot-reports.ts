import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import { PRODUCTS } from "./product.js";
import { QUANTITIES } from "./ledger-records.js";
import { LOTS, type Lot } from "./lots.js";
import { MOVEMENTS, type MovementRecord } from "./movement.js";
import { heldByLot, warehouseStock } from "./lot-holds.js";
import { type Pick, type RemovalStrategy, pickStock } from "./removal-strategy.js";

/** The collection of order → customer, fed by OrderPlaced (for recalls). @example `ORDER_CUSTOMERS === "inventory.order-customers"` */
export const ORDER_CUSTOMERS = "inventory.order-customers";

/**
 * A pick list: where to take a quantity of a SKU from at a warehouse.
 *
 * @example
 * ```ts
 * const list: PickList = { sku: "MILK", warehouseId: "wh", strategy: "fefo", picks: [], short: "0" };
 * ```
 */
export interface PickList extends JsonObject {
  readonly sku: string;
  readonly warehouseId: string;
  readonly strategy: RemovalStrategy;
  readonly picks: readonly (Pick & JsonObject)[];
  readonly short: string;
}

/**
 * Proposes where to take `quantity` of a SKU at a warehouse by a removal strategy, from
 * the stock on hand per location and lot (expired lots and units other customers hold by
 * lot skipped).
 *
 * @example
 * ```ts
 * const list = await pickReport(tx, { sku: "MILK", warehouseId: "wh", quantity: "6", strategy: "fefo" }, "2026-03-31");
 * ```
 */
export async function pickReport(tx: Transaction, query: { readonly sku: string; readonly warehouseId: string; readonly quantity: string; readonly strategy: RemovalStrategy }, today: string, nowIso: string): Promise<PickList> {
  const stock = await warehouseStock(tx, query.sku, query.warehouseId);
  // Units other customers hold of a lot are not proposed.
  const lots = [...new Set(stock.map((row) => row.lot).filter((l): l is string => l !== null))];
  const held = await heldByLot(tx, query.sku, query.warehouseId, lots, nowIso);
  const caps = new Map<string, string>();
  for (const [lot, h] of held) {
    let total = new Decimal(0);
    for (const row of stock) if (row.lot === lot) total = total.plus(row.quantity);
    caps.set(lot, canonicalDecimal(Decimal.max(total.minus(h), 0)));
  }
  const { picks, short } = pickStock(stock, query.quantity, query.strategy, today, { caps });
  return { sku: query.sku, warehouseId: query.warehouseId, strategy: query.strategy, picks: picks as (Pick & JsonObject)[], short };
}

/**
 * A recall of one lot: where it came from, which orders and customers received it, and
 * where what is left sits.
 *
 * @example
 * ```ts
 * const r: RecallReport = { sku: "MILK", lot: "L-42", expiry: "2026-04-10", received: [], shipped: [], returned: [], onHand: [], customers: ["cus_1"] };
 * ```
 */
export interface RecallReport extends JsonObject {
  readonly sku: string;
  readonly lot: string;
  readonly expiry: string | null;
  readonly received: readonly { readonly movementId: string; readonly date: string; readonly quantity: string; readonly source: JsonObject }[];
  readonly shipped: readonly { readonly movementId: string; readonly date: string; readonly quantity: string; readonly orderId: string | null; readonly customerId: string | null; readonly source: JsonObject }[];
  readonly returned: readonly { readonly movementId: string; readonly date: string; readonly quantity: string; readonly orderId: string | null }[];
  readonly onHand: readonly { readonly locationId: string; readonly quantity: string }[];
  /** Every customer who received the lot (known from OrderPlaced events). */
  readonly customers: readonly string[];
}

/**
 * Which customers received lot X: reads the SKU's movements of that lot (one SKU's
 * history), the orders' customers (recorded from OrderPlaced), and what is still on hand.
 * An unknown SKU, or a lot the SKU never had (no lot master entry, no movement), is
 * NOT_FOUND naming it; a lot that has all gone still reports its history.
 *
 * @example
 * ```ts
 * const recall = await recallReport(tx, "MILK", "L-42");
 * recall.customers; // ["cus_1", "cus_7"]
 * ```
 */
export async function recallReport(tx: Transaction, sku: string, lot: string): Promise<RecallReport> {
  if ((await tx.documents.get(PRODUCTS, sku)) === undefined) {
    throw new StorekeepError("NOT_FOUND", `Unknown SKU "${sku}": no product is defined under it, so it has no lot "${lot}"; check the SKU.`, { sku, lot });
  }
  const lotDoc = await tx.documents.get<Lot>(LOTS, `${sku}|${lot}`);
  const received: RecallReport["received"][number][] = [];
  const shipped: { movementId: string; date: string; quantity: string; orderId: string | null; customerId: string | null; source: JsonObject }[] = [];
  const returned: RecallReport["returned"][number][] = [];
  let named = false;
  let after: string | undefined;
  for (;;) {
    const page = await tx.logs.read<MovementRecord>(MOVEMENTS, sku, { ...(after === undefined ? {} : { gt: after }), limit: 2000 });
    for (const { data: m } of page) {
      if (m.lot !== lot) continue;
      named = true;
      const quantity = m.quantity.startsWith("-") ? m.quantity.slice(1) : m.quantity;
      if (m.kind === "receipt" || m.kind === "opening") received.push({ movementId: m.movementId, date: m.effectiveDate, quantity, source: m.source });
      else if (m.kind === "sale-issue") shipped.push({ movementId: m.movementId, date: m.effectiveDate, quantity, orderId: m.orderId, customerId: null, source: m.source });
      else if (m.kind === "customer-return") returned.push({ movementId: m.movementId, date: m.effectiveDate, quantity, orderId: m.orderId });
    }
    if (page.length < 2000) break;
    after = page[page.length - 1]!.sortKey;
  }
  const orderIds = [...new Set(shipped.map((s) => s.orderId).filter((o): o is string => o !== null))];
  const customers = new Map((await tx.documents.getMany<{ orderId: string; customerId: string }>(ORDER_CUSTOMERS, orderIds)).map((d) => [d.data.orderId, d.data.customerId]));
  for (const s of shipped) s.customerId = s.orderId === null ? null : (customers.get(s.orderId) ?? null);
  const sums = await tx.balances.sumByKey(QUANTITIES, { keyPrefix: `${sku}|` });
  const onHand: { locationId: string; quantity: string }[] = [];
  for (const [key, amounts] of sums) {
    const [s, locationId, l] = key.split("|") as [string, string, string];
    const q = amounts["quantity"] ?? new Decimal(0);
    if (s === sku && l === lot && !q.isZero()) onHand.push({ locationId, quantity: canonicalDecimal(q) });
  }
  // A lot is known by its lot master entry (written when it first came in), or by any movement naming it (one that never came in).
  if (lotDoc === undefined && !named && onHand.length === 0) {
    throw new StorekeepError("NOT_FOUND", `Unknown lot "${lot}" of ${sku}: no movement of ${sku} names it (lots are per SKU); check the lot number.`, { sku, lot });
  }
  return {
    sku,
    lot,
    expiry: lotDoc?.data.expiry ?? null,
    received,
    shipped,
    returned,
    onHand: onHand.sort((a, b) => (a.locationId < b.locationId ? -1 : 1)),
    customers: [...new Set(shipped.map((s) => s.customerId).filter((c): c is string => c !== null))].sort(),
  };
}
