import { Decimal } from "../../kernel/decimal.js";
import { type LocalDate, addDays } from "../../kernel/local-date.js";
import type { PurchaseOrder } from "../../purchasing/purchase-order.js";
import { billOpen } from "../../purchasing/bill.js";
import type { ControlCheck } from "./finance.js";
import type { ModulePart, ShopContext, SimStep } from "./context.js";
import { STANDARD_SKU } from "./inventory.js";
import { LOT_SKU } from "./lots.js";

/*
 * Purchasing's part of the whole-shop simulation: purchase orders created, approved, sent,
 * received in part or in full, billed (at the order price, or off it so the bill is held
 * and then approved), supplier payments in full or in part, returns of billed goods,
 * closes and cancels. Invariants per order line: received ≤ ordered, billed ≤ received
 * (unless a bill was approved over a quantity mismatch on it),
 * returned ≤ billed, the receipts add up to received; the GRNI control account equals
 * what receipts booked and bills have not cleared (less what was billed ahead).
 */

export const SIM_SUPPLIER = "sup_sim";
/** A supplier invoicing in USD (its orders, bills and payments go through finance's exchange differences). */
export const SIM_SUPPLIER_USD = "sup_sim_usd";
/** A freight forwarder whose invoices are landed costs on receipts. */
export const SIM_FREIGHT = "sup_freight";
/** The bank accounts of the EUR supplier and the forwarder (SEPA files), and the shop's. */
export const SIM_SUPPLIER_IBAN = "DE89370400440532013000";
/** The forwarder banks in Switzerland (outside the EEA: its files carry both parties' addresses). */
export const SIM_FREIGHT_IBAN = "CH9300762011623852957";
export const SIM_FREIGHT_ADDRESS = { street: "Hafenstrasse", buildingNumber: "4", postCode: "4057", town: "Basel", country: "CH" } as const;
const SIM_SHOP_IBAN = "DE02120300000000202051";

/** Purchasing's commands and invariants for the simulator, with the GRNI check finance runs. */
export function purchasingPart(shop: ShopContext, options: { readonly accounts?: boolean; readonly lots?: { lotFor(): { lot: string; expiry: string }; live(lot: string): boolean } } = {}): ModulePart & { grni: ControlCheck } {
  const { sk, random } = shop;
  const orders: string[] = [];
  const cache = new Map<string, PurchaseOrder>();
  const bills: string[] = [];
  const receipts: string[] = [];
  // Lines a bill was approved on over a quantity mismatch: billed may exceed received there.
  const overridden = new Set<string>();
  const q = (s: string): number => Number(s);

  // One of the orders whose last known status is one of `statuses`, read again (a concurrent step may have moved it).
  const pick = async (statuses: readonly string[]): Promise<PurchaseOrder | undefined> => {
    const candidates = orders.filter((id) => statuses.includes(cache.get(id)?.status ?? ""));
    if (candidates.length === 0) return undefined;
    const po = await sk.purchasing.order(random.pick(candidates));
    if (po !== undefined) cache.set(po.purchaseOrderId, po);
    return po !== undefined && statuses.includes(po.status) ? po : undefined;
  };
  // --accounts puts early-payment discounts on the cost of goods: a payment with a discount puts
  // the part of it on stock that its bills' received goods (or a freight bill's landed cost)
  // carry, never more than the discount. Alone and in euro, the landed-cost clearing account does
  // not move (inventory took a freight bill's part off the receipts at once), and for goods bills
  // Purchase price difference (where the discount account maps too) moves by the discount left on
  // the account only — inventory's revaluations took the rest back out. (A freight discount's
  // share of units sent back before the freight was booked goes to Purchase price difference, as
  // the freight's did; so does a goods discount's share of units sent back to the supplier after
  // the bill, which the payment's event names: the check allows each such share rounded either way.)
  let paymentCursor: string | null = null;
  const aheadPayments = new Set<string>();
  const onStockParts = new Map<string, { sku: string; value: string; receiptQuantity?: string; returnedQuantity?: string; billId: string; receiptId: string; receiptLineId?: string }[]>();
  const partsOf = async (paymentId: string) => {
    for (;;) {
      const page = await shop.store.readEvents(paymentCursor, 10_000);
      for (const e of page) {
        if (e.type !== "SupplierPaid") continue;
        const p = e.payload as { paymentId: string; discount?: { onStock?: { sku: string; value: { amount: string }; receiptQuantity?: string; returnedQuantity?: string; billId: string; receiptId: string; receiptLineId?: string }[]; onAhead?: unknown[] } };
        onStockParts.set(p.paymentId, (p.discount?.onStock ?? []).map((x) => ({ ...x, value: x.value.amount })));
        if ((p.discount?.onAhead ?? []).length > 0) aheadPayments.add(p.paymentId);
      }
      if (page.length === 0) break;
      paymentCursor = page[page.length - 1]!.position;
      if (page.length < 10_000) break;
    }
    return onStockParts.get(paymentId) ?? [];
  };
  const balances = async (): Promise<{ ppd: Decimal; clearing: Decimal }> => {
    const rows = (await sk.finance.trialBalance({ asOf: "2099-12-31" })).rows;
    const of = (account: string) => {
      const row = rows.find((r) => r.account === account);
      return row === undefined ? new Decimal(0) : new Decimal(row.debit).minus(row.credit);
    };
    return { ppd: of("5200"), clearing: of("1450") };
  };
  const paid = async (input: Parameters<typeof sk.purchasing.paySupplier>[0]): Promise<Awaited<ReturnType<typeof sk.purchasing.paySupplier>>> => {
    const watch = options.accounts === true && !shop.concurrent();
    const before = watch ? await balances() : undefined;
    const result = await sk.purchasing.paySupplier(input);
    if (options.accounts !== true || new Decimal(result.discount).lte(0)) return result;
    const onStock = new Decimal(result.discountOnStock ?? "0");
    let received = false;
    let freight = false;
    for (const id of input.billIds) {
      const bill = await sk.purchasing.bill(id);
      if (bill?.kind === "landed-cost") freight = true;
      // Received, or billed ahead (the goods still awaited take their share when they come in).
      if (bill?.kind === "landed-cost" || (bill?.kind === "bill" && (bill.stockBasis ?? []).length > 0)) received = true;
    }
    if (onStock.gt(result.discount) || (onStock.gt(0) && !received)) {
      throw new Error(`payment ${result.paymentId} put ${onStock.toFixed()} of its discount ${result.discount} on stock (bills ${input.billIds.join(", ")}${received ? "" : ", none with goods received"})`);
    }
    if (before !== undefined && result.currency === "EUR") {
      const after = await balances();
      if (!after.clearing.eq(before.clearing)) throw new Error(`payment ${result.paymentId} (discount ${result.discount}, ${onStock.toFixed()} on stock) moved the landed-cost clearing account by ${after.clearing.minus(before.clearing).toFixed()}`);
      const moved = after.ppd.minus(before.ppd);
      const expected = new Decimal(result.discount).minus(onStock).negated();
      // The shares of units sent back since the bill stay in Purchase price difference: each value × returned / receipt units, rounded either way.
      let low = new Decimal(0);
      let high = new Decimal(0);
      for (const part of await partsOf(result.paymentId)) {
        // At a standard cost the whole part is a variance (the stock stays at standard): nothing of it stays in Purchase price difference.
        if (part.returnedQuantity === undefined || part.sku === STANDARD_SKU) continue;
        let units = part.receiptQuantity;
        if (units === undefined) {
          const bill = await sk.purchasing.bill(part.billId);
          const po = bill?.purchaseOrderId == null ? undefined : await sk.purchasing.order(bill.purchaseOrderId);
          units = po?.lines.find((l) => l.lineId === part.receiptLineId)?.receipts.find((r) => r.receiptId === part.receiptId)?.quantity;
        }
        if (units === undefined) throw new Error(`payment ${result.paymentId} names units sent back from receipt ${part.receiptId}, which its order does not hold`);
        if (new Decimal(part.returnedQuantity).gt(units)) throw new Error(`payment ${result.paymentId} names ${part.returnedQuantity} units sent back of receipt ${part.receiptId}'s ${units}`);
        const share = new Decimal(part.value).times(part.returnedQuantity).dividedBy(units);
        low = low.plus(share.toDecimalPlaces(2, Decimal.ROUND_FLOOR));
        high = high.plus(share.toDecimalPlaces(2, Decimal.ROUND_CEIL));
        shop.tally("purchasing.discounts-on-returned-goods");
      }
      if (aheadPayments.has(result.paymentId)) shop.tally("purchasing.discounts-on-goods-awaited");
      if (!freight && (moved.gt(expected.minus(low)) || moved.lt(expected.minus(high)))) {
        throw new Error(`payment ${result.paymentId} (discount ${result.discount}, ${onStock.toFixed()} on stock) moved Purchase price difference by ${moved.toFixed()}, not ${expected.toFixed()}${high.gt(0) ? ` less ${low.toFixed()} to ${high.toFixed()} for goods sent back` : ""}`);
      }
    }
    if (onStock.gt(0)) shop.tally(freight ? "purchasing.freight-discounts-on-stock" : "purchasing.discounts-on-stock");
    return result;
  };
  const refresh = async (id: string): Promise<void> => {
    const po = await sk.purchasing.order(id);
    if (po !== undefined) cache.set(id, po);
  };

  // A step whose orders are not there now weighs nothing (the draw goes elsewhere).
  const some = (statuses: readonly string[]): number => (orders.some((id) => statuses.includes(cache.get(id)?.status ?? "")) ? 1 : 0);
  const steps = (): SimStep[] => {
    return [
      {
        name: "purchasing.createOrder",
        weight: 1,
        run: async () => {
          const first = random.int(0, shop.skus.length - 1);
          const skus = random.chance(0.5) ? [shop.skus[first]!, shop.skus[(first + 1) % shop.skus.length]!] : [shop.skus[first]!];
          // Sometimes the lot-tracked product too: its receipts name lots, and its returns send a named lot back.
          if (options.lots !== undefined && random.chance(0.25)) skus.push(LOT_SKU);
          const supplierId = random.chance(0.3) ? SIM_SUPPLIER_USD : SIM_SUPPLIER;
          // The EUR supplier sells in packs of 6 from 12 up (its supplier items, which replenishment plans with).
          const quantity = () => String(supplierId === SIM_SUPPLIER ? 6 * random.int(2, 5) : random.int(5, 30));
          const input = { purchaseOrderId: shop.id("po"), supplierId, warehouseId: random.pick(shop.warehouses), lines: skus.map((sku) => ({ sku, quantity: quantity(), unitPrice: shop.money() })) };
          const run = () => sk.purchasing.createOrder(input, { idempotencyKey: `po-${input.purchaseOrderId}` });
          const result = await run();
          orders.push(input.purchaseOrderId);
          shop.keyed({ name: "purchasing.createOrder", run, result });
          await refresh(input.purchaseOrderId);
          return result;
        },
      },
      {
        name: "purchasing.approveOrder",
        weight: 1.5 * some(["draft"]),
        run: async () => {
          const po = await pick(["draft"]);
          if (po === undefined) return "skip";
          const result = await sk.purchasing.approveOrder({ purchaseOrderId: po.purchaseOrderId, approver: "sim" });
          await refresh(po.purchaseOrderId);
          return result;
        },
      },
      {
        name: "purchasing.sendOrder",
        weight: 1.5 * some(["approved"]),
        run: async () => {
          const po = await pick(["approved"]);
          if (po === undefined) return "skip";
          const result = await sk.purchasing.sendOrder({ purchaseOrderId: po.purchaseOrderId });
          await refresh(po.purchaseOrderId);
          return result;
        },
      },
      {
        name: "purchasing.receiveGoods",
        weight: 2 * some(["sent", "partiallyReceived"]),
        run: async () => {
          const po = await pick(["sent", "partiallyReceived"]);
          if (po === undefined) return "skip";
          const open = po.lines.filter((l) => q(l.quantity) > q(l.received));
          if (open.length === 0) return "skip";
          const lines = open.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: random.chance(0.6) ? q(l.quantity) - q(l.received) : random.int(1, q(l.quantity) - q(l.received)) }));
          const input = { receiptId: shop.id("grn"), purchaseOrderId: po.purchaseOrderId, lines: lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity, ...(l.sku === LOT_SKU && options.lots !== undefined ? options.lots.lotFor() : {}) })) };
          const run = () => sk.purchasing.receiveGoods(input, { idempotencyKey: `receipt-${input.receiptId}` });
          const result = await run();
          for (const l of lines) shop.moved(l.sku, l.quantity);
          receipts.push(input.receiptId);
          shop.keyed({ name: "purchasing.receiveGoods", run, result });
          await refresh(po.purchaseOrderId);
          return result;
        },
      },
      {
        name: "purchasing.recordBill",
        weight: 1.5 * some(["partiallyReceived", "received"]),
        run: async () => {
          const po = await pick(["partiallyReceived", "received"]);
          if (po === undefined) return "skip";
          const open = po.lines.filter((l) => q(l.received) > q(l.billed));
          if (open.length === 0) return "skip";
          // Mostly at the order price; sometimes 10% off it, so the 3-way match holds the bill.
          const lines = open.map((l) => ({ lineId: l.lineId, quantity: random.int(1, q(l.received) - q(l.billed)), unitPrice: random.chance(0.8) ? l.unitPrice : new Decimal(l.unitPrice).times("1.1").toDecimalPlaces(2).toFixed() }));
          const billId = shop.id("bill");
          const result = await sk.purchasing.recordBill({ billId, purchaseOrderId: po.purchaseOrderId, lines });
          bills.push(billId);
          await refresh(po.purchaseOrderId);
          return result;
        },
      },
      // --accounts: bills ahead of the goods (the shop posts them: billBeforeReceipt "allow"), so
      // that early-payment discounts on goods still awaited go onto them when they come in.
      ...(options.accounts === true
        ? [
            {
              name: "purchasing.recordBill",
              weight: 0.4 * some(["sent", "partiallyReceived"]),
              run: async () => {
                const po = await pick(["sent", "partiallyReceived"]);
                if (po === undefined) return "skip";
                const open = po.lines.filter((l) => q(l.quantity) > q(l.billed) && q(l.quantity) > q(l.received));
                if (open.length === 0) return "skip";
                const lines = open.map((l) => ({ lineId: l.lineId, quantity: random.int(Math.max(1, q(l.received) - q(l.billed) + 1), q(l.quantity) - q(l.billed)), unitPrice: l.unitPrice }));
                const billId = shop.id("bill");
                // Marked first: a commit reported lost may have posted the bill all the same.
                for (const l of lines) overridden.add(`${po.purchaseOrderId}|${l.lineId}`);
                const result = await sk.purchasing.recordBill({ billId, purchaseOrderId: po.purchaseOrderId, lines });
                bills.push(billId);
                shop.tally("purchasing.bills-ahead");
                await refresh(po.purchaseOrderId);
                return result;
              },
            },
          ]
        : []),
      {
        name: "purchasing.approveBill",
        weight: 0.5 * some(["partiallyReceived", "received", "billed"]),
        run: async () => {
          const held = await sk.purchasing.heldBills();
          if (held.length === 0) return "skip";
          const bill = random.pick(held);
          // Half the approvals name the reasons the approver saw (then no other is accepted).
          const result = await sk.purchasing.approveBill({ billId: bill.billId, approver: "sim", ...(random.chance(0.5) ? { reasons: bill.reasons.map((r) => ({ lineId: r.lineId, kind: r.kind })) } : {}) });
          // The approver accepts a quantity mismatch as it is (two bills drawn at once from one view of the order).
          // What a posted approval accepted is the bill's reasons as stored when it ran: the same bill approved
          // twice at once is "approve, then approve again", and the second accepts the reasons the first found.
          const accepted = (result as { status: string; reasons?: readonly { kind: string }[] }).status === "posted" ? ((result as { reasons?: readonly { kind: string }[] }).reasons ?? []) : [];
          // (--accounts posts bills ahead of the goods: an approved bill may bill beyond what came in without a reason.)
          if (options.accounts === true || [...bill.reasons, ...accepted].some((r) => r.kind !== "price")) for (const l of bill.lines) overridden.add(`${bill.purchaseOrderId}|${l.lineId}`);
          if (bill.purchaseOrderId !== null) await refresh(bill.purchaseOrderId);
          return result;
        },
      },
      {
        name: "purchasing.paySupplier",
        weight: bills.length > 0 ? 1 : 0,
        run: async () => {
          const bill = await sk.purchasing.bill(random.pick(bills));
          if (bill === undefined || bill.status !== "posted") return "skip";
          // The EUR supplier grants its early-payment discount on part payments too (pro rata), the USD one on whole payments only.
          const left = billOpen(bill);
          if (left.lte(0)) return "skip";
          const paymentId = shop.id("sp");
          const whole = random.int(0, 9);
          if (whole < 3) return paid({ paymentId, supplierId: bill.supplierId, billIds: [bill.billId] });
          if (whole < 5) return sk.purchasing.paySupplier({ paymentId, supplierId: bill.supplierId, billIds: [bill.billId], amount: left.toFixed(), takeDiscount: false });
          const amount = left.times(random.int(1, 9)).dividedBy(10).toDecimalPlaces(2).toFixed();
          if (new Decimal(amount).lte(0)) return "skip";
          return paid({ paymentId, supplierId: bill.supplierId, billIds: [bill.billId], amount });
        },
      },
      {
        name: "purchasing.billsToPay",
        weight: bills.length > 0 ? 0.3 : 0,
        run: async () => {
          // A payment run: the proposal up to a next run 0–30 days ahead, one of its payments made on the run's date.
          const asOf = shop.today();
          const run = await sk.purchasing.billsToPay({ asOf, through: addDays(asOf as LocalDate, random.int(0, 30)) });
          if (run.payments.length === 0) return "skip";
          const p = random.pick(run.payments);
          const result = await paid({ paymentId: shop.id("sp"), supplierId: p.supplierId, billIds: [...p.billIds], date: asOf });
          // Alone, the payment pays exactly what the proposal said (a concurrent payment may have paid some of it since).
          if (!shop.concurrent() && (result.amount !== p.pay || result.discount !== p.discount)) {
            throw new Error(`the payment run proposed ${p.pay} ${p.currency} (discount ${p.discount}) for ${p.billIds.join(", ")}, and paySupplier paid ${result.amount} (discount ${result.discount})`);
          }
          // A payment in euro goes to the bank as a SEPA file: one transfer of what it paid, to the supplier's IBAN.
          if (result.currency === "EUR") {
            const file = await sk.purchasing.sepaCreditTransfer({ messageId: `RUN-${result.paymentId}`.slice(0, 35).replace(/_/g, "-"), paymentIds: [result.paymentId], debtor: { name: "Sim Shop", iban: SIM_SHOP_IBAN, address: { town: "Berlin", country: "DE" } }, executionDate: asOf });
            const iban = p.supplierId === SIM_SUPPLIER ? SIM_SUPPLIER_IBAN : SIM_FREIGHT_IBAN;
            // A transfer to the Swiss forwarder carries both addresses.
            if (iban === SIM_FREIGHT_IBAN) {
              if ((file.xml.match(/<PstlAdr>/g) ?? []).length !== 2) throw new Error(`the SEPA file of payment ${result.paymentId} to the Swiss forwarder does not carry both parties' addresses`);
              shop.tally("purchasing.sepa-files-outside-eea");
            }
            if (file.controlSum !== new Decimal(result.amount).toFixed(2) || file.transfers.length !== 1 || file.transfers[0]!.iban !== iban || !file.xml.includes(`<CtrlSum>${file.controlSum}</CtrlSum>`)) {
              throw new Error(`the SEPA file of payment ${result.paymentId} (${result.amount} EUR to ${p.supplierId}) sums to ${file.controlSum} in ${file.transfers.length} transfers to ${file.transfers.map((t) => t.iban).join(", ")}`);
            }
          }
          return result;
        },
      },
      // Debit notes applied to the supplier's open bills (--accounts): the bills then owe what finance says.
      ...(options.accounts === true
        ? [
            {
              name: "finance.allocate (payables)",
              weight: bills.length > 0 ? 0.3 : 0,
              run: async () => {
                const credits = (await sk.finance.openItems({ ledger: "payables", openOnly: true })).filter((i) => i.documentType === "debit-note" && new Decimal(i.openAmount).gt(0));
                if (credits.length === 0) return "skip";
                const credit = random.pick(credits);
                const open = (await sk.purchasing.bills({ supplierId: credit.party, status: "posted" })).filter((b) => b.currency === credit.currency && billOpen(b).gt(0) && b.date <= shop.today());
                if (open.length === 0) return "skip";
                const targets = random.chance(0.5) ? [random.pick(open)] : open.slice(0, 3);
                const result = await sk.finance.allocate({ ledger: "payables", creditId: credit.documentId, documentIds: targets.map((b) => b.billId), date: shop.today() });
                if (!shop.concurrent()) {
                  // Alone, each bill purchasing keeps owes what finance has open on it.
                  const items = new Map((await sk.finance.openItems({ ledger: "payables", party: credit.party })).map((i) => [i.documentId, i.openAmount]));
                  for (const b of targets) {
                    const bill = (await sk.purchasing.bill(b.billId))!;
                    if (!billOpen(bill).negated().eq(items.get(b.billId) ?? "0")) throw new Error(`after allocating ${credit.documentId}, bill ${b.billId} has ${billOpen(bill).toFixed()} open in purchasing and ${items.get(b.billId) ?? "nothing"} in finance`);
                  }
                }
                return result;
              },
            },
            {
              name: "finance.writeOff (payables)",
              weight: bills.length > 0 ? 0.2 : 0,
              run: async () => {
                // A supplier paid a few cents short (a bank charge), the rest written off in finance as a small difference.
                const bill = await sk.purchasing.bill(random.pick(bills));
                if (bill === undefined || bill.status !== "posted" || bill.date > shop.today()) return "skip";
                const short = new Decimal(random.int(1, 5)).dividedBy(100);
                const left = billOpen(bill);
                if (left.lte(short)) return "skip";
                await sk.purchasing.paySupplier({ paymentId: shop.id("sp"), supplierId: bill.supplierId, billIds: [bill.billId], amount: left.minus(short).toFixed(), takeDiscount: false });
                const result = await sk.finance.writeOff({ ledger: "payables", documentId: bill.billId, reason: "small-difference", date: shop.today() });
                if (!shop.concurrent()) {
                  const after = (await sk.purchasing.bill(bill.billId))!;
                  if (!billOpen(after).isZero()) throw new Error(`bill ${bill.billId} paid ${short.toFixed()} short and the rest written off still has ${billOpen(after).toFixed()} open in purchasing`);
                }
                // Now and then the supplier insists on the cents: the write-off's entry is reversed and the bill owes them again.
                if (random.chance(0.3)) {
                  await sk.finance.reverseEntry({ entryId: result.entryId, date: shop.today() });
                  shop.tally("finance.payables-write-offs-reversed");
                  if (!shop.concurrent()) {
                    const again = (await sk.purchasing.bill(bill.billId))!;
                    if (!billOpen(again).eq(short)) throw new Error(`bill ${bill.billId}'s write-off of ${short.toFixed()} was reversed, and purchasing has ${billOpen(again).toFixed()} open on it`);
                  }
                }
                return result;
              },
            },
          ]
        : []),
      {
        name: "purchasing.recordLandedCost",
        weight: receipts.length > 0 ? 0.4 : 0,
        run: async () => {
          // Freight on one or two receipts, spread by value or by quantity (part of the goods may be sold already).
          const on = random.chance(0.5) || receipts.length < 2 ? [random.pick(receipts)] : [...new Set([random.pick(receipts), random.pick(receipts)])];
          const input = { landedCostId: shop.id("lc"), supplierId: SIM_FREIGHT, receiptIds: on, basis: random.pick(["value", "quantity"] as const), costType: "freight" as const, net: shop.money() };
          const run = () => sk.purchasing.recordLandedCost(input, { idempotencyKey: `landed-${input.landedCostId}` });
          const result = await run();
          shop.keyed({ name: "purchasing.recordLandedCost", run, result });
          return result;
        },
      },
      {
        name: "purchasing.returnToSupplier",
        weight: 0.5 * some(["partiallyReceived", "received", "billed"]),
        run: async () => {
          const po = await pick(["partiallyReceived", "received", "billed"]);
          if (po === undefined) return "skip";
          // What arrived from this order and has not gone back (returns before billing are counted apart).
          const returnable = (l: (typeof po.lines)[number]) => q(l.received) - q(l.returnedUnbilled ?? "0") - q(l.returned);
          const lines = po.lines.filter((l) => returnable(l) > 0);
          if (lines.length === 0) return "skip";
          // With lots (--lots), the lot-tracked product's line more often than not, when the order has one to return; else the first.
          const lotLine = options.lots === undefined ? undefined : lines.find((l) => l.sku === LOT_SKU);
          const line = options.lots === undefined ? lines[0]! : lotLine !== undefined && random.chance(0.6) ? lotLine : random.pick(lines);
          let quantity = random.int(1, returnable(line));
          // The lot-tracked product goes back by lot: one its receipts brought in, live and still on hand at the warehouse (alone: nothing moves it meanwhile).
          let lot: string | undefined;
          let slices: PurchaseOrder["lines"][number]["receipts"] = [];
          if (line.sku === LOT_SKU) {
            if (shop.concurrent() || options.lots === undefined) return "skip";
            const onHand = new Map<string, number>();
            for (const r of await sk.inventory.onHand({ sku: LOT_SKU })) if (r.locationId === po.warehouseId && r.lot !== null) onHand.set(r.lot, (onHand.get(r.lot) ?? 0) + Number(r.quantity));
            const lots = [...new Set(line.receipts.flatMap((r) => (r.lot === undefined ? [] : [r.lot])))].filter((l) => options.lots!.live(l) && (onHand.get(l) ?? 0) > 0);
            if (lots.length === 0) return "skip";
            lot = random.pick(lots.sort());
            slices = line.receipts.filter((r) => r.lot === lot);
            // No more than the lot's receipts on this order brought in and kept (the same lot may have come in otherwise too).
            const kept = slices.reduce((t, r) => t + q(r.quantity) - q(r.returnedQuantity ?? "0") - q(r.returnedBilled ?? "0"), 0);
            if (kept <= 0) return "skip";
            quantity = Math.min(quantity, onHand.get(lot)!, kept);
            shop.tally(slices.some((r) => q(r.billedQuantity) < q(r.quantity)) ? "purchasing.lot-returns.unbilled" : "purchasing.lot-returns.billed");
          }
          const result = await sk.purchasing.returnToSupplier({ returnId: shop.id("rts"), purchaseOrderId: po.purchaseOrderId, lines: [{ lineId: line.lineId, quantity, ...(lot === undefined ? {} : { lot }) }] });
          shop.moved(line.sku, -quantity);
          if (lot !== undefined) {
            // The lot's units are billed or not as its receipts are: its unbilled units go back against GRNI, the rest against a debit note.
            const unbilled = slices.reduce((t, r) => t + q(r.quantity) - q(r.billedQuantity), 0);
            const againstGrni = Math.min(quantity, unbilled);
            const againstDebitNote = quantity - againstGrni;
            if (againstGrni > 0 !== new Decimal(result.grniValue).gt(0) || againstDebitNote > 0 !== new Decimal(result.net).gt(0)) {
              throw new Error(`return ${result.returnId} of ${quantity} of lot ${lot} (its receipts on ${po.purchaseOrderId} hold ${unbilled} unbilled): GRNI ${result.grniValue}, debit note ${result.net}; expected ${againstGrni} against GRNI and ${againstDebitNote} against a debit note`);
            }
          }
          await refresh(po.purchaseOrderId);
          return result;
        },
      },
      {
        name: "purchasing.closeOrder",
        weight: 0.5 * some(["partiallyReceived", "received", "billed"]),
        run: async () => {
          const po = await pick(["partiallyReceived", "received", "billed"]);
          if (po === undefined || po.lines.some((l) => q(l.received) !== q(l.billed))) return "skip";
          // A bill still held for the order keeps it open (approve, correct or reject it first).
          if ((await sk.purchasing.bills({ supplierId: po.supplierId, status: "held" })).some((b) => b.purchaseOrderId === po.purchaseOrderId)) return "skip";
          const result = await sk.purchasing.closeOrder({ purchaseOrderId: po.purchaseOrderId });
          await refresh(po.purchaseOrderId);
          return result;
        },
      },
      {
        name: "purchasing.cancelOrder",
        weight: 0.2 * some(["draft", "approved", "sent"]),
        run: async () => {
          const po = await pick(["draft", "approved", "sent"]);
          if (po === undefined) return "skip";
          const result = await sk.purchasing.cancelOrder({ purchaseOrderId: po.purchaseOrderId });
          await refresh(po.purchaseOrderId);
          return result;
        },
      },
    ];
  };

  // Every purchase order, read once per step however many checks ask.
  let allAt = -1;
  let allOrders: PurchaseOrder[] = [];
  const all = async (): Promise<PurchaseOrder[]> => {
    if (allAt === shop.step()) return allOrders;
    for (const id of orders) await refresh(id);
    allOrders = [...cache.values()];
    allAt = shop.step();
    return allOrders;
  };

  const invariants = async (full: boolean): Promise<string[]> => {
    const violations: string[] = [];
    for (const po of full ? await all() : cache.values()) {
      for (const l of po.lines) {
        const at = `purchase order ${po.purchaseOrderId} line ${l.lineId}`;
        if (q(l.received) > q(l.quantity)) violations.push(`${at}: received ${l.received} > ordered ${l.quantity}`);
        if (q(l.billed) > q(l.received) && !overridden.has(`${po.purchaseOrderId}|${l.lineId}`)) violations.push(`${at}: billed ${l.billed} > received ${l.received}`);
        if (q(l.returned) > q(l.billed)) violations.push(`${at}: returned ${l.returned} > billed ${l.billed}`);
        const slices = l.receipts.reduce((s, r) => s.plus(r.quantity), new Decimal(0));
        if (!slices.eq(l.received)) violations.push(`${at}: receipts add up to ${slices.toFixed()}, received is ${l.received}`);
      }
    }
    if (full) {
      // A posted bill owes in purchasing what finance has open on it (payments, discounts and allocated credits alike).
      const items = new Map((await sk.finance.openItems({ ledger: "payables" })).map((i) => [i.documentId, i.openAmount]));
      for (const id of bills) {
        const bill = await sk.purchasing.bill(id);
        if (bill === undefined || bill.status !== "posted") continue;
        const inFinance = items.get(bill.billId);
        if (inFinance !== undefined && !billOpen(bill).negated().eq(inFinance)) violations.push(`bill ${bill.billId}: ${billOpen(bill).toFixed()} ${bill.currency} open in purchasing, ${inFinance} in finance`);
      }
    }
    return violations;
  };

  const grni: ControlCheck = {
    name: "GRNI",
    account: "2150",
    expected: async () => {
      let uncleared = new Decimal(0);
      for (const po of await all()) {
        for (const l of po.lines) {
          for (const r of l.receipts) uncleared = uncleared.plus(r.value).minus(r.clearedValue);
          uncleared = uncleared.minus(l.ahead.value);
        }
      }
      return uncleared.negated().toFixed();
    },
  };

  return { name: "purchasing", steps, invariants, grni };
}
