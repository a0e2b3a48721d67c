import type { StockSource } from "../kernel/events/inventory.js";
import type { JsonObject } from "../ports/storage.js";
import type { CostStateJson } from "./cost-state.js";
import type { MovementKind } from "./movement.js";

/*
 * What the stock ledger stores besides the movement and valuation logs: the names of its
 * document, balance and counter families, the per-SKU cost state and checkpoint documents,
 * and the shapes a movement takes on its way in (a draft) and out (a recorded movement).
 */

/** Collection of per-SKU cost states. @example `COST_STATES === "inventory.cost-states"` */
export const COST_STATES = "inventory.cost-states";
/** Balance family of quantities per `sku|location|lot` and day. @example `QUANTITIES === "inventory.quantities"` */
export const QUANTITIES = "inventory.quantities";
/** Balance family of stock value per SKU and day (`value`: all stock, `inTransit`: the part in transit). @example `VALUES === "inventory.values"` */
export const VALUES = "inventory.values";
/** Counter family of availability per `sku|warehouse`. @example `AVAILABILITY === "inventory.availability"` */
export const AVAILABILITY = "inventory.availability";
/** Collection of transfers in transit. @example `TRANSFERS === "inventory.transfers"` */
export const TRANSFERS = "inventory.transfers";

/**
 * The stored cost state of a SKU.
 *
 * @example
 * ```ts
 * const doc = await tx.documents.getForUpdate<CostStateDoc>(COST_STATES, "MUG");
 * ```
 */
export interface CostStateDoc extends JsonObject {
  readonly sku: string;
  readonly state: CostStateJson;
  /** The position of the last movement (the highest sort key). */
  readonly lastPosition: string;
  readonly movements: number;
  readonly sinceSnapshot: number;
  /**
   * The latest business date of a movement that brought stock in (receipt, customer return,
   * opening stock, a gain) and of a sale issue; null: none yet. Absent on a SKU whose first
   * movements were recorded before these were kept (then unknown, and never set).
   */
  readonly lastInDate?: string | null;
  readonly lastSaleDate?: string | null;
}

/**
 * A checkpoint of a SKU's cost state after the movement at `position`.
 *
 * @example
 * ```ts
 * const s: SnapshotEntry = { movementId: "mv_9", position: "2026-01-02T00:00:00.000Z|mv_9", state };
 * ```
 */
export interface SnapshotEntry extends JsonObject {
  readonly movementId: string;
  readonly position: string;
  readonly state: CostStateJson;
}


/**
 * A movement to record, before it has an id and a valuation.
 *
 * @example
 * ```ts
 * const draft: MovementDraft = { sku: "MUG", kind: "receipt", effectiveAt: now.toISOString(), quantity: "10", warehouseId: "wh", locationId: "wh", counterRole: "grni", source: { type: "receipt", id: "grn_1" }, valueMinor: 2500n };
 * ```
 */
export interface MovementDraft {
  readonly sku: string;
  readonly kind: MovementKind;
  readonly effectiveAt: string;
  /** Signed change to on hand (canonical decimal); "0" for transfers and revaluations. */
  readonly quantity: string;
  readonly moved?: string;
  readonly warehouseId: string;
  readonly locationId: string;
  readonly lot?: string | undefined;
  /** The lot's expiry, when this movement brings a lot in (recorded in the lot master). */
  readonly expiry?: string | undefined;
  readonly to?: { readonly warehouseId: string; readonly locationId: string };
  readonly stage?: "direct" | "dispatched" | "arrived";
  readonly transferId?: string;
  readonly counterRole: string;
  readonly source: StockSource;
  readonly orderId?: string | undefined;
  readonly valueMinor?: bigint | undefined;
  readonly costOf?: string | undefined;
  /**
   * `receiptValue`: the receipt's received value, for the check that no correction makes its
   * cost negative (not stored); `receiptAt`: the receipt's effective instant (see `MovementRecord.revalues`).
   */
  readonly revalues?: { readonly movementId: string; readonly receiptQty: bigint; readonly amount: bigint; readonly againstRole: string; readonly receiptValue?: bigint; readonly returnedQty?: bigint; readonly receiptAt?: string };
  readonly reason?: string;
  /** Reserved units this issue fulfils (they stop being reserved). */
  readonly reservedRelease?: string;
  /** Use this id instead of a new one. */
  readonly movementId?: string;
  /** A standard-cost change: the new standard as a ratio. */
  readonly standard?: { readonly value: bigint; readonly qty: bigint };
}

/**
 * A recorded movement and what it was valued at.
 *
 * @example
 * ```ts
 * const r: RecordedMovement = { movementId: "mv_1", sku: "MUG", kind: "receipt", effectiveAt: "...", effectiveDate: "2026-01-01", quantity: "10", amount: "25", postings: { inventory: "25", grni: "-25" }, backdated: false };
 * ```
 */
export interface RecordedMovement extends JsonObject {
  readonly movementId: string;
  readonly sku: string;
  readonly kind: MovementKind;
  readonly effectiveAt: string;
  readonly effectiveDate: string;
  readonly quantity: string;
  /** Cost of an issue, value of a receipt, amount of a revaluation (functional currency). */
  readonly amount: string;
  readonly postings: Readonly<Record<string, string>>;
  readonly backdated: boolean;
}

/**
 * A movement's index document: where it is (SKU, position) and what caused it (for
 * `explain`, returns at the cost an issue left with, and bills naming their receipt).
 *
 * @example
 * ```ts
 * const doc = await tx.documents.get<MovementIndexDoc>(MOVEMENT_INDEX, "mv_1");
 * ```
 */
export interface MovementIndexDoc extends JsonObject {
  readonly movementId: string;
  readonly sku: string;
  readonly position: string;
  readonly kind: string;
  readonly orderId: string;
  readonly sourceType: string;
  readonly sourceId: string;
  readonly sourceLineId: string;
}
