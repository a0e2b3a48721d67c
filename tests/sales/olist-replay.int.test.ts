import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { parseCsv } from "../../src/kernel/csv.js";
import type { OrderView } from "../../src/sales/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * Replays the 10,000 real 2017 Olist orders (../shared/data/olist-2017, CC BY-NC-SA 4.0:
 * read here, never copied into the project) through sk.sales: every order must reach the
 * status Olist recorded through allowed transitions, and the counts per status must match.
 * FAILS when the data is missing.
 *
 * Mapping (docs/orders.md): purchase → placeOrder; approval → capturePayment; "invoiced" →
 * invoiceOrder; carrier → shipOrder; customer delivery → deliverShipment; "canceled" and
 * "unavailable" → cancelOrder (reason) and a refund of what was captured; "created" → a
 * draft. Each order's steps run in that order; a step whose timestamp is earlier than the
 * step before it (a data anomaly) runs at the earlier step's instant, and is counted.
 */

const DIR = resolve(import.meta.dirname, "../../../shared/data/olist-2017");

function table(name: string): Record<string, string>[] {
  let text: string;
  try {
    text = gunzipSync(readFileSync(resolve(DIR, name))).toString("utf8");
  } catch (error) {
    throw new Error(`Olist data missing: ${resolve(DIR, name)} could not be read (${String(error)}). The replay needs ../shared/data/olist-2017.`);
  }
  const [header, ...rows] = parseCsv(text.trim());
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""])));
}

const instant = (s: string) => `${s.replace(" ", "T")}.000Z`;

/** The Olist status a storekeep order shows. */
export function olistStatusOf(view: OrderView): string {
  const o = view.order;
  if (o.state === "draft") return "created";
  if (o.state === "cancelled") return o.cancellationReason === "unavailable" ? "unavailable" : "canceled";
  if (view.statuses.fulfilment === "delivered") return "delivered";
  if (view.statuses.fulfilment === "shipped") return "shipped";
  if (o.invoices.length > 0) return "invoiced";
  if (view.statuses.payment === "paid") return "processing";
  return "approved-pending";
}

type Step = { at: string; order: number; seq: number; run: () => Promise<unknown> };

describe("Olist replay (integration: ../shared/data/olist-2017)", () => {
  it("every order reaches its recorded status through allowed transitions; counts per status match; timestamp anomalies counted", async () => {
    const orders = table("orders.csv.gz");
    const items = table("order_items.csv.gz");
    expect(orders.length).toBe(10_000);
    const linesOf = new Map<string, Record<string, string>[]>();
    for (const item of items) linesOf.set(item["order_id"]!, [...(linesOf.get(item["order_id"]!) ?? []), item]);
    const units = new Map<string, number>();
    for (const item of items) units.set(item["product_id"]!, (units.get(item["product_id"]!) ?? 0) + 1);

    const clock = new ManualClock("2016-12-31T00:00:00.000Z");
    const sk = createStorekeep({ store: memoryStore(), clock, ids: sequentialIds(), config: { functionalCurrency: "BRL", timeZone: "UTC" }, sales: { invoicing: "on-shipment", reserveAt: "placement", unpaidExpiryMinutes: 0 } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    for (const sku of [...units.keys(), "olist-no-items"]) await sk.inventory.defineProduct({ sku, costingMethod: "moving-average" });
    const rows = [...units.entries()].map(([sku, n]) => ({ sku, warehouseId: "wh", quantity: String(n), unitCost: "10" })).concat([{ sku: "olist-no-items", warehouseId: "wh", quantity: "1000", unitCost: "1" }]);
    for (let i = 0; i < rows.length; i += 1000) await sk.inventory.importOpeningStock({ effectiveDate: "2016-12-31", rows: rows.slice(i, i + 1000), reference: `opening-${i}` });

    const anomalies = { carrierBeforeApproval: 0, deliveredBeforeCarrier: 0, deliveredWithoutDate: 0, deliveredWithoutApproval: 0, withoutItems: 0 };
    const steps: Step[] = [];
    orders.forEach((o, index) => {
      const id = o["order_id"]!;
      const status = o["order_status"]!;
      const lines = linesOf.get(id) ?? [];
      if (lines.length === 0) anomalies.withoutItems++;
      const purchase = instant(o["order_purchase_timestamp"]!);
      const approved = o["order_approved_at"] ? instant(o["order_approved_at"]) : null;
      const carrier = o["order_delivered_carrier_date"] ? instant(o["order_delivered_carrier_date"]) : null;
      const delivered = o["order_delivered_customer_date"] ? instant(o["order_delivered_customer_date"]) : null;
      if (approved !== null && carrier !== null && carrier < approved) anomalies.carrierBeforeApproval++;
      if (carrier !== null && delivered !== null && delivered < carrier) anomalies.deliveredBeforeCarrier++;
      let last = purchase;
      let seq = 0;
      const add = (at: string, run: () => Promise<unknown>) => {
        last = at > last ? at : last; // an earlier timestamp runs right after the step before it
        steps.push({ at: last, order: index, seq: seq++, run });
      };
      const shipping = lines.reduce((sum, l) => sum + Math.round(Number(l["freight_value"]) * 100), 0);
      add(purchase, () =>
        sk.sales.placeOrder({
          orderId: id,
          customerId: o["customer_id"]!,
          currency: "BRL",
          warehouseId: "wh",
          draft: status === "created",
          lines: lines.length === 0 ? [{ sku: "olist-no-items", quantity: 1, unitPrice: "0" }] : lines.map((l) => ({ lineId: l["order_item_id"]!, sku: l["product_id"]!, quantity: 1, unitPrice: l["price"]! })),
          shipping: { amount: (shipping / 100).toFixed(2) },
        }),
      );
      if (status === "created") return;
      // An order without lines totals 0: its approval moves no money.
      if (approved !== null && lines.length > 0) add(approved, () => sk.sales.capturePayment({ orderId: id, paymentId: `pay_${id}` }));
      if (status === "canceled" || status === "unavailable") {
        add(last, () => sk.sales.cancelOrder({ orderId: id, reason: status === "unavailable" ? "unavailable" : "cancelled" }));
        if (approved !== null && lines.length > 0) add(last, async () => {
          const view = await sk.sales.order(id);
          return sk.sales.refundPayment({ orderId: id, refundId: `ref_${id}`, amount: view!.leftToRefund });
        });
        return;
      }
      if (status === "invoiced") add(last, () => sk.sales.invoiceOrder({ orderId: id }));
      if (carrier !== null) add(carrier, () => sk.sales.shipOrder({ orderId: id, shipmentId: `shp_${id}` }));
      if (status === "delivered") {
        if (approved === null) anomalies.deliveredWithoutApproval++;
        if (delivered === null) anomalies.deliveredWithoutDate++;
        add(delivered ?? last, () => sk.sales.deliverShipment({ shipmentId: `shp_${id}` }));
      }
    });
    steps.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order || a.seq - b.seq));
    for (const step of steps) {
      clock.set(step.at);
      await step.run();
    }

    const recorded = new Map<string, number>();
    const replayed = new Map<string, number>();
    const mismatches: string[] = [];
    for (const o of orders) {
      const status = o["order_status"]!;
      recorded.set(status, (recorded.get(status) ?? 0) + 1);
      const view = (await sk.sales.order(o["order_id"]!))!;
      const ours = olistStatusOf(view);
      replayed.set(ours, (replayed.get(ours) ?? 0) + 1);
      if (ours !== status) mismatches.push(`${o["order_id"]}: ${status} → ${ours}`);
    }
    console.log(`Olist replay: ${steps.length} commands; statuses ${JSON.stringify(Object.fromEntries([...replayed].sort()))}; anomalies ${JSON.stringify(anomalies)}`);
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(Object.fromEntries([...replayed].sort())).toEqual(Object.fromEntries([...recorded].sort()));
    expect(anomalies.carrierBeforeApproval).toBe(16);
    expect(anomalies.deliveredBeforeCarrier).toBe(5);
    expect((await sk.inventory.audit()).ok).toBe(true);
    const tb = await sk.finance.trialBalance({ asOf: "2018-12-31" });
    expect(tb.totals.debit).toBe(tb.totals.credit);
  });
});
