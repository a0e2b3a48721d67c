/*
 * The purchase order's lifecycle: stored states, the actions each allows, matched
 * exhaustively with ts-pattern so a new state cannot be forgotten.
 */
import { match } from "ts-pattern";
import { StorekeepError } from "../kernel/errors.js";

/**
 * A purchase order's state.
 *
 * @example
 * ```ts
 * const s: PurchaseOrderStatus = "partiallyReceived";
 * ```
 */
export type PurchaseOrderStatus = "draft" | "approved" | "sent" | "partiallyReceived" | "received" | "billed" | "closed" | "cancelled";

/**
 * What can be done to a purchase order.
 *
 * @example
 * ```ts
 * const a: PurchaseOrderAction = "receive";
 * ```
 */
export type PurchaseOrderAction = "change" | "approve" | "send" | "receive" | "bill" | "return" | "close" | "cancel";

/**
 * The actions a state allows (the transition table).
 *
 * @example
 * ```ts
 * allowedActions("approved"); // ["change", "send", "cancel"]
 * ```
 */
export function allowedActions(status: PurchaseOrderStatus): readonly PurchaseOrderAction[] {
  return match<PurchaseOrderStatus, readonly PurchaseOrderAction[]>(status)
    .with("draft", () => ["change", "approve", "send", "cancel"])
    .with("approved", () => ["change", "send", "cancel"])
    .with("sent", () => ["receive", "bill", "close", "cancel"])
    .with("partiallyReceived", () => ["receive", "bill", "return", "close"])
    .with("received", () => ["receive", "bill", "return", "close"])
    .with("billed", () => ["bill", "return", "close"])
    .with("closed", () => ["return"])
    .with("cancelled", () => [])
    .exhaustive();
}

/**
 * Throws INVALID_TRANSITION naming what the order's state allows, unless `action` is one.
 *
 * @example
 * ```ts
 * assertAllowed("po_1", "cancelled", "send"); // throws: allowed: none
 * ```
 */
export function assertAllowed(purchaseOrderId: string, status: PurchaseOrderStatus, action: PurchaseOrderAction): void {
  const allowed = allowedActions(status);
  if (allowed.includes(action)) return;
  // Goods move and bills come only once the order went to the supplier: say the step that gets there.
  const notSent = (status === "draft" || status === "approved") && (action === "receive" || action === "bill" || action === "return" || action === "close");
  const hint = notSent ? ` Send it to the supplier first (purchasing.sendOrder${status === "draft" ? "; an order above the approval limit needs purchasing.approveOrder before" : ""}).` : "";
  throw new StorekeepError("INVALID_TRANSITION", `Purchase order ${purchaseOrderId} is ${status}: it cannot ${action}; allowed: ${allowed.length === 0 ? "none" : allowed.join(", ")}.${hint}`, {
    purchaseOrderId,
    status,
    action,
    allowed: [...allowed],
  });
}

/**
 * The state an order in progress is in, from its buckets: received when every line has
 * arrived, billed when moreover every received unit is billed (or went back before its
 * bill), partially received when
 * something arrived, else sent.
 *
 * @example
 * ```ts
 * progressStatus([{ quantity: "10", received: "4", billed: "0" }]); // "partiallyReceived"
 * ```
 */
export function progressStatus(lines: readonly { readonly quantity: string; readonly received: string; readonly billed: string; readonly returnedUnbilled?: string | undefined }[]): PurchaseOrderStatus {
  let all = true;
  let any = false;
  let billedAll = true;
  for (const l of lines) {
    const received = scaled(l.received);
    if (received < scaled(l.quantity)) all = false;
    if (received > 0n) any = true;
    if (scaled(l.billed) < received - scaled(l.returnedUnbilled ?? "0")) billedAll = false;
  }
  if (all) return billedAll ? "billed" : "received";
  return any ? "partiallyReceived" : "sent";
}

/** A quantity string (at most 6 decimals) as millionths. */
function scaled(q: string): bigint {
  const [i = "0", f = ""] = q.replace("-", "").split(".");
  const v = BigInt(i) * 1_000_000n + BigInt((f + "000000").slice(0, 6));
  return q.startsWith("-") ? -v : v;
}
