/**
 * The sales module: orders from checkout to delivery, returns and refunds, wired to stock
 * and books through the catalog events. `sk.sales`.
 */
import type { z } from "zod";
import { hardenApi } from "../kernel/boundary.js";
import type { StoreRegistry } from "../ports/storage.js";
import type { ExecuteOptions, ModuleDefinition } from "../runner/command.js";
import type { Runtime } from "../runner/runner.js";
import { authorizePaymentCommand } from "./authorize-payment.js";
import { cancelOrderCommand } from "./cancel-order.js";
import { capturePaymentCommand } from "./capture-payment.js";
import { defineCoupon } from "./define-coupon.js";
import { localDateOf } from "../kernel/local-date.js";
import { rateToFunctional } from "./rate.js";
import { CREDIT_LIMITS, type CreditStatus, creditStatusOf, setCreditLimit } from "./credit-limits.js";
export type { CreditLimit, CreditStatus } from "./credit-limits.js";
import { deliverShipment } from "./deliver-shipment.js";
import { editOrderCommand } from "./edit-order.js";
import { expireOrdersCommand } from "./expire-orders.js";
import { changeOrderStateCommand } from "./hold-order.js";
import { invoiceOrderCommand } from "./invoice-order.js";
import { COUPONS, ORDERS, ORDER_VERSIONS, type OrderDoc, PAYMENTS, PAYOUTS, RETURNS, SHIPMENTS } from "./order.js";
import { type SalesOptions, type SalesSeams, type SalesSettings, resolveSalesOptions } from "./options.js";
import { placeOrderCommand } from "./place-order.js";
import { refundPaymentCommand } from "./refund-payment.js";
import { type OrderPage, type OrderQuery, type OrderView, findOrders, orderVersions, orderView } from "./reports.js";
import { receiveReturnCommand, rejectReturn, requestReturn } from "./returns.js";
import { settlePayout } from "./settle-payout.js";
import { shipOrderCommand } from "./ship-order.js";
import { voidPaymentCommand } from "./void-payment.js";

export type { OpenItemView, SalesOptions, SalesSeams, SalesSettings, SalesTaxOptions, SourcingAllocation, SourcingPolicy, SourcingRequest } from "./options.js";
export { preferredWarehouseFirst, resolveSalesOptions } from "./options.js";
export type { OrderDoc, OrderPricingRules, OrderVersionDoc, OrderLine, OrderHistoryEntry, BookedBalance, InvoiceRecord, PaymentDoc, ShipmentDoc, ReturnDoc, CouponDoc, Bucket, PaymentStatus, FulfilmentStatus, ReturnStatus } from "./order.js";
export { BUCKETS, checkOrderInvariants, deriveStatuses, netCaptured } from "./order.js";
export type { AdvanceTax } from "./advance-tax.js";
export type { EditRefund } from "./edit-order.js";
export type { OrderView, OrderQuery, OrderPage } from "./reports.js";
export { priceOrder } from "./price-order.js";
export type { AppliedTaxCode, LineDiscount, OrderDiscount, PricedLine, PricedOrder, PricedTax, PricingInput, PricingLine } from "./price-order.js";
export { allocateByWeights } from "./amounts.js";
export {
  ORDER_TRANSITIONS,
  PAYMENT_TRANSITIONS,
  RETURN_TRANSITIONS,
  SALES_STATE_MACHINES,
  SHIPMENT_TRANSITIONS,
  mermaidStateDiagram,
  nextOrderState,
  nextPaymentState,
  nextReturnState,
  nextShipmentState,
} from "./state-machines.js";
export type { OrderAction, OrderState, PaymentAction, PaymentState, ReturnAction, ReturnState, ShipmentAction, ShipmentState, TransitionTable } from "./state-machines.js";

const SALES_REGISTRY: Partial<StoreRegistry> = {
  collections: [
    { name: ORDERS, indexes: { byCustomer: { fields: ["customerId", "placedAt"] }, byState: { fields: ["state", "placedAt"] }, byPlaced: { fields: ["placedAt"] }, byExpiry: { fields: ["expiresAt"] } } },
    { name: PAYMENTS },
    { name: SHIPMENTS },
    { name: RETURNS },
    { name: COUPONS },
    { name: ORDER_VERSIONS },
    { name: PAYOUTS },
    { name: CREDIT_LIMITS },
  ],
};

/**
 * The sales module for `createRuntime` (the facade adds it).
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ ...ports, modules: [inventoryModule(), financeModule(), salesModule()] });
 * ```
 */
export function salesModule(options: SalesOptions = {}): ModuleDefinition {
  void options;
  return { name: "sales", registry: SALES_REGISTRY };
}

/**
 * Every sales command definition, built for the settings.
 *
 * @example
 * ```ts
 * const { placeOrder } = salesCommands(settings);
 * ```
 */
export function salesCommands(settings: SalesSettings) {
  return {
    placeOrder: placeOrderCommand(settings),
    changeOrderState: changeOrderStateCommand(settings),
    editOrder: editOrderCommand(settings),
    cancelOrder: cancelOrderCommand(settings),
    expireOrders: expireOrdersCommand(settings),
    authorizePayment: authorizePaymentCommand(settings),
    capturePayment: capturePaymentCommand(settings),
    voidPayment: voidPaymentCommand(settings),
    refundPayment: refundPaymentCommand(settings),
    invoiceOrder: invoiceOrderCommand(settings),
    shipOrder: shipOrderCommand(settings),
    deliverShipment,
    requestReturn,
    receiveReturn: receiveReturnCommand(settings),
    rejectReturn,
    settlePayout,
    defineCoupon,
    setCreditLimit,
  };
}

/**
 * The sales command definitions by name.
 *
 * @example
 * ```ts
 * type Place = SalesCommands["placeOrder"];
 * ```
 */
export type SalesCommands = ReturnType<typeof salesCommands>;
/**
 * The input a sales command takes.
 *
 * @example
 * ```ts
 * const input: SalesCommandInput<"shipOrder"> = { orderId: "ord_1", shipmentId: "shp_1" };
 * ```
 */
export type SalesCommandInput<K extends keyof SalesCommands> = SalesCommands[K] extends { input: infer S extends z.ZodType } ? z.input<S> : never;
/**
 * The result a sales command returns.
 *
 * @example
 * ```ts
 * const placed: SalesCommandResult<"placeOrder"> = await sk.sales.placeOrder(input);
 * ```
 */
export type SalesCommandResult<K extends keyof SalesCommands> = SalesCommands[K] extends { handle(...args: never[]): Promise<{ result: infer R }> } ? R : never;

/**
 * `sk.sales`: orders, payments, shipments, invoices, returns, refunds and payouts.
 *
 * @example
 * ```ts
 * const { orderId } = await sk.sales.placeOrder({ currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "9.95" }] });
 * await sk.sales.capturePayment({ orderId, paymentId: "ch_1" });
 * await sk.sales.shipOrder({ orderId, shipmentId: "shp_1" });
 * ```
 */
export type SalesApi = { [K in keyof SalesCommands]: (input: SalesCommandInput<K>, options?: ExecuteOptions) => Promise<SalesCommandResult<K>> } & {
  /** An order with its lines, statuses, history, and what is left to ship, invoice, pay and refund. */
  order(orderId: string): Promise<OrderView | undefined>;
  /** Orders by customer, by state or all, in a placement date range, newest first, paged. */
  orders(query?: OrderQuery): Promise<OrderPage>;
  /** Every version of an order, oldest first (edits keep the superseded ones); the last is current. */
  orderVersions(orderId: string): Promise<{ readonly version: number; readonly supersededAt: string | null; readonly order: OrderDoc }[]>;
  /** A customer's credit limit, its receivables and what an order on account may still add. */
  creditStatus(customerId: string): Promise<CreditStatus>;
};

const command = ["input", "options?"] as const;

/**
 * Builds `sk.sales` on a runtime.
 *
 * @example
 * ```ts
 * const sales = createSalesApi(runtime, {}, seams);
 * ```
 */
export function createSalesApi(runtime: Runtime, options: SalesOptions, seams: SalesSeams): SalesApi {
  const settings = resolveSalesOptions(options, seams);
  const commands = salesCommands(settings);
  const api: Record<string, unknown> = {};
  const methods: Record<string, readonly string[]> = {};
  for (const [name, c] of Object.entries(commands)) {
    api[name] = (input: unknown, o?: ExecuteOptions) => runtime.execute(c as never, input, o);
    methods[name] = command;
  }
  api["order"] = (orderId: string) => runtime.read((tx) => orderView(tx, orderId, seams.openItems));
  api["orders"] = (query: OrderQuery = {}) => runtime.read((tx) => findOrders(tx, query, seams.openItems, runtime.config.timeZone));
  api["orderVersions"] = (orderId: string) => runtime.read((tx) => orderVersions(tx, orderId));
  methods["order"] = ["string"];
  methods["orderVersions"] = ["string"];
  methods["orders"] = ["input?"];
  api["creditStatus"] = (customerId: string) => {
    const fc = runtime.config.functionalCurrency;
    const today = localDateOf(runtime.clock.now(), runtime.config.timeZone);
    // What foreign-currency orders will bill, at today's rate (as a new order on account is checked).
    return runtime.read((tx) => creditStatusOf(tx, settings, fc, (currency) => rateToFunctional(runtime.rates, currency, fc, today), customerId));
  };
  methods["creditStatus"] = ["string"];
  return hardenApi(api as SalesApi, "sales", { methods } as never);
}
