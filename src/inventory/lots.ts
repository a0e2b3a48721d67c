import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import type { BalanceDelta, JsonObject, Transaction } from "../ports/storage.js";
import { QUANTITIES, type MovementDraft } from "./ledger-records.js";
import type { Product } from "./product.js";
import { withArticle } from "../kernel/article.js";

/*
 * Lots and serial numbers. A product is tracked by lot, by serial number, or not at all
 * (`tracking`). Every stock quantity already sits under `sku|location|lot`; a serial is a
 * lot of one unit. The lot master (`inventory.lots`) keeps each lot's expiry and when it
 * first came in (for FIFO by lot and FEFO picking), and the checks here run on every
 * recorded movement: a tracked product's stock always names its lot, a serial is on hand
 * at most once across all locations, and an expired lot is not sold.
 */

/** The collection of lots (`sku|lot`). @example `LOTS === "inventory.lots"` */
export const LOTS = "inventory.lots";

/**
 * How a product's units are told apart.
 *
 * @example
 * ```ts
 * TRACKING_MODES.includes("serial"); // true
 * ```
 */
export const TRACKING_MODES = ["none", "lot", "serial"] as const;

/**
 * A lot of a SKU: its expiry (null: none) and when it first came into stock.
 *
 * @example
 * ```ts
 * const lot: Lot = { sku: "MILK", lot: "L-42", expiry: "2026-04-10", firstReceivedAt: "2026-03-31T08:00:00.000Z" };
 * ```
 */
export interface Lot extends JsonObject {
  readonly sku: string;
  readonly lot: string;
  readonly expiry: string | null;
  readonly firstReceivedAt: string;
}

/**
 * Records the lots that movements bring in (their expiry, when they first came in), and
 * refuses an expiry that contradicts the one already recorded for the lot.
 *
 * @example
 * ```ts
 * await recordLots(tx, drafts);
 * ```
 */
export async function recordLots(tx: Transaction, drafts: readonly MovementDraft[]): Promise<Map<string, Lot>> {
  const lots = new Map<string, Lot>();
  for (const d of drafts) {
    if (d.lot === undefined || d.lot === null) continue;
    const key = `${d.sku}|${d.lot}`;
    let lot = lots.get(key);
    if (lot === undefined) {
      const doc = await tx.documents.get<Lot>(LOTS, key);
      lot = doc?.data;
      const incoming = !d.quantity.startsWith("-") && d.quantity !== "0";
      if (lot === undefined && incoming) {
        lot = { sku: d.sku, lot: d.lot, expiry: d.expiry ?? null, firstReceivedAt: d.effectiveAt };
        await tx.documents.put(LOTS, key, lot, 0);
      } else if (lot !== undefined && d.expiry !== undefined && lot.expiry !== d.expiry) {
        if (lot.expiry !== null) {
          throw new StorekeepError("VALIDATION_FAILED", `Lot ${d.lot} of ${d.sku} expires on ${lot.expiry}, not ${d.expiry}; a lot has one expiry (use another lot number for another batch).`, {
            issues: [{ path: "expiry", message: `lot already expires on ${lot.expiry}`, code: "custom" }],
          });
        }
        lot = { ...lot, expiry: d.expiry };
        await tx.documents.put(LOTS, key, lot, doc!.version);
      }
      if (lot !== undefined) lots.set(key, lot);
    }
  }
  return lots;
}

/**
 * The checks of lot and serial tracking over a command's quantity changes: a tracked
 * product's stock names its lot (or serial); a serial is on hand at most once (one unit,
 * one location); a sale of a lot whose expiry is before the day it ships is refused.
 *
 * @example
 * ```ts
 * await checkTracking(tx, quantityDeltas, products, drafts, lots);
 * ```
 */
export async function checkTracking(tx: Transaction, deltas: readonly BalanceDelta[], products: ReadonlyMap<string, Product>, drafts: readonly MovementDraft[], lots: ReadonlyMap<string, Lot>, dateOf: (at: string) => string): Promise<void> {
  for (const d of drafts) {
    const tracking = products.get(d.sku)?.tracking ?? "none";
    if (tracking === "none") continue;
    if (d.quantity === "0" && d.kind !== "transfer") continue;
    if (d.lot === undefined || d.lot === null || d.lot === "") {
      throw new StorekeepError("VALIDATION_FAILED", `${d.sku} is tracked by ${tracking}: name the ${tracking === "serial" ? "serial number" : "lot"} (lot) of this ${d.kind}, or pick one with inventory.pick.`, {
        issues: [{ path: "lot", message: `required: ${d.sku} is tracked by ${tracking}`, code: "custom" }],
      });
    }
    const units = d.kind === "transfer" ? (d.moved ?? "0") : d.quantity;
    if (tracking === "serial" && !new Decimal(units).isInteger()) {
      throw new StorekeepError("VALIDATION_FAILED", `${d.sku} is tracked by serial number: serial ${d.lot} is one whole unit, so ${withArticle(d.kind)} of ${units} cannot name it (move 1 unit per serial number).`, {
        issues: [{ path: "quantity", message: "a serial number is one whole unit", code: "custom" }],
      });
    }
    if (d.kind === "sale-issue") {
      const expiry = lots.get(`${d.sku}|${d.lot}`)?.expiry ?? null;
      const day = dateOf(d.effectiveAt);
      if (expiry !== null && expiry < day) {
        throw new StorekeepError("INVALID_TRANSITION", `Lot ${d.lot} of ${d.sku} expired on ${expiry}; expired stock is not sold. Scrap it, or ship another lot (inventory.pick with strategy "fefo" skips expired lots).`, {
          sku: d.sku,
          lot: d.lot,
          expiry,
        });
      }
    }
  }
  // A serial on hand at most once: for every serial that gains stock, its total over all locations stays ≤ 1.
  const gained = new Map<string, Decimal>();
  for (const delta of deltas) {
    const [sku, , lot] = delta.key.split("|") as [string, string, string];
    if ((products.get(sku)?.tracking ?? "none") !== "serial" || lot === "") continue;
    const q = delta.amounts["quantity"] ?? new Decimal(0);
    gained.set(`${sku}|${lot}`, (gained.get(`${sku}|${lot}`) ?? new Decimal(0)).plus(q));
  }
  for (const [key, change] of gained) {
    if (!change.gt(0)) continue;
    const bar = key.indexOf("|");
    const sku = key.slice(0, bar);
    const serial = key.slice(bar + 1);
    const sums = await tx.balances.sumByKey(QUANTITIES, { keyPrefix: `${sku}|` });
    let held = new Decimal(0);
    for (const [k, amounts] of sums) if (k.endsWith(`|${serial}`) && k.split("|")[2] === serial) held = held.plus(amounts["quantity"] ?? 0);
    const after = held.plus(change);
    if (after.gt(1)) {
      throw new StorekeepError("ALREADY_EXISTS", `Serial ${serial} of ${sku} would be on hand ${canonicalDecimal(after)} times; a serial number is one unit, on hand at most once.`, { sku, serial, onHand: canonicalDecimal(held) });
    }
  }
}
