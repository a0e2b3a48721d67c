import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { checkOrderInvariants } from "../../src/sales/order.js";
import type { Storekeep } from "../../src/storekeep.js";
import { shop } from "./setup.js";

/*
 * Model-based test: random sequences of order commands over three orders of two SKUs. The
 * model predicts which commands the module accepts (every accepted command must be
 * predicted, every predicted one accepted, refusals carry a stable code) and the line
 * buckets; after every command: the order's invariants hold, refunded ≤ captured, what is
 * left to pay and due back agrees with the order's receivable (returns' credits counted), the
 * books balance, and stock is conserved (on hand = opening − shipped + restocked). Edits
 * (new quantities, removed and added lines) are accepted exactly before a line ships and
 * keep the reservations equal to what is left to ship.
 */

const STOCK = { A: 40, B: 40 } as const;
type Sku = keyof typeof STOCK;
const ORDERS = [
  { id: "o1", lines: [{ lineId: "1", sku: "A" as Sku, quantity: 3, price: "9.99" }, { lineId: "2", sku: "B" as Sku, quantity: 2, price: "15.50" }] },
  { id: "o2", lines: [{ lineId: "1", sku: "A" as Sku, quantity: 5, price: "4.35" }] },
  { id: "o3", lines: [{ lineId: "1", sku: "B" as Sku, quantity: 1, price: "120" }, { lineId: "2", sku: "A" as Sku, quantity: 2, price: "0.99" }] },
];

interface LineModel { sku: Sku; ordered: number; shipped: number; delivered: number; requested: number; returned: number; restocked: number }
interface OrderModel { id: string; cancelled: boolean; completed: boolean; version: number; lines: Record<string, LineModel>; shipments: { id: string; lines: Record<string, number>; delivered: boolean }[]; returns: { id: string; lines: Record<string, number>; state: "requested" | "received" | "rejected" | "refunded"; outcome?: "restock" | "write-off" }[] }
interface Model { orders: OrderModel[]; n: number }
type Real = { sk: Storekeep };
type Cmd = fc.AsyncCommand<Model, Real>;

async function expectRefusal(p: Promise<unknown>): Promise<void> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error, "the model expected a refusal").toBeDefined();
  expect(isStorekeepError(error) && ["INVALID_TRANSITION", "VALIDATION_FAILED"].includes(error.code), `unexpected error ${String(error)}`).toBe(true);
}

async function check(m: Model, r: Real): Promise<void> {
  let shipped = { A: 0, B: 0 };
  let restocked = { A: 0, B: 0 };
  for (const o of m.orders) {
    const view = (await r.sk.sales.order(o.id))!;
    checkOrderInvariants(view.order);
    expect(new Decimal(view.order.paid.refunded).lte(view.order.paid.captured)).toBe(true);
    // What is owed, from the order's ledger (invoiced on order, so nothing is left to invoice): the customer owes
    // the receivable; a credit (a return's, an edit's) is owed back within what was captured and not refunded.
    const receivable = new Decimal(view.order.receivable.amount).minus(view.order.prepayment.amount);
    expect(view.leftToPay).toBe(o.cancelled ? "0" : Decimal.max(0, receivable).toFixed());
    expect(view.refundDue).toBe(Decimal.min(view.leftToRefund, Decimal.max(0, receivable.negated())).toFixed());
    expect(view.order.state === "cancelled").toBe(o.cancelled);
    expect(view.order.version ?? 1).toBe(o.version);
    expect(view.order.lines.map((l) => l.lineId).sort()).toEqual(Object.keys(o.lines).sort());
    for (const line of view.order.lines) {
      const lm = o.lines[line.lineId]!;
      expect([line.buckets.shipped, line.buckets.delivered, line.buckets.returnRequested, line.buckets.returned, line.buckets.restocked]).toEqual([lm.shipped, lm.delivered, lm.requested, lm.returned, lm.restocked].map(String));
      shipped = { ...shipped, [lm.sku]: shipped[lm.sku] + lm.shipped };
      restocked = { ...restocked, [lm.sku]: restocked[lm.sku] + lm.restocked };
    }
  }
  for (const sku of ["A", "B"] as const) {
    const a = await r.sk.inventory.availability(sku, "wh");
    expect(a.onHand).toBe(String(STOCK[sku] - shipped[sku] + restocked[sku]));
    const reserved = m.orders.filter((o) => !o.cancelled).reduce((sum, o) => sum + Object.values(o.lines).filter((l) => l.sku === sku).reduce((s, l) => s + l.ordered - l.shipped, 0), 0);
    expect(a.reserved).toBe(String(reserved));
  }
  const tb = await r.sk.finance.trialBalance({ asOf: "2026-12-31" });
  expect(tb.totals.debit).toBe(tb.totals.credit);
}

const order = fc.integer({ min: 0, max: ORDERS.length - 1 });
const commands = [
  fc.record({ o: order, part: fc.integer({ min: 1, max: 3 }) }).map(({ o, part }): Cmd => ({
    check: () => true,
    async run(m, r) {
      const om = m.orders[o]!;
      const view = (await r.sk.sales.order(om.id))!;
      const left = new Decimal(view.leftToPay);
      const amount = left.dividedBy(part).toDecimalPlaces(2, Decimal.ROUND_UP);
      const p = r.sk.sales.capturePayment({ orderId: om.id, paymentId: `ch${m.n++}`, amount: amount.isZero() ? "0.01" : amount.toFixed() });
      if (om.cancelled || left.isZero()) return expectRefusal(p);
      await p;
      await check(m, r);
    },
    toString: () => `capture(${o}, 1/${part})`,
  })),
  fc.record({ o: order, line: fc.constantFrom("1", "2"), q: fc.integer({ min: 1, max: 3 }) }).map(({ o, line, q }): Cmd => ({
    check: (m) => m.orders[o]!.lines[line] !== undefined,
    async run(m, r) {
      const om = m.orders[o]!;
      const lm = om.lines[line]!;
      const id = `s${m.n++}`;
      const p = r.sk.sales.shipOrder({ orderId: om.id, shipmentId: id, lines: [{ lineId: line, quantity: q }] });
      const allDelivered = Object.values(om.lines).every((l) => l.delivered === l.ordered);
      if (om.cancelled || allDelivered || q > lm.ordered - lm.shipped) return expectRefusal(p);
      await p;
      lm.shipped += q;
      om.shipments.push({ id, lines: { [line]: q }, delivered: false });
      await check(m, r);
    },
    toString: () => `ship(${o}, line ${line}, ${q})`,
  })),
  fc.record({ o: order, k: fc.nat() }).map(({ o, k }): Cmd => ({
    check: (m) => m.orders[o]!.shipments.length > 0,
    async run(m, r) {
      const om = m.orders[o]!;
      const s = om.shipments[k % om.shipments.length]!;
      const p = r.sk.sales.deliverShipment({ shipmentId: s.id });
      await p;
      // Delivered again: the first result, no second effect.
      if (s.delivered) return check(m, r);
      s.delivered = true;
      for (const [line, q] of Object.entries(s.lines)) om.lines[line]!.delivered += q;
      if (Object.values(om.lines).every((l) => l.delivered === l.ordered)) om.completed = true;
      await check(m, r);
    },
    toString: () => `deliver(${o}, #${k})`,
  })),
  order.map((o): Cmd => ({
    check: () => true,
    async run(m, r) {
      const om = m.orders[o]!;
      const p = r.sk.sales.cancelOrder({ orderId: om.id });
      if (om.cancelled || Object.values(om.lines).some((l) => l.shipped > 0)) return expectRefusal(p);
      await p;
      om.cancelled = true;
      await check(m, r);
    },
    toString: () => `cancel(${o})`,
  })),
  fc.record({ o: order, line: fc.constantFrom("1", "2"), q: fc.integer({ min: 1, max: 2 }) }).map(({ o, line, q }): Cmd => ({
    check: (m) => m.orders[o]!.lines[line] !== undefined,
    async run(m, r) {
      const om = m.orders[o]!;
      const lm = om.lines[line]!;
      const id = `r${m.n++}`;
      const p = r.sk.sales.requestReturn({ orderId: om.id, returnId: id, lines: [{ lineId: line, quantity: q }] });
      if (q > lm.shipped - lm.returned - lm.requested) return expectRefusal(p);
      await p;
      lm.requested += q;
      om.returns.push({ id, lines: { [line]: q }, state: "requested" });
      await check(m, r);
    },
    toString: () => `requestReturn(${o}, line ${line}, ${q})`,
  })),
  fc.record({ o: order, k: fc.nat(), outcome: fc.constantFrom("restock", "write-off", "reject") }).map(({ o, k, outcome }): Cmd => ({
    check: (m) => m.orders[o]!.returns.length > 0,
    async run(m, r) {
      const om = m.orders[o]!;
      const ret = om.returns[k % om.returns.length]!;
      const p = outcome === "reject" ? r.sk.sales.rejectReturn({ returnId: ret.id }) : r.sk.sales.receiveReturn({ returnId: ret.id, dispositions: Object.keys(ret.lines).map((lineId) => ({ lineId, disposition: outcome as "restock" | "write-off" })) });
      if (ret.state !== "requested") {
        // Received already: the same dispositions replay the first result, other ones are DUPLICATE_DOCUMENT.
        if (ret.outcome === undefined || outcome === "reject") return expectRefusal(p);
        if (ret.outcome !== outcome) return expect(p).rejects.toMatchObject({ code: "DUPLICATE_DOCUMENT" });
        await p;
        return check(m, r);
      }
      await p;
      ret.state = outcome === "reject" ? "rejected" : "received";
      if (outcome !== "reject") ret.outcome = outcome;
      for (const [line, q] of Object.entries(ret.lines)) {
        const lm = om.lines[line]!;
        lm.requested -= q;
        if (outcome !== "reject") lm.returned += q;
        if (outcome === "restock") lm.restocked += q;
      }
      await check(m, r);
    },
    toString: () => `${outcome}Return(${o}, #${k})`,
  })),
  fc.record({ o: order, half: fc.boolean() }).map(({ o, half }): Cmd => ({
    check: () => true,
    async run(m, r) {
      const om = m.orders[o]!;
      const view = (await r.sk.sales.order(om.id))!;
      // What the shop owes back: credited and unpaid, within what was captured and not refunded.
      const credit = Decimal.max(0, new Decimal(view.order.receivable.amount).negated());
      const available = Decimal.min(credit, view.leftToRefund);
      const amount = half ? available.dividedBy(2).toDecimalPlaces(2, Decimal.ROUND_DOWN) : available;
      const p = r.sk.sales.refundPayment({ orderId: om.id, refundId: `re${m.n++}`, amount: amount.isZero() ? "0.01" : amount.toFixed() });
      if (amount.isZero()) return expectRefusal(p);
      await p;
      await check(m, r);
    },
    toString: () => `refund(${o}, ${half ? "half" : "all"})`,
  })),
  fc.record({ o: order, line: fc.constantFrom("1", "2"), q: fc.integer({ min: 0, max: 4 }) }).map(({ o, line, q }): Cmd => ({
    check: () => true,
    async run(m, r) {
      const om = m.orders[o]!;
      const lm = om.lines[line];
      const refundId = `re${m.n++}`;
      // An existing line gets a new quantity (0 removes it); a missing one is added.
      const p =
        lm !== undefined
          ? r.sk.sales.editOrder({ orderId: om.id, changes: [{ lineId: line, quantity: q }], refund: { refundId } })
          : r.sk.sales.editOrder({ orderId: om.id, add: [{ lineId: line, sku: "B", quantity: q, unitPrice: "3.10" }], refund: { refundId } });
      const onlyLine = lm !== undefined && Object.keys(om.lines).length === 1;
      // A partly shipped line may go down to what shipped (its rest cancelled), not below.
      // An edit that changes nothing is refused (it would only burn document numbers).
      if (om.cancelled || om.completed || om.returns.length > 0 || (lm !== undefined && (q < lm.shipped || (q === 0 && onlyLine) || q === lm.ordered)) || (lm === undefined && q === 0)) return expectRefusal(p);
      await p;
      om.version += 1;
      if (lm === undefined) om.lines[line] = { sku: "B", ordered: q, shipped: 0, delivered: 0, requested: 0, returned: 0, restocked: 0 };
      else if (q === 0) delete om.lines[line];
      else lm.ordered = q;
      if (Object.values(om.lines).every((l) => l.delivered === l.ordered)) om.completed = true;
      const view = (await r.sk.sales.order(om.id))!;
      // Never more kept than the new total: a surplus was refunded in the edit.
      expect(new Decimal(view.order.paid.captured).minus(view.order.paid.refundedOnEdit ?? "0").lte(view.order.totals.gross)).toBe(true);
      expect((await r.sk.sales.orderVersions(om.id)).map((v) => v.version)).toEqual(Array.from({ length: om.version }, (_, i) => i + 1));
      await check(m, r);
    },
    toString: () => `edit(${o}, line ${line}, ${q})`,
  })),
];

describe("sales model (fc.commands, memory store)", () => {
  it("property: over random order command sequences, line invariants hold, books balance, stock is conserved, refunded ≤ captured, reservations follow edits, and the module accepts exactly what the model allows", async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (cmds) => {
        const { sk } = shop(memoryStore());
        await sk.inventory.defineWarehouse({ warehouseId: "wh" });
        for (const [sku, n] of Object.entries(STOCK)) {
          await sk.inventory.defineProduct({ sku, costingMethod: sku === "A" ? "fifo" : "moving-average" });
          await sk.inventory.receive({ sku, warehouseId: "wh", quantity: String(n), unitCost: sku === "A" ? "2.5" : "7" });
        }
        const model: Model = { orders: [], n: 0 };
        for (const o of ORDERS) {
          await sk.sales.placeOrder({ orderId: o.id, currency: "EUR", warehouseId: "wh", shipping: { amount: "3.90" }, lines: o.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity, unitPrice: l.price })), discounts: [{ kind: "percent", percent: "5" }] });
          model.orders.push({ id: o.id, cancelled: false, completed: false, version: 1, shipments: [], returns: [], lines: Object.fromEntries(o.lines.map((l) => [l.lineId, { sku: l.sku, ordered: l.quantity, shipped: 0, delivered: 0, requested: 0, returned: 0, restocked: 0 }])) });
        }
        await fc.asyncModelRun(() => ({ model, real: { sk } }), cmds);
        expect((await sk.inventory.audit()).ok).toBe(true);
      }),
      { numRuns: 40 },
    );
  }, 300_000);
});
