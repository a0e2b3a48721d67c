import { Decimal } from "../../kernel/decimal.js";
import { isStorekeepError } from "../../kernel/errors.js";
import { COUPONS as COUPON_DOCS, checkOrderInvariants } from "../../sales/order.js";
import type { OrderDoc } from "../../sales/order.js";
import type { ControlCheck } from "./finance.js";
import type { ModulePart, ShopContext, SimStep } from "./context.js";
import { drop } from "./inventory.js";

/*
 * Sales' part of the whole-shop simulation: orders placed (reserving at placement, at
 * payment or not at all; invoiced on order or on shipment; with or without shipping),
 * payments captured in full or in part, shipments (partial too) and deliveries, invoices,
 * holds, cancellations, expiries, return requests, received returns (restocked or written
 * off), rejected returns, refunds. Invariants: every order's line buckets hold
 * (`checkOrderInvariants`: reserved ≤ ordered, shipped ≤ ordered, delivered ≤ shipped,
 * returned + requested ≤ shipped, restocked + written off = returned, invoiced ≤ ordered,
 * credited ≤ invoiced, refunded ≤ captured ≤ total); the customer-prepayments control
 * account equals the orders' open prepayments.
 */

/** The coupons the simulated shop defines at setup: a percentage and a fixed amount, each with a usage limit a run reaches. */
export const COUPONS = [
  { code: "SIM10", discount: { kind: "percent" as const, percent: "10" }, usageLimit: 4 },
  { code: "SIM3OFF", discount: { kind: "fixed" as const, amount: "3" }, usageLimit: 3 },
];

/** Sales' commands and invariants for the simulator, with what inventory and finance check of it. */
export function salesPart(shop: ShopContext): ModulePart & { reserved(): Promise<Map<string, number>>; prepayments: ControlCheck } {
  const { sk, random } = shop;
  const orders: string[] = [];
  const shipments: string[] = [];
  const returns: { returnId: string; lines: { lineId: string; sku: string; quantity: number }[] }[] = [];
  const cache = new Map<string, OrderDoc>();
  // Captures not yet paid out (per currency), for payouts.
  const unpaidOut: { paymentId: string; currency: string; amount: string }[] = [];

  const pickOrder = async (): Promise<OrderDoc | undefined> => {
    const view = await sk.sales.order(random.pick(orders));
    if (view !== undefined) cache.set(view.order.orderId, view.order);
    return view?.order;
  };
  const refresh = async (orderId: string): Promise<void> => {
    const view = await sk.sales.order(orderId);
    if (view !== undefined) cache.set(orderId, view.order);
  };
  const q = (s: string): number => Number(s);
  const partOf = (amount: string): string => {
    const cents = new Decimal(amount).times(100).toNumber();
    return random.chance(0.5) || cents <= 1 ? amount : new Decimal(random.int(1, cents - 1)).dividedBy(100).toFixed(2);
  };

  const steps = (): SimStep[] => {
    const any = orders.length > 0 ? 1 : 0;
    return [
      {
        name: "sales.placeOrder",
        weight: 3,
        // A coupon past its usage limit refuses the order (the limit holds under concurrency).
        refuses: (error) => isStorekeepError(error) && error.code === "VALIDATION_FAILED" && (error.details as { reason?: string } | undefined)?.reason === "coupon-exhausted",
        run: async () => {
          const first = random.int(0, shop.skus.length - 1);
          const skus = random.chance(0.4) ? [shop.skus[first]!, shop.skus[(first + random.int(1, shop.skus.length - 1)) % shop.skus.length]!] : [shop.skus[first]!];
          const coupon = random.chance(0.2) ? random.pick(COUPONS).code : undefined;
          const input = {
            orderId: shop.id("so"),
            currency: random.pick(["EUR", "EUR", "EUR", "USD", "GBP"]),
            warehouseId: random.pick(shop.warehouses),
            lines: skus.map((sku) => ({ sku, quantity: String(random.int(1, 4)), unitPrice: shop.money(), ...(random.chance(0.3) ? { taxCategory: "reduced" } : {}) })),
            reserveAt: random.pick(["placement", "placement", "payment", "none"] as const),
            invoicing: random.pick(["on-order", "on-shipment"] as const),
            ...(random.chance(0.3) ? { shipping: { amount: "4.90" } } : {}),
            ...(coupon === undefined ? {} : { couponCode: coupon }),
            ...(random.chance(0.2) ? { discounts: [{ kind: "threshold" as const, every: "30", off: "3" }] } : {}),
            shipTo: { country: "DE" },
          };
          const run = () => sk.sales.placeOrder(input, { idempotencyKey: `checkout-${input.orderId}` });
          const result = await run();
          orders.push(input.orderId);

          shop.keyed({ name: "sales.placeOrder", run, result });
          await refresh(input.orderId);
          return result;
        },
      },
      {
        name: "sales.capturePayment",
        weight: 3 * any,
        run: async () => {
          const order = await pickOrder();
          if (order === undefined || order.state === "cancelled") return "skip";
          const left = new Decimal(order.totals.gross).minus(order.paid.captured);
          if (left.lte(0)) return "skip";
          const input = { orderId: order.orderId, paymentId: shop.id("ch"), amount: partOf(left.toFixed(2)) };
          const run = () => sk.sales.capturePayment(input, { idempotencyKey: `psp-${input.paymentId}` });
          const result = await run();
          unpaidOut.push({ paymentId: input.paymentId, currency: order.currency, amount: input.amount });
          shop.keyed({ name: "sales.capturePayment", run, result });
          await refresh(order.orderId);
          return result;
        },
      },
      {
        name: "sales.shipOrder",
        weight: 3 * any,
        run: async () => {
          const order = await pickOrder();
          if (order === undefined || order.state !== "placed") return "skip";
          const left = order.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: q(l.buckets.ordered) - q(l.buckets.shipped) })).filter((l) => l.quantity > 0);
          if (left.length === 0) return "skip";
          const lines = left.map((l) => ({ ...l, quantity: random.chance(0.7) ? l.quantity : random.int(1, l.quantity) }));
          const shipmentId = shop.id("shp");
          const result = await sk.sales.shipOrder({ orderId: order.orderId, shipmentId, lines: lines.map((l) => ({ lineId: l.lineId, quantity: String(l.quantity) })) });
          for (const l of lines) shop.moved(l.sku, -l.quantity);
          shipments.push(shipmentId);
          await refresh(order.orderId);
          return result;
        },
      },
      {
        name: "sales.deliverShipment",
        weight: shipments.length > 0 ? 1 : 0,
        run: async () => {
          const shipmentId = random.pick(shipments);
          const result = await sk.sales.deliverShipment({ shipmentId });
          drop(shipments, shipmentId);
          return result;
        },
      },
      {
        name: "sales.invoiceOrder",
        weight: 1 * any,
        run: async () => {
          const order = await pickOrder();
          if (order === undefined || order.state === "cancelled" || (order.lines.every((l) => l.buckets.invoiced === l.buckets.ordered) && order.shipping.invoiced)) return "skip";
          const result = await sk.sales.invoiceOrder({ orderId: order.orderId });
          await refresh(order.orderId);
          return result;
        },
      },
      {
        name: "sales.changeOrderState",
        weight: 0.6 * any,
        run: async () => {
          const order = await pickOrder();
          if (order === undefined || (order.state !== "placed" && order.state !== "on-hold")) return "skip";
          const result = await sk.sales.changeOrderState({ orderId: order.orderId, action: order.state === "placed" ? "hold" : "release-hold" });
          await refresh(order.orderId);
          return result;
        },
      },
      {
        name: "sales.cancelOrder",
        weight: 0.6 * any,
        run: async () => {
          const order = await pickOrder();
          if (order === undefined || order.state === "cancelled" || order.lines.some((l) => q(l.buckets.shipped) > 0)) return "skip";
          const result = await sk.sales.cancelOrder({ orderId: order.orderId });
          await refresh(order.orderId);
          return result;
        },
      },
      {
        name: "sales.expireOrders",
        weight: 0.3 * any,
        run: async () => {
          const result = await sk.sales.expireOrders({ limit: 100 });
          for (const id of orders) await refresh(id);
          return result;
        },
      },
      {
        name: "sales.requestReturn",
        weight: 1 * any,
        run: async () => {
          const order = await pickOrder();
          if (order === undefined) return "skip";
          const open = order.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: q(l.buckets.shipped) - q(l.buckets.returned) - q(l.buckets.returnRequested) })).filter((l) => l.quantity > 0);
          if (open.length === 0) return "skip";
          const lines = open.map((l) => ({ ...l, quantity: random.int(1, l.quantity) }));
          const returnId = shop.id("ret");
          const result = await sk.sales.requestReturn({ orderId: order.orderId, returnId, lines: lines.map((l) => ({ lineId: l.lineId, quantity: String(l.quantity) })) });
          returns.push({ returnId, lines });
          await refresh(order.orderId);
          return result;
        },
      },
      {
        name: "sales.receiveReturn",
        weight: returns.length > 0 ? 1.2 : 0,
        run: async () => {
          const ret = random.pick(returns);
          const dispositions = ret.lines.map((l) => ({ lineId: l.lineId, disposition: random.chance(0.8) ? ("restock" as const) : ("write-off" as const) }));
          const result = await sk.sales.receiveReturn({ returnId: ret.returnId, dispositions });
          for (const [i, l] of ret.lines.entries()) if (dispositions[i]!.disposition === "restock") shop.moved(l.sku, l.quantity);
          drop(returns, ret);
          for (const id of orders) if (cache.get(id)?.returns.includes(ret.returnId)) await refresh(id);
          return result;
        },
      },
      {
        name: "sales.rejectReturn",
        weight: returns.length > 0 ? 0.3 : 0,
        run: async () => {
          const ret = random.pick(returns);
          const result = await sk.sales.rejectReturn({ returnId: ret.returnId });
          drop(returns, ret);
          for (const id of orders) if (cache.get(id)?.returns.includes(ret.returnId)) await refresh(id);
          return result;
        },
      },
      {
        name: "sales.refundPayment",
        weight: 1 * any,
        run: async () => {
          const order = await pickOrder();
          if (order === undefined) return "skip";
          // Refundable: before an invoice, the prepayment; after one, the credit notes' unpaid credit (a negative receivable).
          const refundable = order.invoices.length > 0 ? Decimal.max(0, new Decimal(order.receivable.amount).negated()) : new Decimal(order.prepayment.amount);
          const left = Decimal.min(refundable, new Decimal(order.paid.captured).minus(order.paid.refunded));
          if (left.lte(0)) return "skip";
          const result = await sk.sales.refundPayment({ orderId: order.orderId, refundId: shop.id("re"), amount: partOf(left.toFixed(2)) });
          await refresh(order.orderId);
          return result;
        },
      },
      {
        name: "sales.settlePayout",
        weight: unpaidOut.length >= 2 ? 0.7 : 0,
        run: async () => {
          // The provider pays out some captures of one currency, less its fee.
          const currency = random.pick(unpaidOut).currency;
          const batch = unpaidOut.filter((c) => c.currency === currency && random.chance(0.7));
          if (batch.length === 0) return "skip";
          const gross = batch.reduce((sum, c) => sum.plus(c.amount), new Decimal(0));
          const fees = Decimal.min(gross, new Decimal(random.int(0, 150)).dividedBy(100)).toFixed(2);
          const input = { payoutId: shop.id("po"), currency, gross: gross.toFixed(2), fees, paymentIds: batch.map((c) => c.paymentId) };
          const run = () => sk.sales.settlePayout(input, { idempotencyKey: `payout-${input.payoutId}` });
          const result = await run();
          for (const c of batch) drop(unpaidOut, c);
          shop.keyed({ name: "sales.settlePayout", run, result });
          return result;
        },
      },
    ];
  };

  // Every order, read once per step however many checks ask.
  let allAt = -1;
  let allOrders: OrderDoc[] = [];
  const all = async (): Promise<OrderDoc[]> => {
    if (allAt === shop.step()) return allOrders;
    for (const id of orders) await refresh(id);
    allOrders = orders.map((id) => cache.get(id)!).filter((o) => o !== undefined);
    allAt = shop.step();
    return allOrders;
  };

  const invariants = async (full: boolean): Promise<string[]> => {
    const violations: string[] = [];
    if (full) {
      // A coupon's uses are the orders holding it that were not cancelled (a cancellation gives the use back), never past its limit.
      const orders = await all();
      for (const c of COUPONS) {
        const holding = orders.filter((o) => o.couponCode === c.code && o.state !== "cancelled").length;
        const stored = await sk.runtime.read((tx) => tx.documents.get<{ used: number }>(COUPON_DOCS, c.code));
        if (holding > c.usageLimit) violations.push(`coupon ${c.code}: ${holding} open orders hold it, its limit is ${c.usageLimit}`);
        if (stored?.data.used !== holding) violations.push(`coupon ${c.code}: ${stored?.data.used} uses recorded, ${holding} open orders hold it`);
      }
    }
    // Every order touched this step was refreshed by its command; all of them at full checks.
    for (const order of full ? await all() : cache.values()) {
      try {
        checkOrderInvariants(order);
      } catch (error) {
        violations.push(`order buckets: ${(error as Error).message}`);
      }
    }
    return violations;
  };

  const reserved = async (): Promise<Map<string, number>> => {
    const out = new Map<string, number>();
    for (const order of await all()) {
      for (const line of order.lines) {
        // Held where the sourcing policy placed the line (its sources, in order), the rest at the order's warehouse.
        let left = q(line.buckets.reserved);
        for (const source of line.sources ?? []) {
          const part = Math.min(left, q(source.quantity));
          out.set(`${line.sku}|${source.warehouseId}`, (out.get(`${line.sku}|${source.warehouseId}`) ?? 0) + part);
          left -= part;
        }
        const key = `${line.sku}|${order.warehouseId}`;
        out.set(key, (out.get(key) ?? 0) + left);
      }
    }
    return out;
  };

  const prepayments: ControlCheck = {
    name: "customer prepayments",
    account: "2200",
    expected: async () => (await all()).reduce((sum, o) => sum.minus(o.prepayment.functional), new Decimal(0)).toFixed(),
  };

  return { name: "sales", steps, invariants, reserved, prepayments };
}
