import { describe, expect, it } from "vitest";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { ANALYTICS_STORE, applyFactEvent } from "../../src/analytics/facts.js";
import { applyTimelineEvent } from "../../src/crm/timeline.js";
import { postingRules } from "../../src/finance/posting-rules.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { eventCatalog, eventExamples } from "../../src/kernel/events/index.js";
import type { Storekeep } from "../../src/storekeep.js";
import { USD_RATES, shop, stock } from "./setup.js";

/*
 * sales.editOrder emits OrderEdited: once per edit, valid in the catalog, with the lines'
 * differences; analytics restates the edited order on its own date, CRM's timeline shows it.
 */

type Payload = Record<string, unknown> & { orderId: string; version: number; changes: { lineId: string; sku: string; quantityChange: string; discountChange: { amount: string }; netChange: { amount: string }; unitPrice: { amount: string } }[] };

async function editedEvents(sk: Storekeep, orderId?: string) {
  return (await sk.events.read(null, 10_000)).filter((e) => e.type === "OrderEdited" && (orderId === undefined || (e.payload as Payload).orderId === orderId));
}

const round = (d: Decimal, places: number) => d.toDecimalPlaces(places, Decimal.ROUND_HALF_EVEN).toFixed(places);

/** The analytics figures recomputed from the orders as they stand now (functional = transaction × rate). */
async function recomputed(sk: Storekeep, orderIds: readonly string[], rate: Decimal = new Decimal(1)) {
  const perSku = new Map<string, { gmv: Decimal; units: Decimal; orders: number }>();
  const perOrder = new Map<string, { gmv: Decimal; units: Decimal }>();
  let gmv = new Decimal(0);
  let list = new Decimal(0);
  let units = new Decimal(0);
  for (const orderId of orderIds) {
    const { order } = (await sk.sales.order(orderId))!;
    let orderGmv = new Decimal(0);
    let orderUnits = new Decimal(0);
    const skus = new Set<string>();
    for (const l of order.lines) {
      const q = new Decimal(l.quantity);
      const value = q.times(l.unitPrice).minus(l.lineDiscount).minus(l.orderDiscount).times(rate);
      gmv = gmv.plus(value);
      list = list.plus(q.times(l.listPrice ?? l.unitPrice).times(rate));
      units = units.plus(q);
      orderGmv = orderGmv.plus(value);
      orderUnits = orderUnits.plus(q);
      const s = perSku.get(l.sku) ?? { gmv: new Decimal(0), units: new Decimal(0), orders: 0 };
      perSku.set(l.sku, { gmv: s.gmv.plus(value), units: s.units.plus(q), orders: s.orders + (skus.has(l.sku) ? 0 : 1) });
      skus.add(l.sku);
    }
    perOrder.set(orderId, { gmv: orderGmv, units: orderUnits });
  }
  return { gmv, list, units, perSku, perOrder };
}

describe("OrderEdited: an order edit emits an event of its own", () => {
  it("analytics after place + edits (a quantity changed, a line removed, one added, then another change) equals a recomputation from the final orders, restated on the order's date", async () => {
    const { sk, clock } = shop(memoryStore());
    await stock(sk, ["MUG", "TEE", "CAP", "BAG"]);
    await sk.sales.placeOrder({
      orderId: "o_1", customerId: "cus_1", channel: "web", currency: "EUR", warehouseId: "wh",
      lines: [
        { sku: "MUG", quantity: 2, unitPrice: "10", listPrice: "12" },
        { sku: "TEE", quantity: 1, unitPrice: "20" },
        { sku: "CAP", quantity: 3, unitPrice: "5.55", listPrice: "6" },
      ],
      discounts: [{ kind: "percent", percent: "10" }],
    });
    // A guest order nobody edits: its figures stay as placed.
    await sk.sales.placeOrder({ orderId: "o_2", channel: "pos", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "10" }] });
    const placed = await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31" });
    clock.set("2026-03-04T10:00:00.000Z");
    await sk.sales.editOrder({
      orderId: "o_1",
      changes: [{ lineId: "1", quantity: "5" }, { lineId: "2", quantity: "0" }, { lineId: "3", quantity: "1" }],
      add: [{ sku: "BAG", quantity: 2, unitPrice: "7.5", listPrice: "9", discount: { kind: "fixed", amount: "1" } }],
    });
    clock.set("2026-03-05T10:00:00.000Z");
    await sk.sales.editOrder({ orderId: "o_1", changes: [{ lineId: "3", quantity: "2" }] });

    const want = await recomputed(sk, ["o_1", "o_2"]);
    const report = await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31", breakdowns: ["sku", "channel", "segment"] });
    expect(report.kpis.gmv).toBe(round(want.gmv, 2));
    expect(report.kpis.gmv).not.toBe(placed.kpis.gmv); // the edits moved it
    expect(report.kpis.orders).toBe("2"); // an edit never counts an order
    expect(report.kpis["units-per-order"]).toBe(round(want.units.dividedBy(2), 4));
    expect(report.kpis["discount-rate"]).toBe(round(want.list.minus(want.gmv).dividedBy(want.list), 4));
    // Per SKU: TEE was edited away (no order holds it), BAG was added (one order holds it).
    const sku = Object.fromEntries(report.breakdowns.sku!.map((r) => [r.key, [r.gmv, r.units, r.orders]]));
    for (const s of ["MUG", "TEE", "CAP", "BAG"]) {
      const w = want.perSku.get(s) ?? { gmv: new Decimal(0), units: new Decimal(0), orders: 0 };
      expect([s, ...sku[s]!]).toEqual([s, round(w.gmv, 2), w.units.toString(), String(w.orders)]);
    }
    expect(sku["TEE"]).toEqual(["0.00", "0", "0"]);
    // Per channel and per customer: o_1 is web and cus_1's, o_2 pos and a guest's.
    const o1 = want.perOrder.get("o_1")!;
    const o2 = want.perOrder.get("o_2")!;
    const channel = Object.fromEntries(report.breakdowns.channel!.map((r) => [r.key, [r.gmv, r.units, r.orders]]));
    expect(channel).toEqual({ web: [round(o1.gmv, 2), o1.units.toString(), "1"], pos: [round(o2.gmv, 2), o2.units.toString(), "1"] });
    const segments = report.breakdowns.segment!;
    expect(segments.find((r) => r.key === "guest")).toMatchObject({ gmv: round(o2.gmv, 2), units: o2.units.toString(), orders: "1" });
    expect(segments.filter((r) => r.key !== "guest").map((r) => [r.gmv, r.units, r.orders])).toEqual([[round(o1.gmv, 2), o1.units.toString(), "1"]]);
    // Restated on the order's date: 2 March holds it all, the edits' days hold no GMV.
    expect((await sk.analytics.kpis({ from: "2026-03-02", to: "2026-03-02" })).kpis.gmv).toBe(round(want.gmv, 2));
    expect((await sk.analytics.kpis({ from: "2026-03-03", to: "2026-03-31" })).kpis).toMatchObject({ gmv: "0.00", orders: "0" });
    // A rebuild of the projection from the outbox reads the same.
    await sk.analytics.rebuild();
    expect((await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31" })).kpis).toMatchObject({ gmv: round(want.gmv, 2), orders: "2", "discount-rate": report.kpis["discount-rate"] });
  }, 60_000);

  it("one event per edit, valid in the catalog, carrying the new lines, totals and each line's signed difference; a replayed edit emits nothing more", async () => {
    const { sk } = shop(memoryStore());
    await stock(sk, ["MUG", "TEE", "CAP"]);
    await sk.sales.placeOrder({ orderId: "o_1", customerId: "cus_1", channel: "web", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10", listPrice: "12" }, { sku: "TEE", quantity: 1, unitPrice: "20" }], discounts: [{ kind: "threshold", every: "30", off: "5" }] });
    const input = { orderId: "o_1", changes: [{ lineId: "1", quantity: "3" }, { lineId: "2", quantity: "0" }], add: [{ sku: "CAP", quantity: 1, unitPrice: "8" }] };
    const first = await sk.sales.editOrder(input, { idempotencyKey: "edit-1" });
    const again = await sk.sales.editOrder(input, { idempotencyKey: "edit-1" });
    expect(again).toEqual(first);
    const events = await editedEvents(sk);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ aggregateType: "order", aggregateId: "o_1", effectiveDate: "2026-03-02" });
    const payload = event!.payload as Payload;
    expect(eventCatalog.parsePayload("OrderEdited", payload)).toEqual(payload);
    const view = (await sk.sales.order("o_1"))!;
    const [v1] = await sk.sales.orderVersions("o_1");
    // 3 × 10 + 8 = 38: one 30 reached, 5 off allocated over MUG and CAP; TEE gone.
    expect(payload).toMatchObject({
      orderId: "o_1", customerId: "cus_1", warehouseId: "wh", channel: "web", currency: "EUR", version: 2, placedOn: "2026-03-02",
      total: { amount: view.order.totals.gross, currency: "EUR" }, previousTotal: { amount: v1!.order.totals.gross, currency: "EUR" },
      net: { amount: view.order.totals.net, currency: "EUR" }, tax: { amount: view.order.totals.tax, currency: "EUR" }, shipping: { amount: "0", currency: "EUR" },
    });
    expect(payload["draft"]).toBeUndefined();
    expect(payload["refundId"]).toBeUndefined();
    expect(payload["lines"]).toEqual(view.order.lines.map((l) => {
      const discount = new Decimal(l.lineDiscount).plus(l.orderDiscount);
      return { lineId: l.lineId, sku: l.sku, quantity: l.quantity, unitPrice: { amount: l.unitPrice, currency: "EUR" }, ...(l.listPrice === undefined ? {} : { listPrice: { amount: l.listPrice, currency: "EUR" } }), ...(discount.isZero() ? {} : { discount: { amount: discount.toString(), currency: "EUR" } }), net: { amount: l.net, currency: "EUR" } };
    }));
    expect(payload.changes.map((c) => [c.lineId, c.sku, c.unitPrice.amount, c.quantityChange])).toEqual([
      ["1", "MUG", "10", "1"],
      ["2", "TEE", "20", "-1"],
      ["3", "CAP", "8", "1"],
    ]);
    // The differences are exact: the previous version plus them is the new one.
    const before = new Map(v1!.order.lines.map((l) => [l.lineId, l]));
    const after = new Map(view.order.lines.map((l) => [l.lineId, l]));
    for (const c of payload.changes) {
      const was = before.get(c.lineId);
      const now = after.get(c.lineId);
      const discountOf = (l: typeof was) => (l === undefined ? new Decimal(0) : new Decimal(l.lineDiscount).plus(l.orderDiscount));
      expect(new Decimal(now?.quantity ?? 0).minus(was?.quantity ?? 0).toString()).toBe(c.quantityChange);
      expect(new Decimal(now?.net ?? 0).minus(was?.net ?? 0).toString()).toBe(c.netChange.amount);
      expect(discountOf(now).minus(discountOf(was)).toString()).toBe(c.discountChange.amount);
    }
    expect(payload.changes.reduce((s, c) => s.plus(c.netChange.amount), new Decimal(0)).toString()).toBe(new Decimal(view.order.totals.net).minus(v1!.order.totals.net).toString());
    // A second edit is a second event, version 3: a line kept at its quantity whose share of the re-computed discount moved is listed with quantity 0.
    await sk.sales.editOrder({ orderId: "o_1", changes: [{ lineId: "3", quantity: "0" }] });
    const second = (await editedEvents(sk)).map((e) => e.payload as Payload);
    expect(second.map((p) => p.version)).toEqual([2, 3]);
    expect(second[1]!.changes.map((c) => [c.lineId, c.quantityChange])).toEqual([["1", "0"], ["3", "-1"]]);
    // Finance posts nothing for it.
    expect(postingRules.OrderEdited(eventCatalog.parse(event) as never, {} as never)).toEqual([]);
  });

  it("the catalog refuses an inconsistent payload", () => {
    const ok = eventExamples.OrderEdited;
    expect(eventCatalog.parsePayload("OrderEdited", ok)).toMatchObject({ version: 2 });
    const refused = (payload: unknown) => expect(() => eventCatalog.parsePayload("OrderEdited", payload)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    refused({ ...ok, total: { amount: "35.53", currency: "EUR" } }); // ≠ net + shipping + tax
    refused({ ...ok, net: { amount: "29.84", currency: "EUR" }, total: { amount: "35.51", currency: "EUR" } }); // ≠ Σ lines' net
    refused({ ...ok, changes: [ok.changes[0], ok.changes[0]] }); // a line changed twice
    refused({ ...ok, changes: [{ ...ok.changes[0]!, quantityChange: "0", discountChange: { amount: "0", currency: "EUR" }, netChange: { amount: "0", currency: "EUR" } }] }); // a change of nothing
    refused({ ...ok, changes: [{ ...ok.changes[0]!, sku: "TEE-M" }] }); // not the line's SKU
    refused({ ...ok, placedOn: undefined }); // a placed order's edit names its date
    refused({ ...ok, draft: true }); // a draft has none
    refused({ ...ok, version: 1 }); // the placed order is version 1
    refused({ ...ok, tax: { amount: "5.67", currency: "USD" } });
  });

  it("in a foreign currency the edit converts at the order date's rate; CRM's timeline shows it and RFM reads the new total, its surplus refund not subtracted again", async () => {
    const { sk, clock } = shop(memoryStore(), { invoicing: "on-shipment" }, USD_RATES);
    await stock(sk, ["MUG", "TEE"]);
    // 2 March: USD at 0.90. 2 × 10 + 1 × 15 = 35 USD net, 41.65 gross; paid in full before invoicing.
    await sk.sales.placeOrder({ orderId: "o_1", customerId: "cus_1", currency: "USD", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }, { sku: "TEE", quantity: 1, unitPrice: "15" }] });
    await sk.sales.capturePayment({ orderId: "o_1", paymentId: "ch_1" });
    // 6 March (0.92): the TEE goes; the 17.85 USD surplus is refunded with the edit.
    clock.set("2026-03-06T10:00:00.000Z");
    const edited = await sk.sales.editOrder({ orderId: "o_1", changes: [{ lineId: "2", quantity: "0" }], refund: { refundId: "re_1" } });
    expect(edited).toMatchObject({ total: "23.8", refundId: "re_1" });
    const [event] = await editedEvents(sk);
    expect(event!.payload).toMatchObject({ refundId: "re_1", placedOn: "2026-03-02", total: { amount: "23.8", currency: "USD" }, previousTotal: { amount: "41.65", currency: "USD" } });
    expect((await sk.events.read(null, 10_000)).filter((e) => e.type === "RefundIssued").map((e) => e.payload)).toMatchObject([{ refundId: "re_1", invoiced: false }]);
    const want = await recomputed(sk, ["o_1"], new Decimal("0.9"));
    expect(round(want.gmv, 2)).toBe("18.00");
    expect((await sk.analytics.kpis({ from: "2026-03-02", to: "2026-03-02" })).kpis).toMatchObject({ gmv: "18.00", orders: "1" });
    expect((await sk.analytics.kpis({ from: "2026-03-03", to: "2026-03-31" })).kpis).toMatchObject({ gmv: "0.00" });

    await sk.crm.syncTimeline();
    const timeline = (await sk.crm.timeline("cus_1")).entries;
    expect(timeline.filter((e) => e.kind === "order-edit").map((e) => [e.eventType, e.orderId, e.amount])).toEqual([["OrderEdited", "o_1", { amount: "23.8", currency: "USD" }]]);
    expect(timeline.map((e) => e.kind).sort()).toEqual(["order", "order-edit", "payment", "refund"]);
    // RFM's monetary value: the order's new total (23.80 USD, 21.42 EUR at the order date's 0.90), the edit's refund not subtracted from it a second time.
    const [score] = await sk.crm.segments("2026-03-31");
    expect(score).toMatchObject({ customerId: "cus_1", frequency: 1, monetary: 21.42 });
  }, 60_000);

  it("refund rate: the edit's correction credit note withdraws the invoice it replaces and its surplus refund is no refund of goods", async () => {
    const { sk, clock } = shop(memoryStore());
    await stock(sk, ["MUG"]);
    // 2 × 10 = 23.80 gross, invoiced on order and paid.
    await sk.sales.placeOrder({ orderId: "o_1", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
    await sk.sales.capturePayment({ orderId: "o_1", paymentId: "ch_1" });
    clock.set("2026-03-03T10:00:00.000Z");
    // One mug less: 23.80 credited (correction), 11.90 invoiced again, 11.90 paid back with the edit.
    await sk.sales.editOrder({ orderId: "o_1", changes: [{ lineId: "1", quantity: "1" }], refund: { refundId: "re_edit" } });
    expect((await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31" })).kpis).toMatchObject({ gmv: "10.00", "refund-rate": "0.0000" });
    // The mug that shipped comes back and is refunded: all that was invoiced (11.90) was refunded.
    await sk.sales.shipOrder({ orderId: "o_1", shipmentId: "s_1" });
    await sk.sales.requestReturn({ orderId: "o_1", returnId: "ret_1", lines: [{ lineId: "1", quantity: "1" }] });
    await sk.sales.receiveReturn({ returnId: "ret_1" });
    await sk.sales.refundPayment({ orderId: "o_1", refundId: "re_1", amount: "11.90", returnId: "ret_1" });
    expect((await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31" })).kpis).toMatchObject({ "refund-rate": "1.0000" });
  }, 60_000);

  it("analytics reads an edit against what it holds: an older edit read after a newer one (the outbox's transaction order) changes nothing", async () => {
    const { sk, clock } = shop(memoryStore(), {}, USD_RATES);
    await stock(sk, ["MUG", "TEE", "CAP"]);
    await sk.sales.placeOrder({ orderId: "o_1", customerId: "cus_1", currency: "USD", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10", listPrice: "11" }, { sku: "TEE", quantity: 1, unitPrice: "15" }], discounts: [{ kind: "percent", percent: "5" }] });
    await sk.sales.capturePayment({ orderId: "o_1", paymentId: "ch_1" });
    clock.set("2026-03-06T10:00:00.000Z");
    await sk.sales.editOrder({ orderId: "o_1", changes: [{ lineId: "2", quantity: "0" }], refund: { refundId: "re_1" } });
    clock.set("2026-03-07T10:00:00.000Z");
    await sk.sales.editOrder({ orderId: "o_1", changes: [{ lineId: "1", quantity: "3" }], add: [{ sku: "CAP", quantity: 2, unitPrice: "4.99" }] });
    const events = await sk.events.read(null, 10_000);
    const v2 = events.findIndex((e) => e.type === "OrderEdited" && (e.payload as Payload).version === 2);
    const v3 = events.findIndex((e) => e.type === "OrderEdited" && (e.payload as Payload).version === 3);
    const swapped = [...events];
    swapped.splice(v2, 0, swapped.splice(v3, 1)[0]!); // v3 read before v2 (and before v2's refund)
    const project = async (sequence: typeof events) => {
      const store = memoryStore();
      const { sk: fresh } = shop(store, {}, USD_RATES);
      await fresh.analytics.kpis({ from: "2026-03-01", to: "2026-03-01" }); // the collections exist, nothing to read
      const options = { functionalCurrency: "EUR" as const, rates: memoryRates(USD_RATES), onTimeDays: 2 };
      for (const event of sequence) await store.transaction((tx) => applyFactEvent(tx, event, options));
      return store.transaction(async (tx) => {
        const out: Record<string, Record<string, string>> = {};
        for (const family of [ANALYTICS_STORE.facts, ANALYTICS_STORE.customerFacts]) {
          for (const [key, amounts] of await tx.balances.sumByKey(family)) out[`${family}|${key}`] = Object.fromEntries(Object.entries(amounts).filter(([, v]) => !v.isZero()).map(([f, v]) => [f, v.toString()]));
        }
        return out;
      });
    };
    const inOrder = await project(events);
    expect(await project(swapped)).toEqual(inOrder);
    // And in order it is the final order at 2 March's rate (0.90), its refund no refund.
    const want = await recomputed(sk, ["o_1"], new Decimal("0.9"));
    expect(new Decimal(inOrder[`${ANALYTICS_STORE.facts}|all`]!["gmv"]!).toString()).toBe(want.gmv.toString());
    expect(new Decimal(inOrder[`${ANALYTICS_STORE.facts}|all`]!["listValue"]!).toString()).toBe(want.list.toString());
    expect(inOrder[`${ANALYTICS_STORE.facts}|all`]!["refunds"]).toBeUndefined();
    expect(inOrder[`${ANALYTICS_STORE.facts}|sku:TEE`]).not.toHaveProperty("gmv");
    expect(inOrder[`${ANALYTICS_STORE.facts}|sku:TEE`]).not.toHaveProperty("units");
    expect(inOrder[`${ANALYTICS_STORE.facts}|sku:TEE`]).not.toHaveProperty("orders");
    expect(inOrder[`${ANALYTICS_STORE.facts}|sku:CAP`]).toMatchObject({ units: "2", orders: "1" });
    // CRM too: the newest edit's total stays, the older edit's refund is still not a credit.
    for (const sequence of [events, swapped]) {
      const store = memoryStore();
      const { sk: fresh } = shop(store, {}, USD_RATES);
      await fresh.crm.syncTimeline();
      for (const event of sequence) await store.transaction((tx) => applyTimelineEvent(tx, event));
      // In EUR at the order date's rate (0.90), as CRM counts every order in the functional currency.
      const gross = new Decimal((await sk.sales.order("o_1"))!.order.totals.gross).times("0.9").toDecimalPlaces(2);
      expect((await fresh.crm.segments("2026-03-31")).map((r) => [r.customerId, r.monetary])).toEqual([["cus_1", gross.toNumber()]]);
    }
  }, 60_000);

  it("a shipped part stays filled: fill rate and units after an edit that cancels the unshipped rest", async () => {
    const { sk, clock } = shop(memoryStore());
    await stock(sk, ["MUG"]);
    await sk.sales.placeOrder({ orderId: "o_1", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 4, unitPrice: "10" }] });
    await sk.sales.shipOrder({ orderId: "o_1", shipmentId: "s_1", lines: [{ lineId: "1", quantity: "1" }] });
    expect((await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31" })).kpis["fill-rate"]).toBe("0.2500");
    clock.set("2026-03-03T10:00:00.000Z");
    await sk.sales.editOrder({ orderId: "o_1", changes: [{ lineId: "1", quantity: "2" }] });
    expect((await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31" })).kpis).toMatchObject({ gmv: "20.00", "fill-rate": "0.5000", "units-per-order": "2.0000", orders: "1" });
    await sk.sales.shipOrder({ orderId: "o_1", shipmentId: "s_2" });
    expect((await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31" })).kpis).toMatchObject({ "fill-rate": "1.0000" });
  }, 60_000);

  it("a draft's edit is an event marked draft, without a placement date; analytics counts the draft once, as placed", async () => {
    const { sk, clock } = shop(memoryStore());
    await stock(sk, ["MUG", "TEE"]);
    await sk.sales.placeOrder({ orderId: "o_1", customerId: "cus_1", currency: "EUR", warehouseId: "wh", draft: true, lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
    await sk.sales.editOrder({ orderId: "o_1", add: [{ sku: "TEE", quantity: 1, unitPrice: "20" }] });
    const [event] = await editedEvents(sk);
    expect(event!.payload).toMatchObject({ draft: true, version: 2 });
    expect(event!.payload).not.toHaveProperty("placedOn");
    expect((await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31" })).kpis).toMatchObject({ gmv: "0.00", orders: "0" });
    clock.set("2026-03-03T10:00:00.000Z");
    await sk.sales.changeOrderState({ orderId: "o_1", action: "place" });
    expect((await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31" })).kpis).toMatchObject({ gmv: "40.00", orders: "1", "units-per-order": "3.0000" });
    expect((await sk.analytics.kpis({ from: "2026-03-03", to: "2026-03-03" })).kpis).toMatchObject({ gmv: "40.00" });
  }, 60_000);
});
