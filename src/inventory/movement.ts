import type { JsonObject } from "../ports/storage.js";
import type { StockSource } from "../kernel/events/inventory.js";
import type { ValuationEffect, ValuationInput } from "./valuation.js";

/*
 * The stock ledger's movements: append-only entries of the `inventory.movements` log,
 * one stream per SKU, sorted by `${effectiveAtIso}|${movementId}` — so "this SKU's
 * movements after instant E" is a range read whatever order they were recorded in. A
 * movement is a fact (what moved, where, when, why); what it was worth is derived, and is
 * kept apart in `inventory.valuations`, where a back-dated movement appends a newer
 * valuation instead of editing anything.
 */

/** Log family of movements. @example `MOVEMENTS === "inventory.movements"` */
export const MOVEMENTS = "inventory.movements";
/** Log family of movement valuations (latest generation wins). @example `VALUATIONS === "inventory.valuations"` */
export const VALUATIONS = "inventory.valuations";
/** Log family of cost-state checkpoints. @example `SNAPSHOTS === "inventory.snapshots"` */
export const SNAPSHOTS = "inventory.snapshots";
/** Collection: movement id → SKU and position (for `explain`, returns and sources). @example `MOVEMENT_INDEX === "inventory.movement-index"` */
export const MOVEMENT_INDEX = "inventory.movement-index";

/**
 * The kinds of movement.
 *
 * @example
 * ```ts
 * MOVEMENT_KINDS.includes("scrap"); // true
 * ```
 */
export const MOVEMENT_KINDS = ["receipt", "sale-issue", "customer-return", "supplier-return", "transfer", "adjustment", "scrap", "opening", "revaluation"] as const;

/**
 * A kind of movement (see {@link MOVEMENT_KINDS}).
 *
 * @example
 * ```ts
 * const kind: MovementKind = "receipt";
 * ```
 */
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/**
 * A movement as the ledger stores it. `quantity` is the change to on hand (signed; zero for
 * transfers and revaluations, whose quantity is `moved`).
 *
 * @example
 * ```ts
 * const m: Partial<MovementRecord> = { movementId: "mv_1", sku: "MUG", kind: "receipt", quantity: "10" };
 * ```
 */
export interface MovementRecord extends JsonObject {
  readonly movementId: string;
  readonly sku: string;
  readonly kind: MovementKind;
  readonly effectiveAt: string;
  readonly effectiveDate: string;
  readonly recordedAt: string;
  /** Signed change to on hand ("0" for transfers and revaluations). */
  readonly quantity: string;
  /** Units moved by a transfer, or the receipt quantity a revaluation applies to. */
  readonly moved: string;
  readonly warehouseId: string;
  readonly locationId: string;
  readonly lot: string | null;
  /** Transfers: where the units went. */
  readonly to: { readonly warehouseId: string; readonly locationId: string } | null;
  readonly stage: "direct" | "dispatched" | "arrived" | null;
  readonly transferId: string | null;
  /** The role on the other side of `inventory`. */
  readonly counterRole: string;
  readonly source: StockSource & JsonObject;
  readonly orderId: string | null;
  /** Receipts: the value in minor units of the functional currency (null: at current cost). */
  readonly valueMinor: string | null;
  /** Customer returns: the issue whose cost the units come back at. */
  readonly costOf: string | null;
  /**
   * Revaluations: the receipt movement, its quantity (scaled), the amount (minor) and the role
   * credited; `receiptAt`, the receipt's effective instant, on revaluations recorded since a
   * moving-average receipt's units are taken to leave in arrival order (absent on older ones,
   * which keep the split they were booked with).
   */
  readonly revalues: { readonly movementId: string; readonly receiptQty: string; readonly amount: string; readonly againstRole: string; readonly returnedQty?: string; readonly receiptAt?: string } | null;
  readonly reason: string | null;
  readonly allowNegative: boolean;
  /** Standard-cost changes: the new standard as a ratio (minor units per scaled quantity), absent on other movements. */
  readonly standard?: readonly [string, string] | null;
}

/**
 * A movement's position in its SKU's stream: its sort key.
 *
 * @example
 * ```ts
 * movementPosition("2026-03-01T10:00:00.000Z", "mv_1"); // "2026-03-01T10:00:00.000Z|mv_1"
 * ```
 */
export function movementPosition(effectiveAt: string, movementId: string): string {
  return `${effectiveAt}|${movementId}`;
}

/**
 * The sort key of a generation of a derived entry (valuation or checkpoint) at a position:
 * `#` sorts below every character of an id, so `pos#gen` sorts right after `pos` and
 * before any later position.
 *
 * @example
 * ```ts
 * generationKey("2026-03-01T10:00:00.000Z|mv_1", 7); // "2026-03-01T10:00:00.000Z|mv_1#000000000007"
 * ```
 */
export function generationKey(position: string, generation: number): string {
  return `${position}#${String(generation).padStart(12, "0")}`;
}

/**
 * The valuation effect of a movement record.
 *
 * @example
 * ```ts
 * effectOf({ kind: "adjustment", quantity: "-1" } as MovementRecord); // "out"
 * ```
 */
export function effectOf(record: Pick<MovementRecord, "kind" | "quantity">): ValuationEffect {
  switch (record.kind) {
    case "receipt":
    case "customer-return":
    case "opening":
      return "in";
    case "sale-issue":
    case "supplier-return":
    case "scrap":
      return "out";
    case "adjustment":
      return record.quantity.startsWith("-") ? "out" : "in";
    case "revaluation":
      return "revalue";
    default:
      return "none";
  }
}

const SIX_ZEROS = "000000";

/** A canonical quantity string the ledger wrote, scaled by 10⁶ (no validation: trusted input). */
function scaledQuantity(text: string): bigint {
  const dot = text.indexOf(".");
  if (dot < 0) return BigInt(text) * 1_000_000n;
  const fraction = text.slice(dot + 1);
  return BigInt(text.slice(0, dot) + fraction + SIX_ZEROS.slice(fraction.length));
}

/**
 * A movement record as valuation sees it.
 *
 * @example
 * ```ts
 * const input = valuationInputOf(record);
 * ```
 */
export function valuationInputOf(record: MovementRecord, position?: string): ValuationInput {
  const q = scaledQuantity(record.quantity);
  const revalues = record.revalues;
  // One object shape for every movement keeps the replay loop monomorphic.
  return {
    id: record.movementId,
    position: position ?? movementPosition(record.effectiveAt, record.movementId),
    date: record.effectiveDate,
    effect: effectOf(record),
    qty: q < 0n ? -q : q,
    counterRole: record.counterRole,
    allowNegative: record.allowNegative,
    value: record.valueMinor === null ? undefined : BigInt(record.valueMinor),
    costOf: record.costOf === null ? undefined : { movementId: record.costOf },
    revalue:
      revalues === null
        ? undefined
        : {
            movementId: revalues.movementId,
            receiptQty: BigInt(revalues.receiptQty),
            amount: BigInt(revalues.amount),
            againstRole: revalues.againstRole,
            returnedQty: revalues.returnedQty === undefined ? undefined : BigInt(revalues.returnedQty),
            receiptPosition: revalues.receiptAt === undefined ? undefined : movementPosition(revalues.receiptAt, revalues.movementId),
          },
    restandard: record.standard === undefined || record.standard === null ? undefined : { value: BigInt(record.standard[0]), qty: BigInt(record.standard[1]) },
  };
}

/**
 * The units a movement adds to its SKU's stock (scaled): the quantity of a movement valued
 * `in` (receipt, customer return, opening, found units), zero for any other.
 *
 * @example
 * ```ts
 * inQuantityOf({ kind: "receipt", quantity: "2.5" } as MovementRecord); // 2_500_000n
 * ```
 */
export function inQuantityOf(record: Pick<MovementRecord, "kind" | "quantity">): bigint {
  if (effectOf(record) !== "in") return 0n;
  const q = scaledQuantity(record.quantity);
  return q < 0n ? -q : q;
}
