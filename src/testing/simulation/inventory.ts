import { Decimal } from "../../kernel/decimal.js";
import { isStorekeepError } from "../../kernel/errors.js";
import type { ModulePart, ShopContext, SimStep } from "./context.js";

/*
 * Inventory's part of the whole-shop simulation: receipts, issues, back-dated receipts,
 * adjustments, direct and in-transit transfers, holds and releases, stocktakes (start,
 * count ±1 against the book, approve). Invariants: `inventory.audit()` is ok; on hand per
 * SKU equals the model (stock conserved: every module's committed movements, nothing of a
 * refused one); no warehouse below zero on hand or available (never oversold; a product that
 * allows backorders may go below zero available, never on hand: its available is on hand less
 * reserved and what is backordered is what the orders and holds hold beyond the stock); reserved
 * per SKU and warehouse equals the sales orders' reserved buckets plus the open holds.
 */

/** The standard-costed product and the standard it is defined with. */
export const STANDARD_SKU = "BOLT";
export const STANDARD_COST = "5";

/** Removes one item from a list (a no-op when a concurrent step removed it first). */
export function drop<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

/** Inventory's commands and invariants for the simulator; `salesReserved` gives sales' reserved quantity per "sku|warehouse". */
export function inventoryPart(shop: ShopContext, salesReserved: () => Promise<Map<string, number>>): ModulePart & { grni(): string } {
  const { sk, random } = shop;
  const holds: { reservationId: string; key: string; quantity: number; expiresAt: string | null }[] = [];
  const inTransit: { transferId: string; sku: string; quantity: number }[] = [];
  const qty = (n: number): string => String(n);
  // Receipts without purchasing credit GRNI too (the default counter account): their sum joins purchasing's GRNI subledger.
  let grni = new Decimal(0);
  const booked = (result: { postings: Readonly<Record<string, string>> }): void => {
    grni = grni.plus(result.postings["grni"] ?? "0");
  };
  // The standard cost changes committed, in order of their effective instants (the last is the standard now).
  const standards: { at: string; cost: string }[] = [{ at: "", cost: STANDARD_COST }];
  const other = (w: string): string => shop.warehouses[(shop.warehouses.indexOf(w) + 1) % shop.warehouses.length]!;

  const steps = (): SimStep[] => {
    const sku = random.pick(shop.skus);
    const warehouseId = random.pick(shop.warehouses);
    return [
      {
        name: "inventory.receive",
        weight: 4,
        run: async () => {
          const q = random.int(1, 20);
          const input = { sku, warehouseId, quantity: qty(q), unitCost: shop.money() };
          const key = shop.id("grn-key");
          const run = () => sk.inventory.receive(input, { idempotencyKey: key });
          const result = await run();
          shop.moved(sku, q);
          booked(result);
          shop.keyed({ name: "inventory.receive", run, result });
          return result;
        },
      },
      {
        name: "inventory.issue",
        weight: 3,
        run: async () => {
          const q = random.int(1, 8);
          const key = shop.id("issue-key");
          const run = () => sk.inventory.issue({ sku, warehouseId, quantity: qty(q) }, { idempotencyKey: key });
          const result = await run();
          shop.moved(sku, -q);
          shop.keyed({ name: "inventory.issue", run, result });
          return result;
        },
      },
      {
        name: "inventory.receive (back-dated)",
        weight: 2,
        run: async () => {
          const q = random.int(1, 10);
          const result = await sk.inventory.receive({ sku, warehouseId, quantity: qty(q), unitCost: shop.money(), effectiveDate: shop.daysAgo(random.int(1, 12)) });
          shop.moved(sku, q);
          booked(result);
          return result;
        },
      },
      {
        name: "inventory.adjust",
        weight: 1.5,
        run: async () => {
          const q = random.int(1, 3) * (random.chance(0.5) ? 1 : -1);
          const result = await sk.inventory.adjust({ sku, warehouseId, quantity: qty(q), ...(q > 0 ? { unitCost: shop.money() } : {}) });
          shop.moved(sku, q);
          return result;
        },
      },
      {
        name: "inventory.transfer",
        weight: 1.5,
        run: () => sk.inventory.transfer({ sku, quantity: qty(random.int(1, 4)), from: { warehouseId }, to: { warehouseId: other(warehouseId) }, inTransit: false }),
      },
      {
        name: "inventory.transfer (in transit)",
        weight: 1,
        run: async () => {
          const q = random.int(1, 4);
          const result = await sk.inventory.transfer({ sku, quantity: qty(q), from: { warehouseId }, to: { warehouseId: other(warehouseId) }, inTransit: true });
          // Units in transit still count in the SKU's on hand (a transit location): the total does not move.
          inTransit.push({ transferId: result.transferId, sku, quantity: q });
          return result;
        },
      },
      {
        name: "inventory.receiveTransfer",
        weight: inTransit.length > 0 ? 1.5 : 0,
        run: async () => {
          const i = random.int(0, inTransit.length - 1);
          const t = inTransit[i]!;
          const result = await sk.inventory.receiveTransfer({ transferId: t.transferId });
          drop(inTransit, t);
          return result;
        },
      },
      {
        name: "inventory.reserve",
        weight: 1.5,
        run: async () => {
          const q = random.int(1, 3);
          const reserve = sk.inventory.reserve({ lines: [{ sku, warehouseId, quantity: qty(q) }] });
          // A product that allows backorders is held beyond what is available: never refused for stock.
          const { reservations } = shop.backorderSkus.has(sku)
            ? await reserve.catch((error: unknown) => {
                throw isStorekeepError(error) && error.code === "INSUFFICIENT_STOCK" ? new Error(`a hold of ${q} ${sku} (backorders allowed) was refused: ${error.message}`) : error;
              })
            : await reserve;
          holds.push({ reservationId: reservations[0]!.reservationId, key: `${sku}|${warehouseId}`, quantity: q, expiresAt: reservations[0]!.expiresAt });
        },
      },
      {
        name: "inventory.release",
        weight: holds.length > 0 ? 1.5 : 0,
        run: async () => {
          const hold = holds[random.int(0, holds.length - 1)]!;
          await sk.inventory.release({ reservationId: hold.reservationId });
          drop(holds, hold);
        },
      },
      {
        name: "inventory.changeStandardCost",
        weight: 0.8,
        run: async () => {
          // A new standard for the standard-costed product, now or back-dated up to two days
          // (never before the last change): the stock on hand then is revalued, later movements re-derived.
          const now = shop.clock.now().toISOString();
          const last = standards[standards.length - 1]!.at;
          const back = new Date(shop.clock.now().getTime() - random.int(1, 48) * 3_600_000).toISOString();
          const at = random.chance(0.5) && back > last ? back : now;
          const standardCost = shop.money();
          const result = await sk.inventory.changeStandardCost({ sku: STANDARD_SKU, standardCost, ...(at === now ? {} : { effectiveAt: at }) });
          // Concurrent changes commit one after the other: the model keeps their effective order.
          standards.push({ at, cost: standardCost });
          standards.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
          shop.tally(at === now ? "inventory.standard-changes.now" : "inventory.standard-changes.back-dated");
          return result;
        },
      },
      {
        name: "inventory.stocktake",
        weight: 0.7,
        refusals: ["INVALID_TRANSITION"],
        run: async () => {
          // Start, count one SKU at the warehouse at its book ±1 (never below zero), approve.
          // Not blind, so the count says its difference to the book at the instant counted (a
          // concurrent shipment may have moved the book since it was read here).
          const { stocktakeId } = await sk.inventory.startStocktake({ warehouseId, skus: [sku], blind: false });
          const book = Number((await sk.inventory.availability(sku, warehouseId)).onHand);
          const delta = book === 0 ? random.int(0, 1) : random.int(-1, 1);
          const count = await sk.inventory.recordCount({ stocktakeId, locationId: warehouseId, items: [{ sku, quantity: qty(book + delta) }] });
          const result = await sk.inventory.approveStocktake({ stocktakeId });
          shop.moved(sku, (count.differences ?? []).filter((d) => d.sku === sku).reduce((sum, d) => sum + Number(d.difference), 0));
          if (Number((await sk.inventory.availability(sku, warehouseId)).available) < 0) shop.countedBelowHolds.add(`${sku}|${warehouseId}`);
          return result;
        },
      },
    ];
  };

  const invariants = async (full: boolean): Promise<string[]> => {
    const violations: string[] = [];
    // The audit re-values every SKU from its layers and the reserved check reads every order: every 5 steps and at full checks.
    const deep = full || shop.step() % 5 === 0;
    if (deep) {
      const audit = await sk.inventory.audit();
      if (!audit.ok) violations.push(`audit: ${JSON.stringify(audit).slice(0, 600)}`);
    }
    if (deep) {
      // Standard cost: the stock is worth on hand × the standard now, whatever was received at what price
      // and whatever was back-dated before a change; the Inventory account holds the valuation (less in transit).
      const standard = standards[standards.length - 1]!.cost;
      const valuation = await sk.inventory.valuation({});
      const row = valuation.find((r) => r.sku === STANDARD_SKU);
      if (row !== undefined && !new Decimal(row.value).eq(new Decimal(row.quantity).times(standard))) violations.push(`standard cost: ${STANDARD_SKU} worth ${row.value} for ${row.quantity} on hand, at the standard ${standard} it is ${new Decimal(row.quantity).times(standard).toFixed()}`);
      const tb = await sk.finance.trialBalance({ asOf: shop.today() });
      const account = tb.rows.filter((r) => r.account === "1300").reduce((sum, r) => sum.plus(r.debit).minus(r.credit), new Decimal(0));
      const valued = valuation.reduce((sum, r) => sum.plus(r.inventoryAccount), new Decimal(0));
      if (!account.eq(valued)) violations.push(`Inventory account 1300 is ${account.toFixed()}, the valuation (less in transit) ${valued.toFixed()}`);
    }
    const rows = await sk.inventory.onHand({});
    // A soft hold lapses at its expiry (the shop's clock); sales' holds are hard.
    const now = shop.clock.now().toISOString();
    const sales = deep ? await salesReserved() : undefined;
    for (const sku of shop.expectedOnHand.keys()) {
      const onHand = rows.filter((row) => row.sku === sku).reduce((s, row) => s + Number(row.quantity), 0);
      if (onHand !== shop.expectedOnHand.get(sku)) violations.push(`stock not conserved: ${sku} on hand ${onHand}, the model says ${shop.expectedOnHand.get(sku)}`);
      for (const warehouseId of shop.warehouses) {
        const key = `${sku}|${warehouseId}`;
        const a = await sk.inventory.availability(sku, warehouseId);
        // A stocktake records a counted loss even below what is held (available then goes
        // negative: over-reserved, not oversold); a product that allows backorders is reserved
        // beyond its stock by design; nothing else may take available below zero. On hand never
        // goes below zero (no product of the shop allows negative stock).
        const backorder = shop.backorderSkus.has(sku);
        if (Number(a.onHand) < 0 || (Number(a.available) < 0 && !backorder && !shop.countedBelowHolds.has(`${sku}|${warehouseId}`))) violations.push(`oversold: ${sku} at ${warehouseId} on hand ${a.onHand}, available ${a.available}`);
        if (backorder) {
          // Backorders: available is on hand less reserved, below zero by what is backordered (not clamped at zero).
          if (!new Decimal(a.available).eq(new Decimal(a.onHand).minus(a.reserved))) violations.push(`backorders: ${sku} at ${warehouseId} available ${a.available}, but on hand ${a.onHand} less reserved ${a.reserved} is ${new Decimal(a.onHand).minus(a.reserved).toFixed()}`);
          if (Number(a.reserved) > Number(a.onHand)) shop.tally("inventory.backorders.checks-backordered");
        }
        if (sales === undefined) continue;
        const open = holds.filter((h) => h.key === key && (h.expiresAt === null || h.expiresAt > now)).reduce((s, h) => s + h.quantity, 0);
        const held = open + (sales.get(key) ?? 0);
        if (Number(a.reserved) !== held) violations.push(`reserved ${sku} at ${warehouseId} is ${a.reserved}, but sales orders reserve and open holds add up to ${held}`);
        if (backorder) {
          // What is backordered (reserved beyond on hand) is what the open order lines and holds
          // hold beyond the stock there; and replenishment sees the same backorder.
          const beyond = Math.max(0, held - Number(a.onHand));
          const backordered = Math.max(0, Number(a.reserved) - Math.max(0, Number(a.onHand)));
          if (backordered !== beyond) violations.push(`backorders: ${sku} at ${warehouseId} backordered ${backordered}, the open order lines (${sales.get(key) ?? 0}) and holds (${open}) hold ${beyond} beyond the ${a.onHand} on hand`);
        }
      }
    }
    return violations;
  };

  return { name: "inventory", steps, invariants, grni: () => grni.toFixed() };
}
