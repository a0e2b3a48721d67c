/**
 * What a shop's checkout hands storekeep, shared by the Fastify service and the Next.js
 * route handler: an order (lines at net unit prices, one VAT rate) becomes the catalog
 * events OrderPlaced, ShipmentDispatched and OrderInvoiced, recorded in one command under
 * the order's idempotency key. Money is exact: totals are computed with `Money` and
 * rounded once, to the cent, where the invoice says so.
 *
 * This file imports the published package, as a host's code does.
 */
import { Money, type Storekeep } from "storekeep";

/** An order as the shop's checkout posts it. */
export interface CheckoutOrder {
  readonly orderId: string;
  readonly customerId?: string;
  readonly warehouseId: string;
  readonly date: string; // the business date, "2026-11-27"
  readonly currency: "EUR";
  readonly vatRate: string; // "0.19"
  readonly lines: readonly { readonly sku: string; readonly quantity: string; readonly unitPrice: string }[];
}

/** Records the order, its shipment and its invoice; replaying the same order is a no-op. */
export async function checkout(sk: Storekeep, order: CheckoutOrder): Promise<{ orderId: string; net: string; tax: string; gross: string }> {
  const { orderId, warehouseId, currency, date } = order;
  const net = Money.sum(order.lines.map((l) => Money.of(l.unitPrice, currency).multiply(l.quantity)), currency).round("half-even");
  const tax = net.multiply(order.vatRate).round("half-even");
  const gross = net.add(tax);
  const money = (m: Money) => m.toJSON();
  const zero = Money.zero(currency).toJSON();
  // Each event's `type` stays a literal, so recordEvents checks its payload's fields.
  const meta = <T extends "OrderPlaced" | "ShipmentDispatched" | "OrderInvoiced">(type: T) => ({ aggregateType: "order", aggregateId: orderId, effectiveDate: date, type });
  await sk.recordEvents(
    [
      {
        ...meta("OrderPlaced"),
        payload: {
          orderId,
          ...(order.customerId === undefined ? {} : { customerId: order.customerId }),
          warehouseId,
          currency,
          lines: order.lines.map((l, i) => ({ lineId: `l${i + 1}`, sku: l.sku, quantity: l.quantity, unitPrice: { amount: l.unitPrice, currency } })),
          total: money(gross),
        },
      },
      {
        ...meta("ShipmentDispatched"),
        payload: { shipmentId: `shp_${orderId}`, orderId, warehouseId, lines: order.lines.map((l, i) => ({ lineId: `l${i + 1}`, sku: l.sku, quantity: l.quantity })) },
      },
      {
        ...meta("OrderInvoiced"),
        payload: {
          invoiceId: `inv_${orderId}`,
          orderId,
          currency,
          functionalCurrency: currency,
          rate: "1",
          net: money(net),
          shipping: zero,
          tax: money(tax),
          gross: money(gross),
          prepaymentApplied: zero,
          functional: { net: money(net), shipping: zero, tax: money(tax), gross: money(gross), prepaymentApplied: zero },
        },
      },
    ],
    { idempotencyKey: `checkout-${orderId}` },
  );
  return { orderId, net: net.amount.toFixed(2), tax: tax.amount.toFixed(2), gross: gross.amount.toFixed(2) };
}

/** The HTTP status for a storekeep error code. */
export function statusOf(code: string): number {
  switch (code) {
    case "VALIDATION_FAILED":
    case "CURRENCY_MISMATCH":
    case "UNKNOWN_CURRENCY":
      return 400;
    case "NOT_FOUND":
      return 404;
    case "INSUFFICIENT_STOCK":
    case "ALREADY_EXISTS":
    case "IDEMPOTENCY_MISMATCH":
    case "INVALID_TRANSITION":
    case "PERIOD_LOCKED":
      return 409;
    case "STORE_UNAVAILABLE":
    case "CONCURRENCY_CONFLICT":
      return 503;
    default:
      return 500;
  }
}
