import { Decimal } from "../../kernel/decimal.js";
import { isStorekeepError } from "../../kernel/errors.js";
import { amountOf, minorOf, shareOf } from "../../sales/amounts.js";
import { COUPONS as COUPON_DOCS, PAYMENTS, capturesOf, checkOrderInvariants, owedOnOrder, qty, qtyText } from "../../sales/order.js";
import type { OrderDoc, PaymentDoc } from "../../sales/order.js";
import type { ControlCheck } from "./finance.js";
import type { ModulePart, ShopContext, SimStep } from "./context.js";
import { drop } from "./inventory.js";

/*
 * Sales' part of the whole-shop simulation: orders placed (reserving at placement, at
 * payment or not at all; invoiced on order or on shipment; with or without shipping),
 * payments authorized, captured in full or in part (against an authorization or not), their
 * authorizations' rests voided or failed, shipments (partial too) and deliveries, invoices,
 * holds, cancellations, expiries, return requests, received returns (restocked or written
 * off), rejected returns, refunds. Invariants: every order's line buckets hold
 * (`checkOrderInvariants`: reserved ≤ ordered, shipped ≤ ordered, delivered ≤ shipped,
 * returned + requested ≤ shipped, restocked + written off = returned, invoiced ≤ ordered,
 * credited ≤ invoiced, refunded ≤ captured ≤ total); an order's authorized amount is what
 * its authorizations hold (a rest voided or failed no longer counts) and a cancelled order
 * has none left to capture; the customer-prepayments control account equals the orders'
 * open prepayments.
 */

/**
 * Where the simulated shop's customers are, and how each is taxed by a German seller
 * without an OSS registration: at home (domestic), a consumer in Austria (a distance sale
 * below the threshold: German VAT), a French business with a VAT id (an intra-EU supply,
 * reverse-charged: tax-free for the seller) and consumers in the US and Switzerland
 * (exports: zero-rated).
 */
export const BUYERS = [
  { shipTo: { country: "DE" }, weight: 5, rule: "domestic", codes: ["DE-STD", "DE-RED"] },
  { shipTo: { country: "AT" }, weight: 1.5, rule: "distance-origin", codes: ["DE-STD", "DE-RED"] },
  { shipTo: { country: "FR", vatId: "FR40303265045" }, weight: 1, rule: "reverse-charge", codes: ["DE-RC"] },
  { shipTo: { country: "US" }, weight: 1, rule: "export", codes: ["DE-EXP"] },
  { shipTo: { country: "CH" }, weight: 0.5, rule: "export", codes: ["DE-EXP"] },
] as const;
/** The tax codes of a buyer's country (the order keeps only the buyer's country). */
const CODES_BY_COUNTRY = new Map<string, readonly string[]>(BUYERS.map((b) => [b.shipTo.country, b.codes]));
/** The countries whose sales carry no tax for the seller (reverse charge, export). */
const TAX_FREE = new Set<string>(BUYERS.filter((b) => b.rule === "reverse-charge" || b.rule === "export").map((b) => b.shipTo.country));

/** The coupons the simulated shop defines at setup: a percentage and a fixed amount, each with a usage limit a run reaches. */
export const COUPONS = [
  { code: "SIM10", discount: { kind: "percent" as const, percent: "10" }, usageLimit: 4 },
  { code: "SIM3OFF", discount: { kind: "fixed" as const, amount: "3" }, usageLimit: 3 },
];

/** A consumer in Austria when the shop is registered for OSS (its EU distance sales pass the threshold): Austrian VAT. */
const OSS_AUSTRIA = { rule: "distance-destination", codes: ["AT-STD", "AT-RED"] } as const;

/**
 * Sales' commands and invariants for the simulator, with what inventory and finance check of
 * it. `oss`: the shop's EU distance sales pass the OSS threshold (`sales.tax.distanceSales`), so
 * a consumer in Austria is taxed at Austria's rates.
 */
export function salesPart(shop: ShopContext, options: { readonly oss?: boolean; readonly authorizations?: boolean; readonly allocations?: boolean; readonly accounts?: boolean } = {}): ModulePart & { reserved(): Promise<Map<string, number>>; prepayments: ControlCheck } {
  const { sk, random } = shop;
  const oss = options.oss === true;
  // Authorization steps weigh nothing unless asked for: a step of weight 0 is never drawn and leaves the draws of the others as they were.
  const authorizing = options.authorizations === true ? 1 : 0;
  const codesOf = (country: string): readonly string[] | undefined => (oss && country === "AT" ? OSS_AUSTRIA.codes : CODES_BY_COUNTRY.get(country));
  const ruleOf = (country: string | undefined): string => (oss && country === "AT" ? OSS_AUSTRIA.rule : (BUYERS.find((b) => b.shipTo.country === country)?.rule ?? "unknown"));
  const orders: string[] = [];
  const shipments: string[] = [];
  const returns: { returnId: string; lines: { lineId: string; sku: string; quantity: number }[] }[] = [];
  // Returns received (their restocked goods counted in the model once, however many receipts the library answered).
  const received = new Set<string>();
  const cache = new Map<string, OrderDoc>();
  // Captures not yet paid out (per currency), for payouts.
  const unpaidOut: { paymentId: string; currency: string; amount: string }[] = [];
  // A capture recorded twice (two concurrent captures of one authorization's whole rest under its
  // own id: the second replays the first) is one capture to pay out.
  const captured = new Set<string>();
  const toPayOut = (c: { paymentId: string; currency: string; amount: string }): void => {
    if (captured.has(c.paymentId)) return;
    captured.add(c.paymentId);
    unpaidOut.push(c);
  };
  // Authorizations whose rest may still be captured, voided or failed.
  const authorizations: { paymentId: string; orderId: string }[] = [];
  const authorizationOf = async (paymentId: string): Promise<PaymentDoc | undefined> => (await sk.runtime.read((tx) => tx.documents.get<PaymentDoc & { [k: string]: never }>(PAYMENTS, `authorization:${paymentId}`)))?.data;

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
  const buyer = (): (typeof BUYERS)[number]["shipTo"] => {
    let r = random.next() * BUYERS.reduce((sum, b) => sum + b.weight, 0);
    for (const b of BUYERS) if ((r -= b.weight) < 0) return b.shipTo;
    return BUYERS[0].shipTo;
  };
  // Edit refusals of the known bug (see sales.editOrder below).
  // Edits committed per order (its version is one more).
  const edits = new Map<string, number>();
  const partOf = (amount: string): string => {
    const cents = new Decimal(amount).times(100).toNumber();
    return random.chance(0.5) || cents <= 1 ? amount : new Decimal(random.int(1, cents - 1)).dividedBy(100).toFixed(2);
  };

  // Orders of a product that allows backorders (placed, and placed beyond what was available).
  const backorderTally = async (orderId: string, what: string): Promise<void> => {
    const order = cache.get(orderId);
    if (order === undefined) return;
    for (const line of order.lines) {
      if (!shop.backorderSkus.has(line.sku)) continue;
      shop.tally(`sales.backorders.${what}`);
      if (!order.reserved || shop.concurrent()) continue;
      const a = await sk.inventory.availability(line.sku, order.warehouseId);
      if (Number(a.available) < 0) shop.tally(`sales.backorders.${what}-beyond-stock`);
    }
  };

  // Customers given a credit limit (--accounts).
  const limited = new Set<string>();
  const steps = (): SimStep[] => {
    const any = orders.length > 0 ? 1 : 0;
    return [
      {
        name: "sales.placeOrder",
        weight: 3,
        // A coupon past its usage limit refuses the order (the limit holds under concurrency).
        // So does an order on account beyond its customer's credit limit (the limit holds under concurrency too).
        refuses: (error) => isStorekeepError(error) && error.code === "VALIDATION_FAILED" && ["coupon-exhausted", "credit-limit"].includes((error.details as { reason?: string } | undefined)?.reason ?? ""),
        run: async () => {
          // A shop taking pre-orders sells its backorder product every day: a quarter of the orders start with it.
          const preorder = shop.backorderSkus.size > 0 && random.chance(0.25) ? shop.sellable.indexOf([...shop.backorderSkus][0]!) : -1;
          const first = preorder >= 0 ? preorder : random.int(0, shop.sellable.length - 1);
          const skus = random.chance(0.4) ? [shop.sellable[first]!, shop.sellable[(first + random.int(1, shop.sellable.length - 1)) % shop.sellable.length]!] : [shop.sellable[first]!];
          const coupon = random.chance(0.2) ? random.pick(COUPONS).code : undefined;
          // Some orders are bought on account (--accounts): a known customer's, invoiced with payment terms (which dunning follows up and credit limits bound).
          const onAccount = options.accounts === true && shop.customerIds().length > 0 && random.chance(0.3);
          const input = {
            orderId: shop.id("so"),
            currency: random.pick(["EUR", "EUR", "EUR", "USD", "GBP"]),
            warehouseId: random.pick(shop.warehouses),
            lines: skus.map((sku) => ({ sku, quantity: String(random.int(1, 4)), unitPrice: shop.money(), ...(random.chance(0.3) ? { taxCategory: "reduced" } : {}) })),
            reserveAt: random.pick(["placement", "placement", "payment", "none"] as const),
            invoicing: random.pick(["on-order", "on-shipment"] as const),
            ...(random.chance(0.3) ? { shipping: { amount: "4.90" } } : {}),
            ...(onAccount ? { paymentTermsDays: random.int(1, 7) } : {}),
            ...(coupon === undefined ? {} : { couponCode: coupon }),
            ...(random.chance(0.2) ? { discounts: [{ kind: "threshold" as const, every: "30", off: "3" }] } : {}),
            shipTo: buyer(),
            // Most orders are a known customer's (CRM's), whatever became of the customer since (merged, erased).
            // (With allocations every order is a customer's when there are customers: their credits meet their other orders.)
            // (Half the orders on account are a customer's with a credit limit, when there is one.)
            ...(onAccount && limited.size > 0 && random.chance(0.5) ? { customerId: random.pick([...limited].sort()) } : shop.customerIds().length > 0 && (onAccount || options.allocations === true || random.chance(0.6)) ? { customerId: random.pick(shop.customerIds()) } : {}),
          };
          const run = () => sk.sales.placeOrder(input, { idempotencyKey: `checkout-${input.orderId}` });
          let result;
          try {
            result = await run();
          } catch (error) {
            // An order of products that all allow backorders is never short of stock.
            if (isStorekeepError(error) && error.code === "INSUFFICIENT_STOCK" && input.lines.every((l) => shop.backorderSkus.has(l.sku))) throw new Error(`an order of ${input.lines.map((l) => l.sku).join(", ")} (backorders allowed) was refused: ${error.message}`);
            throw error;
          }
          orders.push(input.orderId);
          shop.orderPlaced();
          if (input.customerId !== undefined) shop.orderPlacedFor(input.customerId);

          shop.keyed({ name: "sales.placeOrder", run, result });
          // Alone, an order on account that passed its customer's credit limit leaves the customer within it (receivables and what orders on account will still bill).
          if (input.paymentTermsDays !== undefined && input.customerId !== undefined && !shop.concurrent()) {
            const status = await sk.sales.creditStatus(input.customerId);
            if (status.limit !== null && new Decimal(status.open).gt(status.limit)) throw new Error(`order ${input.orderId} on account was placed, and its customer ${input.customerId} now owes ${status.open} (${status.receivables} receivable, ${status.uninvoiced} to invoice) against a limit of ${status.limit}`);
          }
          await refresh(input.orderId);
          await backorderTally(input.orderId, "ordered");
          return result;
        },
      },
      {
        name: "finance.allocate",
        weight: options.allocations === true ? 2 * any : 0,
        run: async () => {
          // A customer's open credit (a return's credit note, an over-payment left on a capture)
          // applied with finance.allocate to an open invoice of the same customer and currency —
          // another order's: when the customer has none open, a new order of theirs, invoiced on
          // order, is placed for it — whole, or part of it. Sales must then see the credit as paid
          // out of the first order and into the second (agreesWithOpenItems, refunds within it).
          const today = shop.today();
          const open = (await sk.finance.openItems({ ledger: "receivables", openOnly: true })).filter((i) => i.date <= today && i.orderId !== undefined);
          const credits = open.filter((i) => (i.documentType === "credit-note" || i.documentType === "payment") && new Decimal(i.openAmount).lt("-0.01") && shop.customerIds().includes(i.party));
          if (credits.length === 0) return "skip";
          const pairs = credits.flatMap((credit) => open.filter((d) => d.documentType === "invoice" && d.party === credit.party && d.currency === credit.currency && d.orderId !== credit.orderId && new Decimal(d.openAmount).gt("0.01")).map((d) => ({ credit, documentId: d.documentId, orderId: d.orderId!, open: d.openAmount })));
          let pair = pairs.length > 0 ? random.pick(pairs) : undefined;
          if (pair === undefined) {
            const credit = random.pick(credits);
            const input = { orderId: shop.id("so"), currency: credit.currency, warehouseId: random.pick(shop.warehouses), lines: [{ sku: random.pick(shop.sellable), quantity: "1", unitPrice: shop.money() }], reserveAt: "none" as const, invoicing: "on-order" as const, shipTo: buyer(), customerId: credit.party };
            const placed = await sk.sales.placeOrder(input, { idempotencyKey: `checkout-${input.orderId}` });
            orders.push(input.orderId);
            shop.orderPlaced();
            shop.orderPlacedFor(credit.party);
            await refresh(input.orderId);
            const invoiceId = cache.get(input.orderId)?.invoices[0]?.invoiceId;
            if (invoiceId === undefined) throw new Error(`order ${input.orderId} was placed invoiced on order, but holds no invoice`);
            pair = { credit, documentId: invoiceId, orderId: input.orderId, open: placed.total };
          }
          const most = Decimal.min(new Decimal(pair.credit.openAmount).negated(), pair.open);
          const half = most.dividedBy(2).toDecimalPlaces(2, Decimal.ROUND_DOWN);
          const amount = random.chance(0.5) || half.lte(0) ? undefined : half;
          const result = await sk.finance.allocate({ ledger: "receivables", creditId: pair.credit.documentId, documentIds: [pair.documentId], date: today, ...(amount === undefined ? {} : { amount: amount.toFixed(2) }) });
          shop.tally(amount === undefined ? "finance.allocations.whole" : "finance.allocations.part");
          await refresh(pair.credit.orderId!);
          await refresh(pair.orderId);
          return result;
        },
      },
      {
        name: "sales.capturePayment",
        weight: 3 * any,
        run: async () => {
          const order = await pickOrder();
          if (order === undefined || order.state === "cancelled") return "skip";
          // What the customer owes, as capturePayment limits it: the total less what returns credited and
          // captures net of refunds (a balance an edit left due too); a written-off debt may be paid late.
          let left = new Decimal(owedOnOrder(order));
          if (options.allocations === true) {
            // What finance.allocate moved counts too (another order's credit paid this order, or this order's
            // credit paid another's): the view's leftToPay, plus the written-off debt a late payment may still pay.
            const view = await sk.sales.order(order.orderId);
            if (view !== undefined) left = new Decimal(view.leftToPay).gt(0) ? new Decimal(view.leftToPay).plus(view.writtenOff) : new Decimal(0);
          }
          if (left.lte(0)) return "skip";
          const input = { orderId: order.orderId, paymentId: shop.id("ch"), amount: partOf(left.toFixed(2)) };
          const run = () => sk.sales.capturePayment(input, { idempotencyKey: `psp-${input.paymentId}` });
          const result = await run();
          toPayOut({ paymentId: input.paymentId, currency: order.currency, amount: input.amount });
          shop.keyed({ name: "sales.capturePayment", run, result });
          await refresh(order.orderId);
          return result;
        },
      },
      {
        name: "sales.authorizePayment",
        weight: 1.2 * any * authorizing,
        run: async () => {
          const order = await pickOrder();
          if (order === undefined || (order.state !== "placed" && order.state !== "on-hold")) return "skip";
          const left = new Decimal(owedOnOrder(order));
          if (left.lte(0)) return "skip";
          const input = { orderId: order.orderId, paymentId: shop.id("pi"), amount: partOf(left.toFixed(2)), provider: "sim-psp" };
          const run = () => sk.sales.authorizePayment(input, { idempotencyKey: `psp-${input.paymentId}` });
          const result = await run();
          authorizations.push({ paymentId: input.paymentId, orderId: order.orderId });
          shop.keyed({ name: "sales.authorizePayment", run, result });
          await refresh(order.orderId);
          return result;
        },
      },
      {
        name: "sales.capturePayment (authorized)",
        weight: authorizations.length > 0 ? 2 : 0,
        // A capture of the rest by default takes no more than is left to pay, never a written-off debt: nothing left then.
        refuses: (error) => isStorekeepError(error) && error.code === "VALIDATION_FAILED" && (error.details as { leftToPay?: string } | undefined)?.leftToPay === "0",
        run: async () => {
          const auth = random.pick(authorizations);
          const doc = await authorizationOf(auth.paymentId);
          if (doc === undefined || (doc.state !== "authorized" && doc.state !== "partially-captured")) {
            drop(authorizations, auth);
            return "skip";
          }
          await refresh(auth.orderId);
          const order = cache.get(auth.orderId);
          if (order === undefined) return "skip";
          const c = order.currency;
          const rest = minorOf(doc.amount, c) - minorOf(doc.captured, c);
          let owed = minorOf(owedOnOrder(order), c);
          if (options.allocations === true) {
            // What finance.allocate moved counts too (as for a capture naming no authorization): the view's leftToPay and the written-off debt.
            const view = await sk.sales.order(order.orderId);
            if (view !== undefined) owed = new Decimal(view.leftToPay).gt(0) ? minorOf(new Decimal(view.leftToPay).plus(view.writtenOff).toFixed(), c) : 0n;
          }
          if (owed <= 0n || rest <= 0n) return "skip";
          // The provider's capture of the whole rest under the authorization's own id (as a payment
          // intent is captured), or a part under a capture id of its own naming the authorization.
          const whole = doc.captured === "0" && random.chance(0.5);
          const most = rest < owed ? rest : owed;
          const input = whole ? { orderId: order.orderId, paymentId: auth.paymentId } : { orderId: order.orderId, paymentId: shop.id("ch"), authorizationId: auth.paymentId, amount: partOf(amountOf(most, c)) };
          const run = () => sk.sales.capturePayment(input, { idempotencyKey: `psp-capture-${input.paymentId}` });
          const result = await run();
          toPayOut({ paymentId: input.paymentId, currency: c, amount: (result as { amount: string }).amount });
          shop.keyed({ name: "sales.capturePayment (authorized)", run, result });
          await refresh(order.orderId);
          return result;
        },
      },
      {
        name: "sales.voidPayment",
        weight: authorizations.length > 0 ? 0.8 : 0,
        // The provider reporting another end of a rest that already ended (voided by a cancellation, then "failed").
        refusals: ["DUPLICATE_DOCUMENT"],
        run: async () => {
          const auth = random.pick(authorizations);
          const outcome = random.chance(0.7) ? ("void" as const) : ("fail" as const);
          const run = () => sk.sales.voidPayment({ paymentId: auth.paymentId, outcome }, { idempotencyKey: `psp-${outcome}-${auth.paymentId}` });
          const result = await run();
          drop(authorizations, auth);
          shop.keyed({ name: "sales.voidPayment", run, result });
          await refresh(auth.orderId);
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
          const backordered = lines.some((l) => shop.backorderSkus.has(l.sku));
          let result;
          try {
            result = await sk.sales.shipOrder({ orderId: order.orderId, shipmentId, lines: lines.map((l) => ({ lineId: l.lineId, quantity: String(l.quantity) })) });
          } catch (error) {
            // A backordered line ships when its stock has come in: short of it, the shipment is refused whole.
            if (backordered && isStorekeepError(error) && error.code === "INSUFFICIENT_STOCK") {
              shop.tally("sales.backorders.shipments-refused-short");
              // Of those, refused because older backorders wait for the stock (served oldest first).
              if (((error.details as { heldAhead?: string } | undefined)?.heldAhead ?? "0") !== "0") shop.tally("sales.backorders.shipments-refused-queued");
              // Refused only while short: alone, with every line untracked at the order's warehouse, some SKU must
              // lack what it ships — for the units its own holds reserve, what the stock covers of them after the holds
              // queued before (backorders are served oldest first; on hand for other products), available (on hand
              // less reserved) else.
              const plain = order.lines.filter((l) => lines.some((s) => s.lineId === l.lineId));
              if (!shop.concurrent() && plain.every((l) => shop.skus.includes(l.sku) && (l.sources ?? []).length === 0)) {
                const need = new Map<string, { quantity: number; reserved: boolean }>();
                for (const l of lines) {
                  const line = plain.find((p) => p.lineId === l.lineId)!;
                  const n = need.get(l.sku) ?? { quantity: 0, reserved: false };
                  need.set(l.sku, { quantity: n.quantity + l.quantity, reserved: n.reserved || q(line.buckets.reserved) > 0 });
                }
                let short = false;
                const seen: string[] = [];
                for (const [sku, n] of need) {
                  const a = await sk.inventory.availability(sku, order.warehouseId);
                  let limit = Number(n.reserved ? a.onHand : a.available);
                  if (n.reserved && shop.backorderSkus.has(sku)) {
                    const queue = await sk.inventory.backorderQueue(sku, order.warehouseId);
                    limit = queue.entries.filter((e) => e.orderId === order.orderId).reduce((sum, e) => sum + Number(e.covered), 0);
                    seen.push(`${sku} covered for ${order.orderId} ${limit} of ${queue.held} held`);
                  }
                  seen.push(`${sku} on hand ${a.onHand}, reserved ${a.reserved}, available ${a.available}`);
                  if (n.quantity > limit) short = true;
                }
                if (!short) throw new Error(`shipment of ${order.orderId} (${order.state}${order.reserved ? ", reserved" : ""}) refused (${(error as Error).message}) while ${order.warehouseId} had what it ships: ${[...need].map(([sku, n]) => `${n.quantity} ${sku}${n.reserved ? " reserved" : ""}`).join(", ")} (${seen.join("; ")}; lines ${JSON.stringify(plain.map((l) => [l.lineId, l.sku, l.buckets.ordered, l.buckets.reserved, l.buckets.shipped]))})`);
              }
            }
            throw error;
          }
          for (const l of lines) shop.moved(l.sku, -l.quantity);
          shipments.push(shipmentId);
          if (backordered) shop.tally("sales.backorders.shipped");
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
        name: "sales.editOrder",
        weight: 2.5 * any,
        // In a concurrent batch the order may have lost the line another edit removed meanwhile (NOT_FOUND);
        // an edit raising an order on account beyond its customer's credit limit is refused (--accounts).
        refuses: (error) => (shop.concurrent() && isStorekeepError(error) && error.code === "NOT_FOUND") || (isStorekeepError(error) && error.code === "VALIDATION_FAILED" && (error.details as { reason?: string } | undefined)?.reason === "credit-limit"),
        run: async () => {
          // New quantities for unshipped lines (0 removes one), sometimes a line added; a
          // surplus over the new total is refunded in the same command (the refund id is
          // always given, used only then), a shortfall left due for capturePayment.
          // Mostly an order already paid for (in part): its edits have a payment difference to settle.
          const paidFor = orders.filter((id) => cache.get(id)?.state === "placed" && new Decimal(cache.get(id)!.paid.captured).gt(0));
          const order = paidFor.length > 0 && random.chance(0.6) ? (await sk.sales.order(random.pick(paidFor)))?.order : await pickOrder();
          if (order === undefined || !["placed", "on-hold"].includes(order.state) || order.returns.length > 0) return "skip";
          const paidBefore = new Decimal(order.paid.captured).minus(order.paid.refundedOnEdit ?? "0");
          const open = order.lines.filter((l) => q(l.buckets.shipped) === 0);
          // Changes lower a line (an order paid in full then has a surplus to refund) or set any quantity up to 5.
          const lower = paidBefore.gte(order.totals.gross) ? 0.8 : 0.4;
          // A quantity equal to the line's is no change (an edit of nothing is refused): dropped.
          const changes = open
            .filter(() => random.chance(0.6))
            .map((l) => ({ lineId: l.lineId, quantity: String(random.chance(lower) ? random.int(0, Math.max(0, q(l.quantity) - 1)) : random.int(0, 5)), was: q(l.quantity) }))
            .filter((c) => Number(c.quantity) !== c.was)
            .map(({ was: _was, ...c }) => c);
          const add = random.chance(0.35) || (changes.length === 0 && open.length === 0) ? [{ sku: random.pick(shop.sellable), quantity: String(random.int(1, 3)), unitPrice: shop.money(), ...(random.chance(0.3) ? { taxCategory: "reduced" } : {}) }] : [];
          if (changes.length === 0 && add.length === 0) changes.push({ lineId: open[0]!.lineId, quantity: String((q(open[0]!.quantity) % 5) + 1) });
          // Never every line removed (that is a cancellation).
          const kept = order.lines.filter((l) => changes.find((c) => c.lineId === l.lineId)?.quantity !== "0").length + add.length;
          if (kept === 0) changes[0] = { ...changes[0]!, quantity: q(order.lines.find((l) => l.lineId === changes[0]!.lineId)!.quantity) === 1 ? "2" : "1" };
          const input = { orderId: order.orderId, ...(changes.length > 0 ? { changes } : {}), ...(add.length > 0 ? { add } : {}), refund: { refundId: shop.id("re") } };
          const result = await sk.sales.editOrder(input);
          edits.set(order.orderId, (edits.get(order.orderId) ?? 0) + 1);
          // The payment difference: refunded in the edit, left due, or none.
          shop.tally(`sales.edits.${result.refundId !== null ? "refunded" : paidBefore.gt(0) && result.balanceDue !== "0" ? "balance-due" : paidBefore.gt(0) ? "even" : "unpaid"}`);
          if (add.length > 0) shop.tally("sales.edits.line-added");
          if (changes.some((c) => c.quantity === "0")) shop.tally("sales.edits.line-removed");
          await refresh(order.orderId);
          const after = cache.get(order.orderId)!;
          // The payment difference is settled: a surplus refunded now, a shortfall left due, nothing else.
          const paid = new Decimal(after.paid.captured).minus(after.paid.refundedOnEdit ?? "0");
          let due = Decimal.max(0, new Decimal(after.totals.gross).minus(paid));
          if (options.allocations === true) {
            // What another order's credit paid of this order's invoices (finance.allocate) is not due again,
            // and what this order's credit paid of another's is (the view's leftToPay, before any write-off).
            const view = (await sk.sales.order(order.orderId))!;
            due = new Decimal(view.leftToPay).plus(view.writtenOff);
          }
          if (!shop.concurrent() && !due.eq(result.balanceDue)) throw new Error(`edit of ${order.orderId}: balance due ${result.balanceDue}, but the order's total ${after.totals.gross} less ${paid.toFixed()} paid leaves ${due.toFixed()}`);
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
      ...(options.accounts === true
        ? [
            {
              name: "sales.setCreditLimit",
              weight: shop.customerIds().length > 0 ? 0.15 : 0,
              run: async () => {
                const limit = random.pick([null, "60", "250", "1000"]);
                const result = await sk.sales.setCreditLimit({ customerId: random.pick(shop.customerIds()), limit });
                if (limit === null) limited.delete(result.customerId);
                else limited.add(result.customerId);
                return result;
              },
            },
          ]
        : []),
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
        // Two receipts of one return drawn in one concurrent batch: the one that runs second,
        // with other dispositions, is refused as the duplicate it is (the first dropped it).
        refuses: (error) => isStorekeepError(error) && error.code === "DUPLICATE_DOCUMENT" && typeof error.details["returnId"] === "string" && !returns.some((r) => r.returnId === error.details["returnId"]),
        run: async () => {
          const ret = random.pick(returns);
          const dispositions = ret.lines.map((l) => ({ lineId: l.lineId, disposition: random.chance(0.8) ? ("restock" as const) : ("write-off" as const) }));
          const result = await sk.sales.receiveReturn({ returnId: ret.returnId, dispositions });
          // Two receipts of one return in a concurrent batch with the same dispositions: the
          // library receives it once and answers the other with the first result and no second
          // effect (a replayed warehouse call, see receiveReturn); the stock it restocked moved once.
          if (received.has(ret.returnId)) shop.tally("sales.returns.received-twice");
          else for (const [i, l] of ret.lines.entries()) if (dispositions[i]!.disposition === "restock") shop.moved(l.sku, l.quantity);
          received.add(ret.returnId);
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
          // Refundable: before an invoice, the prepayment; after one, what the order view's refundDue shows — the
          // credit notes' unpaid credit, but not the part that pays for goods still to ship, nor what finance moved to
          // another order's documents (finance.allocate; the simulator writes off debts, never credits) — and the
          // prepayment an on-shipment order still holds for goods not shipped yet: a refund more than either is split,
          // the credit first, the rest out of prepayments.
          const prepaid = new Decimal(order.prepayment.amount);
          const due = order.invoices.length > 0 ? ((await sk.sales.order(order.orderId))?.refundDue ?? "0") : "0";
          const refundable = order.invoices.length > 0 ? new Decimal(due).plus(prepaid) : prepaid;
          const left = Decimal.min(refundable, new Decimal(order.paid.captured).minus(order.paid.refunded));
          if (left.lte(0)) return "skip";
          const result = await sk.sales.refundPayment({ orderId: order.orderId, refundId: shop.id("re"), amount: partOf(left.toFixed(2)) });
          if (result.fromPrepayments !== undefined) shop.tally("sales.refunds.split");
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

  // The sales documents as the outbox has them: per order the tax invoiced less the tax
  // credited (order currency, minor units); per tax code the functional output tax the
  // documents and advances moved (what the tax report must say); per invoice/credit note
  // whether its tax lines add up to its tax and belong to the buyer's treatment.
  let cursor: string | null = null;
  const documentTax = new Map<string, bigint>();
  const taxByCode = new Map<string, Decimal>();
  const documentViolations: string[] = [];
  type Money = { amount: string; currency: string };
  type TaxLine = { code: string; jurisdiction: { country: string }; kind: string; tax: Money; functional: { tax: Money } };
  const addCode = (key: string, amount: string, sign: 1 | -1): void => {
    taxByCode.set(key, (taxByCode.get(key) ?? new Decimal(0)).plus(sign === 1 ? amount : new Decimal(amount).negated()));
  };
  const readDocuments = async (): Promise<void> => {
    for (;;) {
      const page = await shop.store.readEvents(cursor, 10_000);
      for (const e of page) {
        const p = e.payload as Record<string, unknown>;
        const advance = (key: string, sign: 1 | -1) => {
          for (const l of (p[key] as TaxLine[] | undefined) ?? []) addCode(`${l.jurisdiction.country}|${l.code}`, l.functional.tax.amount, sign);
        };
        if (e.type === "OrderInvoiced" || e.type === "CreditNoteIssued") {
          const sign = e.type === "OrderInvoiced" ? 1 : -1;
          const orderId = p.orderId as string;
          const tax = p.tax as Money;
          const lines = (p.taxLines as TaxLine[] | undefined) ?? [];
          const doc = `${e.type} ${(p.invoiceId ?? p.creditNoteId) as string} of ${orderId}`;
          documentTax.set(orderId, (documentTax.get(orderId) ?? 0n) + BigInt(sign) * minorOf(tax.amount, tax.currency));
          const sum = lines.reduce((a, l) => a + minorOf(l.tax.amount, tax.currency), 0n);
          const treatment = ruleOf(cache.get(orderId)?.shipTo?.country);
          shop.tally(`sales.${e.type === "OrderInvoiced" ? "invoices" : "credit-notes"}.${treatment}`);
          if (lines.length > 0 && sum !== minorOf(tax.amount, tax.currency)) documentViolations.push(`${doc}: tax ${tax.amount}, its tax lines add up to ${amountOf(sum, tax.currency)}`);
          if (lines.length === 0 && minorOf(tax.amount, tax.currency) !== 0n) addCode("null|null", (p.functional as { tax: Money }).tax.amount, sign);
          const country = cache.get(orderId)?.shipTo?.country;
          const allowed = country === undefined ? undefined : codesOf(country);
          for (const l of lines) {
            addCode(`${l.jurisdiction.country}|${l.code}`, l.functional.tax.amount, sign);
            if (allowed !== undefined && !allowed.includes(l.code)) documentViolations.push(`${doc}: tax code ${l.code} on a sale to ${country} (expected ${allowed.join(" or ")})`);
            // Every sale is reported in Germany, but a distance sale under OSS in the buyer's country.
            const reportedIn = oss && country === "AT" ? "AT" : "DE";
            if (l.jurisdiction.country !== reportedIn) documentViolations.push(`${doc}: tax line ${l.code} in ${l.jurisdiction.country}, expected in ${reportedIn}${oss ? "" : " (a German seller without OSS reports every sale in DE)"}`);
          }
          if (e.type === "OrderInvoiced") advance("advanceTaxReleased", -1);
        } else if (e.type === "PaymentCaptured") advance("advanceTaxLines", 1);
        else if (e.type === "RefundIssued") advance("advanceTaxReleased", -1);
      }
      if (page.length === 0) return;
      cursor = page[page.length - 1]!.position;
      if (page.length < 10_000) return;
    }
  };

  // One order's tax: lines and shipping add up to the totals, its codes are its buyer's, and
  // its invoices less its credit notes carry the tax of what is invoiced and not credited.
  // What the customer owes, two ways: from the order's figures (owedOnOrder: the total less what
  // returns credited, less captures net of refunds — what leftToPay and capturePayment use) and
  // from its ledger (receivable less prepayments plus the part of the total not yet invoiced).
  const owedAgrees = (order: OrderDoc): string[] => {
    if (order.state === "cancelled") return [];
    const c = order.currency;
    let uninvoiced = order.shipping.invoiced ? 0n : minorOf(order.shipping.net, c) + minorOf(order.shipping.tax, c);
    for (const line of order.lines) {
      const ordered = qty(line.buckets.ordered);
      const invoiced = qty(line.buckets.invoiced);
      for (const total of [line.net, line.tax]) uninvoiced += minorOf(total, c) - shareOf(minorOf(total, c), invoiced, ordered);
    }
    const ledger = minorOf(order.receivable.amount, c) - minorOf(order.prepayment.amount, c) + uninvoiced;
    const owed = minorOf(owedOnOrder(order), c);
    return ledger === owed ? [] : [`order ${order.orderId}: owes ${amountOf(owed, c)} ${c} by its figures, ${amountOf(ledger, c)} by its receivable, prepayments and what is not yet invoiced`];
  };

  const orderTax = (order: OrderDoc): string[] => {
    const out: string[] = [];
    const c = order.currency;
    const at = `order ${order.orderId}`;
    let lines = 0n;
    let live = 0n;
    for (const l of order.lines) {
      const tax = minorOf(l.tax, c);
      const coded = l.taxes.reduce((a, t) => a + minorOf(t.amount, c), 0n);
      if (coded !== tax) out.push(`${at} line ${l.lineId}: tax ${l.tax}, its codes add up to ${amountOf(coded, c)}`);
      lines += tax;
      const ordered = qty(l.buckets.ordered);
      live += shareOf(tax, qty(l.buckets.invoiced), ordered) - shareOf(tax, qty(l.buckets.credited), ordered);
    }
    const shipping = minorOf(order.shipping.tax, c);
    if (lines + shipping !== minorOf(order.totals.tax, c)) out.push(`${at}: tax ${order.totals.tax}, its lines and shipping add up to ${amountOf(lines + shipping, c)}`);
    if (order.shipping.invoiced && !order.shipping.credited) live += shipping;
    const documents = documentTax.get(order.orderId) ?? 0n;
    if (documents !== live) out.push(`${at}: its invoices less credit notes carry tax ${amountOf(documents, c)}, what is invoiced and not credited carries ${amountOf(live, c)}`);
    const allowed = codesOf(order.shipTo?.country ?? "");
    for (const code of order.codes) if (allowed === undefined || !allowed.includes(code.code)) out.push(`${at}: tax code ${code.code} on a sale to ${order.shipTo?.country}`);
    if (TAX_FREE.has(order.shipTo?.country ?? "") && minorOf(order.totals.tax, c) !== 0n) out.push(`${at}: a zero-rated or reverse-charged sale to ${order.shipTo?.country} carries tax ${order.totals.tax}`);
    // Reservations follow the open lines: a reserved order holds what each line has left to ship, any other order nothing.
    const holding = order.reserved && (order.state === "placed" || order.state === "on-hold");
    for (const l of order.lines) {
      const open = qty(l.buckets.ordered) - qty(l.buckets.shipped);
      if (qty(l.buckets.reserved) !== (holding ? open : 0n)) out.push(`${at} (${order.state}${order.reserved ? ", reserved" : ""}) line ${l.lineId}: reserved ${l.buckets.reserved}, ${holding ? `left to ship ${qtyText(open)}` : "it holds nothing"}`);
    }
    if ((order.version ?? 1) !== 1 + (edits.get(order.orderId) ?? 0)) out.push(`${at}: version ${order.version ?? 1} after ${edits.get(order.orderId) ?? 0} edits`);
    return out;
  };

  // The tax report over the whole run: it reconciles with the tax account, its output tax is
  // the output-tax account's balance, and each jurisdiction's codes carry what the documents say.
  const taxReport = async (): Promise<string[]> => {
    const out: string[] = [];
    const today = shop.today();
    const report = await sk.finance.taxReport({ from: "2020-01-01", to: today });
    if (!report.reconciles) out.push(`tax report does not reconcile with the tax accounts: ${JSON.stringify(report.accounts)}`);
    const tb = await sk.finance.trialBalance({ asOf: today });
    const row = tb.rows.find((r) => r.account === "2300");
    const account = row === undefined ? new Decimal(0) : new Decimal(row.credit).minus(row.debit);
    if (!account.eq(report.outputTax)) out.push(`output-tax account 2300 is ${account.toFixed()}, the tax report's output tax ${report.outputTax}`);
    const reported = new Map<string, Decimal>();
    for (const r of report.rows) if (r.direction === "output") reported.set(`${r.country}|${r.code}`, (reported.get(`${r.country}|${r.code}`) ?? new Decimal(0)).plus(r.tax));
    // Bad debts' VAT relief, net of what write-backs charged again, as the invoices' items keep it;
    // and no code of an invoice relieved beyond its invoiced tax.
    const relieved = new Map<string, Decimal>();
    for (const item of await sk.finance.openItems({ ledger: "receivables" })) {
      const net = new Map<string, Decimal>();
      for (const s of item.settlements) {
        for (const l of s.taxRelief ?? []) {
          const key = `${l.country}|${l.code}`;
          relieved.set(key, (relieved.get(key) ?? new Decimal(0)).plus(l.tax));
          net.set(key, (net.get(key) ?? new Decimal(0)).plus(l.tax));
        }
      }
      for (const [key, tax] of net) {
        const invoiced = (item.tax?.lines ?? []).filter((l) => `${l.country}|${l.code}` === key).reduce((a, l) => a.plus(l.tax), new Decimal(0));
        if (tax.abs().gt(invoiced.abs()) || (tax.isNegative() && !invoiced.isNegative())) out.push(`${item.documentId}: ${key.replace("|", " ")} relieved ${tax.toFixed()} of its ${invoiced.toFixed()} output tax`);
      }
    }
    for (const key of new Set([...reported.keys(), ...taxByCode.keys(), ...relieved.keys()])) {
      const a = reported.get(key) ?? new Decimal(0);
      const b = (taxByCode.get(key) ?? new Decimal(0)).minus(relieved.get(key) ?? 0);
      if (!a.eq(b)) out.push(`tax report: ${key.replace("|", " ")} output tax ${a.toFixed()}, the documents say ${b.toFixed()}`);
    }
    return out;
  };

  /**
   * An order's open items in finance never leave the customer owing on an invoice while money
   * captured for the same order beyond its invoices (an over-payment) is open: each invoice takes
   * the order's open over-payments when it is raised, and a capture settles every open invoice of
   * the order. Nor while a correction, cancellation or return credit note of the order is open:
   * such a note settles the order's open invoices when it is issued, in a foreign currency too
   * (a difference of booked values is realised as an exchange difference).
   */
  const creditsApplied = async (orders: readonly OrderDoc[]): Promise<string[]> => {
    const open = new Map((await sk.finance.openItems({ ledger: "receivables", openOnly: true })).map((i) => [i.documentId, i] as const));
    const out: string[] = [];
    for (const order of orders) {
      if (order.state === "cancelled") continue;
      const owing = order.invoices.map((i) => open.get(i.invoiceId)).filter((i) => i !== undefined && new Decimal(i.openAmount).gt(0));
      if (owing.length === 0) continue;
      const credits = capturesOf(order).map((id) => open.get(id)).filter((i) => i !== undefined && new Decimal(i.openAmount).lt(0));
      if (credits.length > 0) out.push(`order ${order.orderId}: ${owing.map((i) => `${i!.documentId} ${i!.openAmount}`).join(", ")} open while its over-payment ${credits.map((i) => `${i!.documentId} ${i!.openAmount}`).join(", ")} is open too`);
      const notes = order.creditNotes.filter((n) => n.reason === "correction" || n.reason === "cancellation" || n.reason === "return").map((n) => open.get(n.creditNoteId)).filter((i) => i !== undefined && new Decimal(i.openAmount).lt(0));
      if (notes.length > 0) out.push(`order ${order.orderId}: ${owing.map((i) => `${i!.documentId} ${i!.openAmount}`).join(", ")} open while its credit note ${notes.map((i) => `${i!.documentId} ${i!.openAmount}`).join(", ")} is open too`);
    }
    return out;
  };

  /**
   * What sales shows agrees with finance's open items (after write-offs and allocations that
   * moved credits between orders): an order's `refundDue` never exceeds the credit finance holds
   * open on its credit notes and captures (a credit written off, or allocated to another
   * order's documents, is no longer owed back here), and its `leftToPay` covers what its
   * invoices hold open less those open credits (what finance says the customer owes on the
   * order is shown as left to pay).
   */
  const agreesWithOpenItems = async (orders: readonly OrderDoc[]): Promise<string[]> => {
    const open = new Map((await sk.finance.openItems({ ledger: "receivables", openOnly: true })).map((i) => [i.documentId, i] as const));
    const out: string[] = [];
    for (const order of orders) {
      const view = await sk.sales.order(order.orderId);
      if (view === undefined) continue;
      const c = order.currency;
      const openOf = (id: string): bigint => {
        const item = open.get(id);
        return item === undefined || item.currency !== c ? 0n : minorOf(item.openAmount, c);
      };
      let credit = 0n;
      for (const id of [...order.creditNotes.map((n) => n.creditNoteId), ...capturesOf(order)]) credit += openOf(id) < 0n ? -openOf(id) : 0n;
      let debt = 0n;
      for (const i of order.invoices) debt += openOf(i.invoiceId) > 0n ? openOf(i.invoiceId) : 0n;
      // A prepayment (captured before an invoice) is held in finance's prepayments, not as an open item.
      credit += minorOf(order.prepayment.amount, c);
      const refundDue = minorOf(view.refundDue, c);
      if (refundDue > credit) out.push(`order ${order.orderId}: refundDue ${view.refundDue} ${c}, finance holds ${amountOf(credit, c)} open on its credit notes and captures and as its prepayment`);
      if (minorOf(view.leftToPay, c) < debt - credit) out.push(`order ${order.orderId}: leftToPay ${view.leftToPay} ${c}, its invoices hold ${amountOf(debt, c)} open less ${amountOf(credit, c)} of its credits and prepayment`);
    }
    return out;
  };

  const invariants = async (full: boolean): Promise<string[]> => {
    const violations: string[] = [];
    await readDocuments();
    violations.push(...documentViolations.splice(0));
    if (full || shop.step() % 5 === 0) violations.push(...(await taxReport()));
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
      violations.push(...orderTax(order));
      violations.push(...owedAgrees(order));
    }
    // What an order counts as authorized is what its authorizations hold: each its amount, a
    // rest voided or failed only what was captured of it; a cancelled order has none left open.
    if (full || shop.step() % 5 === 0) {
      for (const order of full ? await all() : cache.values()) {
        const c = order.currency;
        let held = 0n;
        for (const key of order.payments.filter((k) => k.startsWith("authorization:"))) {
          const doc = await authorizationOf(key.slice("authorization:".length));
          if (doc === undefined) {
            violations.push(`order ${order.orderId}: its payment ${key} has no document`);
            continue;
          }
          const open = doc.state === "authorized" || doc.state === "partially-captured";
          held += doc.state === "voided" || doc.state === "failed" || (doc.voided !== undefined && !open) ? minorOf(doc.captured, c) : minorOf(doc.amount, c);
          if (order.state === "cancelled" && open && minorOf(doc.amount, c) > minorOf(doc.captured, c)) violations.push(`order ${order.orderId} is cancelled, its authorization ${doc.paymentId} (${doc.state}) still has ${amountOf(minorOf(doc.amount, c) - minorOf(doc.captured, c), c)} ${c} to capture`);
        }
        if (held !== minorOf(order.paid.authorized, c)) violations.push(`order ${order.orderId}: authorized ${order.paid.authorized} ${c}, its authorizations hold ${amountOf(held, c)}`);
      }
    }
    // Each invoice took the order's open over-payments, each capture settled every open invoice.
    if (full) violations.push(...(await creditsApplied(await all())));
    // Sales' refundDue and leftToPay agree with finance's open items.
    if (full) violations.push(...(await agreesWithOpenItems(await all())));
    if (full) {
      // Every edit kept the version it replaced.
      for (const [orderId, n] of edits) {
        const versions = await sk.sales.orderVersions(orderId);
        if (versions.length !== n + 1 || versions.some((v, i) => v.version !== i + 1)) violations.push(`order ${orderId}: ${n} edits, versions kept ${versions.map((v) => v.version).join(",")}`);
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
