import { z } from "zod";
import { unpaidExpiry } from "./void-payment.js";
import { BOUNDS } from "../kernel/bounds.js";
import { StorekeepError, isStorekeepError } from "../kernel/errors.js";
import type { DistanceSales } from "../finance/tax/place-of-supply.js";
import { idSchema } from "../kernel/ids.js";
import { currencySchema } from "../kernel/money-schema.js";
import { type CommandContext, type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { QUANTITY_SCALE, minorOf, moneyOf, parseScaled, scaleOf } from "./amounts.js";
import { decimalText } from "./inputs.js";
import { COUPONS, ORDERS, couponForUpdate, type OrderDoc, type OrderLine, type OrderPricingRules, qty, qtyText, saveOrder } from "./order.js";
import type { SalesSettings } from "./options.js";
import { type OrderDiscount, type PricingInput, priceOrder } from "./price-order.js";
import { nextOrderState } from "./state-machines.js";
import { invoiceOrderPart } from "./documents.js";
import { creditHeldInFinance } from "./reports.js";
import { functionalRate } from "./rate.js";
import { allocateNumber } from "./numbers.js";
import { ownHolds, sourceOrder } from "./sourcing.js";
import { strictInput } from "../kernel/strict-input.js";
import { checkCreditLimit } from "./credit-limits.js";

const id = idSchema<string>();
export const lineDiscountSchema = z.discriminatedUnion("kind", [
  strictInput({ kind: z.literal("fixed"), amount: decimalText("nonnegative") }),
  strictInput({ kind: z.literal("percent"), percent: decimalText("nonnegative") }),
]);
export const orderDiscountSchema = z.discriminatedUnion("kind", [
  strictInput({ kind: z.literal("fixed"), amount: decimalText("nonnegative"), label: z.string().max(200).optional() }),
  strictInput({ kind: z.literal("percent"), percent: decimalText("nonnegative"), label: z.string().max(200).optional() }),
  strictInput({ kind: z.literal("threshold"), every: decimalText("positive"), off: decimalText("nonnegative"), label: z.string().max(200).optional() }),
]);

/** One order line as placeOrder and editOrder (`add`) take it. */
export const orderLineInputSchema = strictInput({
  lineId: id.optional(),
  sku: id,
  quantity: decimalText("positive", "quantity"),
  unitPrice: decimalText("nonnegative", "price"),
  /** The list (compare-at) price of one unit, for analytics' discount rate. */
  listPrice: decimalText("nonnegative", "price").optional(),
  discount: lineDiscountSchema.optional(),
  taxCategory: z.string().min(1).max(64).optional(),
});

export const placeOrderSchema = strictInput({
  orderId: id.optional(),
  customerId: id.optional(),
  /** The sales channel (web, marketplace, pos, ...): analytics breaks KPIs down by it. */
  channel: id.optional(),
  currency: currencySchema,
  warehouseId: id,
  lines: z
    .array(orderLineInputSchema)
    .min(1)
    .max(BOUNDS.lines),
  discounts: z.array(orderDiscountSchema).max(20).optional(),
  couponCode: z.string().min(1).max(64).optional(),
  shipping: strictInput({ amount: decimalText("nonnegative"), taxCategory: z.string().min(1).max(64).optional() }).optional(),
  /** The destination (the buyer for destination-based tax). */
  shipTo: strictInput({ country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code in capitals, like "DE"'), region: z.string().min(1).max(10).optional(), vatId: z.string().min(1).max(64).optional() }).optional(),
  /** The total the checkout showed: a different computed total refuses the order. */
  expectedTotal: decimalText("nonnegative").optional(),
  reserveAt: z.enum(["placement", "payment", "none"]).optional(),
  invoicing: z.enum(["on-order", "on-shipment"]).optional(),
  paymentTermsDays: z.number().int().min(0).max(3650).optional(),
  /** Leave the order a draft (no reservation, no invoice) until `sales.confirmOrder`. */
  draft: z.boolean().optional(),
});

/**
 * Places an order: prices it (line and order discounts, coupon, shipping, tax), refuses
 * unknown SKUs and a total other than the checkout's `expectedTotal`, reserves stock when
 * the shop reserves at placement, and invoices it when the shop invoices on order. Emits
 * `OrderPlaced` (and `OrderReservationRequested`, `OrderInvoiced`).
 *
 * @example
 * ```ts
 * const place = placeOrderCommand(settings);
 * await runtime.execute(place, { currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: "2", unitPrice: "9.95" }] });
 * ```
 */
export function placeOrderCommand(settings: SalesSettings) {
  return defineLibraryCommand({
    name: "sales.placeOrder",
    input: placeOrderSchema,
    async handle(ctx, input) {
      await ctx.periodLocks?.assertOpen(ctx.tx, "sales", ctx.today);
      const orderId = input.orderId ?? ctx.ids.next("ord");
      if ((await ctx.tx.documents.get(ORDERS, orderId)) !== undefined) {
        throw new StorekeepError("ALREADY_EXISTS", `Order ${orderId} already exists; use another order id (or the same idempotency key to replay).`, { orderId });
      }
      const lineIds = new Set<string>();
      const lines = input.lines.map((l, i) => {
        const lineId = l.lineId ?? String(i + 1);
        if (lineIds.has(lineId)) throw new StorekeepError("VALIDATION_FAILED", `lines[${i}].lineId "${lineId}" repeats; each line needs its own id.`, { issues: [{ path: `lines[${i}].lineId`, message: "repeated", code: "custom" }] });
        lineIds.add(lineId);
        return { lineId, sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, discount: l.discount, taxCategory: l.taxCategory ?? "standard", listPrice: l.listPrice };
      });
      if (settings.seams.warehouseExists !== undefined && !(await settings.seams.warehouseExists(ctx.tx, input.warehouseId))) {
        throw new StorekeepError("NOT_FOUND", `Unknown warehouse "${input.warehouseId}": define it first with inventory.defineWarehouse({ warehouseId }), or place the order at a defined one.`, { warehouseId: input.warehouseId, path: "warehouseId" });
      }
      const known = lines.length > 1 && settings.seams.productsOf !== undefined ? await settings.seams.productsOf(ctx.tx, [...new Set(lines.map((l) => l.sku))]) : undefined;
      for (const [i, line] of lines.entries()) {
        if ((known !== undefined ? known.get(line.sku) : await settings.seams.productOf(ctx.tx, line.sku)) === undefined) {
          throw new StorekeepError("NOT_FOUND", `lines[${i}]: unknown SKU "${line.sku}"; define the product first (inventory.defineProduct).`, { sku: line.sku, path: `lines[${i}].sku` });
        }
      }
      const discounts: OrderDiscount[] = [...(input.discounts ?? [])];
      let couponCode: string | null = null;
      if (input.couponCode !== undefined) {
        const coupon = await couponForUpdate(ctx.tx, input.couponCode);
        if (coupon === undefined) throw new StorekeepError("NOT_FOUND", `Unknown coupon "${input.couponCode}".`, { couponCode: input.couponCode });
        const c = coupon.data;
        if (c.usageLimit !== null && c.used >= c.usageLimit) {
          throw new StorekeepError("VALIDATION_FAILED", `Coupon ${c.code} has reached its usage limit of ${c.usageLimit}; place the order without it.`, { couponCode: c.code, usageLimit: c.usageLimit, reason: "coupon-exhausted", issues: [{ path: "couponCode", message: "usage limit reached", code: "custom" }] });
        }
        // A coupon defined in finer amounts than this order's currency has is the coupon's fault, not the order's: say so.
        const d = c.discount;
        const amounts: [string, string][] = d.kind === "fixed" ? [["amount", d.amount]] : d.kind === "threshold" ? [["every", d.every], ["off", d.off]] : [];
        for (const [field, value] of amounts) {
          try {
            minorOf(value, input.currency);
          } catch {
            throw new StorekeepError("VALIDATION_FAILED", `Coupon ${c.code}: its discount.${field} ${value} has more decimals than ${input.currency} has (${scaleOf(input.currency)}); it cannot apply to an order in ${input.currency}. Define the coupon in whole minor units of the currencies it serves.`, {
              couponCode: c.code,
              issues: [{ path: "couponCode", message: `discount.${field} ${value} finer than ${input.currency}`, code: "custom" }],
            });
          }
        }
        await ctx.tx.documents.put(COUPONS, coupon.key, { ...c, used: c.used + 1 } as never, coupon.version);
        discounts.push({ ...c.discount, label: c.discount.label ?? `coupon ${c.code}` });
        couponCode = c.code;
      }
      const tax = settings.tax;
      const shipTo = input.shipTo ?? (tax === null ? null : { country: tax.seller.country });
      const priced = priceOrder({
        currency: input.currency,
        lines,
        discounts,
        shipping: input.shipping === undefined ? null : { amount: input.shipping.amount, taxCategory: input.shipping.taxCategory ?? tax?.shippingCategory ?? "standard" },
        tax: taxCalculator(settings, ctx.today, input.currency, input.shipTo ?? null),
      });
      if (input.expectedTotal !== undefined && parseScaled(priced.gross, 6) !== parseScaled(input.expectedTotal, 6)) {
        throw new StorekeepError("VALIDATION_FAILED", `The order totals ${priced.gross} ${input.currency}, not the expected ${input.expectedTotal}; re-price the checkout.`, {
          expected: input.expectedTotal,
          computed: priced.gross,
          issues: [{ path: "expectedTotal", message: `computed ${priced.gross}`, code: "custom" }],
        });
      }
      // An order on account may not take its customer beyond the credit limit (a draft is checked when confirmed).
      if (input.draft !== true) await checkCreditLimit(ctx, settings, { customerId: input.customerId ?? "", currency: input.currency, gross: priced.gross, paymentTermsDays: input.paymentTermsDays ?? settings.paymentTermsDays });
      const zero = "0";
      const reserveAt = input.draft === true ? "none" : (input.reserveAt ?? settings.reserveAt);
      const listPrices = new Map(lines.map((l) => [l.lineId, l.listPrice]));
      const orderLines: OrderLine[] = priced.lines.map((l) => {
        const ordered = qtyText(parseScaled(l.quantity, QUANTITY_SCALE));
        return {
          ...l,
          ...(listPrices.get(l.lineId) === undefined ? {} : { listPrice: listPrices.get(l.lineId)! }),
          buckets: { ordered, reserved: reserveAt === "placement" ? ordered : zero, shipped: zero, delivered: zero, returnRequested: zero, returned: zero, restocked: zero, writtenOff: zero, invoiced: zero, credited: zero },
        };
      });
      const nowIso = ctx.now.toISOString();
      const state = input.draft === true ? "draft" : nextOrderState("draft", "place", `Order ${orderId}`);
      let order: OrderDoc = {
        orderId,
        customerId: input.customerId ?? "",
        currency: input.currency,
        functionalCurrency: ctx.config.functionalCurrency,
        warehouseId: input.warehouseId,
        ...(input.channel === undefined ? {} : { channel: input.channel }),
        state,
        cancellationReason: null,
        placedAt: nowIso,
        placedOn: ctx.today,
        expiresAt: unpaidExpiry(settings, { state, paymentTermsDays: input.paymentTermsDays ?? settings.paymentTermsDays, placedAt: nowIso, totals: priced, lines: orderLines }),
        invoicing: input.invoicing ?? settings.invoicing,
        reserveAt: input.reserveAt ?? settings.reserveAt,
        reserved: reserveAt === "placement",
        paymentTermsDays: input.paymentTermsDays ?? settings.paymentTermsDays,
        couponCode,
        shipTo: shipTo === null ? null : shipTo.region === undefined ? { country: shipTo.country } : { country: shipTo.country, region: shipTo.region },
        lines: orderLines,
        shipping: { ...priced.shipping, invoiced: false, credited: false },
        totals: { lineDiscount: priced.lineDiscount, orderDiscount: priced.orderDiscount, net: priced.net, shippingNet: priced.shippingNet, tax: priced.tax, gross: priced.gross },
        discounts: priced.discounts,
        codes: priced.codes,
        paid: { authorized: zero, captured: zero, refunded: zero, capturedOnAuthorizations: zero },
        version: 1,
        pricing: {
          discounts,
          lineDiscounts: Object.fromEntries(lines.filter((l) => l.discount !== undefined).map((l) => [l.lineId, l.discount!])),
          buyer: input.shipTo ?? null,
        },
        prepayment: { amount: zero, functional: zero },
        receivable: { amount: zero, functional: zero },
        invoiceRate: null,
        invoices: [],
        creditNotes: [],
        shipments: [],
        returns: [],
        payments: [],
        history: [{ at: nowIso, action: input.draft === true ? "draft" : "place", state, reference: null }],
      };
      const events: NewEvent[] = [];
      if (state === "placed") {
        const placed = await placementEvents(ctx, settings, order);
        order = placed.order;
        events.push(...placed.events);
      }
      if (state === "placed" && order.invoicing === "on-order") {
        const invoiced = await invoiceWhole(ctx, settings, order);
        order = invoiced.order;
        events.push(invoiced.event);
      }
      await saveOrder(ctx.tx, order, 0);
      return { result: { orderId, state: order.state, total: order.totals.gross, tax: order.totals.tax, invoiceId: order.invoices[0]?.invoiceId ?? null }, events };
    },
  });
}

/** The tax calculator of an order (destination-based: the buyer, or the seller's country), or null when the shop has no tax. */
export function taxCalculator(settings: SalesSettings, date: string, currency: string, buyer: OrderPricingRules["buyer"]): PricingInput["tax"] {
  const tax = settings.tax;
  if (tax === null) return null;
  const distanceSales = distanceSalesOn(tax.distanceSales, date);
  return (taxLines) =>
    settings.seams.calculateTax(taxLines, {
      date,
      currency,
      taxCodes: tax.codes,
      seller: tax.seller,
      buyer: buyer ?? { country: tax.seller.country },
      pricesIncludeTax: tax.pricesIncludeTax ?? false,
      ...(tax.rounding === undefined ? {} : { rounding: tax.rounding }),
      ...(tax.roundingMode === undefined ? {} : { roundingMode: tax.roundingMode }),
      ...(distanceSales === undefined ? {} : { distanceSales }),
    });
}

/** The OSS figures on a date: the shop's, or its function's answer (a failure is the host's to fix). */
function distanceSalesOn(option: NonNullable<SalesSettings["tax"]>["distanceSales"], date: string): DistanceSales | undefined {
  if (typeof option !== "function") return option;
  try {
    return option(date);
  } catch (error) {
    if (isStorekeepError(error)) throw error;
    throw new StorekeepError("VALIDATION_FAILED", `The sales option tax.distanceSales threw for ${date} (${error instanceof Error ? error.message : String(error)}); it must return the year's cross-border B2C sales ({ currentYear, previousYear, threshold?, optIn? }).`, {
      issues: [{ path: "sales.tax.distanceSales", message: "threw", code: "custom" }],
    });
  }
}

/** The events of a placement: OrderPlaced and, when reserving now, the reservation request. */
export async function placementEvents(ctx: CommandContext, settings: SalesSettings, order: OrderDoc): Promise<{ events: NewEvent[]; order: OrderDoc }> {
  const events: NewEvent[] = [
    {
      type: "OrderPlaced",
      aggregateType: "order",
      aggregateId: order.orderId,
      effectiveDate: ctx.today,
      payload: {
        orderId: order.orderId,
        ...(order.customerId === "" ? {} : { customerId: order.customerId }),
        warehouseId: order.warehouseId,
        ...(order.channel === undefined ? {} : { channel: order.channel }),
        currency: order.currency,
        lines: order.lines.map((l) => {
          const discount = minorOf(l.lineDiscount, order.currency) + minorOf(l.orderDiscount, order.currency);
          const line: { lineId: string; sku: string; quantity: string; unitPrice: { amount: string; currency: string }; listPrice?: { amount: string; currency: string }; discount?: { amount: string; currency: string } } = {
            lineId: l.lineId,
            sku: l.sku,
            quantity: l.quantity,
            unitPrice: { amount: l.unitPrice, currency: order.currency },
          };
          if (l.listPrice !== undefined) line.listPrice = { amount: l.listPrice, currency: order.currency };
          if (discount !== 0n) line.discount = moneyOf(discount, order.currency);
          return line;
        }),
        total: moneyOf(minorOf(order.totals.gross, order.currency), order.currency),
      },
    },
  ];
  if (order.reserveAt !== "placement") return { events, order };
  const reserved = await reservationRequest(ctx, settings, order);
  events.push(reserved.event);
  return { events, order: reserved.order };
}

/**
 * Reserves what every line's `reserved` bucket says, placed over warehouses by the sourcing policy:
 * the order with its lines' `sources` and the OrderReservationRequested event (hard holds:
 * sales releases them on cancel or expiry). With `replace` (an edit) inventory first releases
 * what the order holds.
 */
export async function reservationRequest(ctx: CommandContext, settings: SalesSettings, order: OrderDoc, replacing?: OrderDoc): Promise<{ order: OrderDoc; event: NewEvent }> {
  const quantities = new Map(order.lines.map((l) => [l.lineId, qty(l.buckets.reserved)]));
  const { lines, parts } = await sourceOrder(ctx, settings, order, quantities, replacing === undefined ? new Map() : ownHolds(replacing));
  const replace = replacing !== undefined;
  return {
    order: { ...order, lines },
    event: {
      type: "OrderReservationRequested",
      aggregateType: "order",
      aggregateId: order.orderId,
      effectiveDate: ctx.today,
      payload: { orderId: order.orderId, warehouseId: order.warehouseId, kind: "hard", ...(replace ? { replace: true } : {}), lines: parts },
    },
  };
}

/** Invoices everything not yet invoiced, with the shipping charge. */
export async function invoiceWhole(ctx: Parameters<typeof functionalRate>[0], settings: SalesSettings, order: OrderDoc) {
  const quantities = new Map(order.lines.map((l) => [l.lineId, parseScaled(l.buckets.ordered, QUANTITY_SCALE) - parseScaled(l.buckets.invoiced, QUANTITY_SCALE)]));
  const number = await allocateNumber(ctx, settings, "invoice");
  const heldCredit = await creditHeldInFinance(ctx.tx, order, settings.seams.openItems);
  return invoiceOrderPart(order, quantities, { invoiceId: number, number, rate: await functionalRate(ctx, order.currency), today: ctx.today, includeShipping: !order.shipping.invoiced, heldCredit });
}
