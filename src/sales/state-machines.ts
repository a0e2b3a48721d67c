import { match } from "ts-pattern";
import { withArticle } from "../kernel/article.js";
import { StorekeepError } from "../kernel/errors.js";

/*
 * The sales state machines as typed transition tables. A table maps each state to the
 * actions allowed in it and where each leads; `match(...).exhaustive()` makes the
 * compiler refuse a state without a row. docs/orders.md draws its diagrams from these
 * tables (a test keeps the page current).
 */

/** The order's own lifecycle. */
export type OrderState = "draft" | "placed" | "on-hold" | "completed" | "cancelled";
/** What moves an order. */
export type OrderAction = "place" | "hold" | "release-hold" | "complete" | "cancel" | "expire";

/** A payment's lifecycle (one authorization or direct capture of a provider). */
export type PaymentState = "authorized" | "partially-captured" | "captured" | "voided" | "failed" | "partially-refunded" | "refunded";
/** What moves a payment. */
export type PaymentAction = "capture-part" | "capture-rest" | "void" | "fail" | "refund-part" | "refund-rest";

/** A shipment's lifecycle. */
export type ShipmentState = "shipped" | "delivered";
/** What moves a shipment. */
export type ShipmentAction = "deliver";

/** A return's lifecycle. */
export type ReturnState = "requested" | "received" | "refunded" | "rejected";
/** What moves a return. */
export type ReturnAction = "receive" | "reject" | "refund-part" | "refund";

/**
 * A transition table: for each state, the actions allowed and the state each leads to.
 *
 * @example
 * ```ts
 * const t: TransitionTable<"open" | "closed", "close"> = { open: { close: "closed" }, closed: {} };
 * ```
 */
export type TransitionTable<S extends string, A extends string> = { readonly [K in S]: Readonly<Partial<Record<A, S>>> };

/**
 * The order lifecycle. Payment and fulfilment statuses are derived from amounts and line
 * quantity buckets, not stored; a completed order can still take returns.
 *
 * @example
 * ```ts
 * ORDER_TRANSITIONS.placed.cancel; // "cancelled"
 * ```
 */
export const ORDER_TRANSITIONS: TransitionTable<OrderState, OrderAction> = Object.freeze({
  draft: { place: "placed", cancel: "cancelled" },
  placed: { hold: "on-hold", complete: "completed", cancel: "cancelled", expire: "cancelled" },
  "on-hold": { "release-hold": "placed", cancel: "cancelled" },
  completed: {},
  cancelled: {},
});

/**
 * The payment lifecycle.
 *
 * @example
 * ```ts
 * PAYMENT_TRANSITIONS.authorized["capture-rest"]; // "captured"
 * ```
 */
export const PAYMENT_TRANSITIONS: TransitionTable<PaymentState, PaymentAction> = Object.freeze({
  authorized: { "capture-part": "partially-captured", "capture-rest": "captured", void: "voided", fail: "failed" },
  "partially-captured": { "capture-part": "partially-captured", "capture-rest": "captured", void: "captured", "refund-part": "partially-refunded", "refund-rest": "refunded" },
  captured: { "refund-part": "partially-refunded", "refund-rest": "refunded" },
  "partially-refunded": { "refund-part": "partially-refunded", "refund-rest": "refunded" },
  voided: {},
  failed: {},
  refunded: {},
});

/**
 * The shipment lifecycle.
 *
 * @example
 * ```ts
 * SHIPMENT_TRANSITIONS.shipped.deliver; // "delivered"
 * ```
 */
export const SHIPMENT_TRANSITIONS: TransitionTable<ShipmentState, ShipmentAction> = Object.freeze({
  shipped: { deliver: "delivered" },
  delivered: {},
});

/**
 * The return lifecycle.
 *
 * @example
 * ```ts
 * RETURN_TRANSITIONS.requested.receive; // "received"
 * ```
 */
export const RETURN_TRANSITIONS: TransitionTable<ReturnState, ReturnAction> = Object.freeze({
  requested: { receive: "received", reject: "rejected" },
  received: { "refund-part": "received", refund: "refunded" },
  refunded: {},
  rejected: {},
});

/** The row of the order table for a state (exhaustive over states). */
function orderRow(state: OrderState): Readonly<Partial<Record<OrderAction, OrderState>>> {
  return match(state)
    .with("draft", () => ORDER_TRANSITIONS.draft)
    .with("placed", () => ORDER_TRANSITIONS.placed)
    .with("on-hold", () => ORDER_TRANSITIONS["on-hold"])
    .with("completed", () => ORDER_TRANSITIONS.completed)
    .with("cancelled", () => ORDER_TRANSITIONS.cancelled)
    .exhaustive();
}

function paymentRow(state: PaymentState): Readonly<Partial<Record<PaymentAction, PaymentState>>> {
  return match(state)
    .with("authorized", () => PAYMENT_TRANSITIONS.authorized)
    .with("partially-captured", () => PAYMENT_TRANSITIONS["partially-captured"])
    .with("captured", () => PAYMENT_TRANSITIONS.captured)
    .with("partially-refunded", () => PAYMENT_TRANSITIONS["partially-refunded"])
    .with("voided", () => PAYMENT_TRANSITIONS.voided)
    .with("failed", () => PAYMENT_TRANSITIONS.failed)
    .with("refunded", () => PAYMENT_TRANSITIONS.refunded)
    .exhaustive();
}

function shipmentRow(state: ShipmentState): Readonly<Partial<Record<ShipmentAction, ShipmentState>>> {
  return match(state)
    .with("shipped", () => SHIPMENT_TRANSITIONS.shipped)
    .with("delivered", () => SHIPMENT_TRANSITIONS.delivered)
    .exhaustive();
}

function returnRow(state: ReturnState): Readonly<Partial<Record<ReturnAction, ReturnState>>> {
  return match(state)
    .with("requested", () => RETURN_TRANSITIONS.requested)
    .with("received", () => RETURN_TRANSITIONS.received)
    .with("refunded", () => RETURN_TRANSITIONS.refunded)
    .with("rejected", () => RETURN_TRANSITIONS.rejected)
    .exhaustive();
}

function step<S extends string, A extends string>(machine: string, subject: string, row: Readonly<Partial<Record<A, S>>>, state: S, action: A): S {
  const next = row[action];
  if (next !== undefined) return next;
  const allowed = Object.entries(row).map(([a, to]) => `${a} → ${String(to)}`);
  throw new StorekeepError(
    "INVALID_TRANSITION",
    `${subject} is ${state}: cannot ${action}. ${allowed.length === 0 ? `${withArticle(machine, true)} in ${state} allows no further transition.` : `Allowed from ${state}: ${allowed.join(", ")}.`}`,
    { machine, subject, state, action, allowed: Object.keys(row) },
  );
}

/**
 * The order state an action leads to, or `INVALID_TRANSITION` naming the allowed ones.
 *
 * @example
 * ```ts
 * nextOrderState("placed", "cancel", "Order ord_1"); // "cancelled"
 * ```
 */
export function nextOrderState(state: OrderState, action: OrderAction, subject: string): OrderState {
  return step("order", subject, orderRow(state), state, action);
}

/**
 * The payment state an action leads to, or `INVALID_TRANSITION` naming the allowed ones.
 *
 * @example
 * ```ts
 * nextPaymentState("authorized", "void", "Payment pay_1"); // "voided"
 * ```
 */
export function nextPaymentState(state: PaymentState, action: PaymentAction, subject: string): PaymentState {
  return step("payment", subject, paymentRow(state), state, action);
}

/**
 * The shipment state an action leads to, or `INVALID_TRANSITION`.
 *
 * @example
 * ```ts
 * nextShipmentState("shipped", "deliver", "Shipment shp_1"); // "delivered"
 * ```
 */
export function nextShipmentState(state: ShipmentState, action: ShipmentAction, subject: string): ShipmentState {
  return step("shipment", subject, shipmentRow(state), state, action);
}

/**
 * The return state an action leads to, or `INVALID_TRANSITION`.
 *
 * @example
 * ```ts
 * nextReturnState("requested", "receive", "Return ret_1"); // "received"
 * ```
 */
export function nextReturnState(state: ReturnState, action: ReturnAction, subject: string): ReturnState {
  return step("return", subject, returnRow(state), state, action);
}

/**
 * Every machine's table, by name (for docs and tests).
 *
 * @example
 * ```ts
 * Object.keys(SALES_STATE_MACHINES); // ["order", "payment", "shipment", "return"]
 * ```
 */
export const SALES_STATE_MACHINES = Object.freeze({
  order: { initial: "draft", table: ORDER_TRANSITIONS as TransitionTable<string, string> },
  payment: { initial: "authorized", table: PAYMENT_TRANSITIONS as TransitionTable<string, string> },
  shipment: { initial: "shipped", table: SHIPMENT_TRANSITIONS as TransitionTable<string, string> },
  return: { initial: "requested", table: RETURN_TRANSITIONS as TransitionTable<string, string> },
});

/**
 * A Mermaid `stateDiagram-v2` of a transition table.
 *
 * @example
 * ```ts
 * mermaidStateDiagram(ORDER_TRANSITIONS, "placed");
 * ```
 */
export function mermaidStateDiagram(table: TransitionTable<string, string>, initial: string): string {
  const id = (s: string) => s.replace(/-/g, "_");
  const lines = ["stateDiagram-v2", `  [*] --> ${id(initial)}`];
  for (const [from, row] of Object.entries(table)) {
    for (const [action, to] of Object.entries(row)) lines.push(`  ${id(from)} --> ${id(String(to))}: ${action}`);
    if (Object.keys(row).length === 0) lines.push(`  ${id(from)} --> [*]`);
  }
  return lines.join("\n");
}
