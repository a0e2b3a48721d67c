import { StorekeepError } from "../kernel/errors.js";
import type { ValuationKernel, CostingMethod } from "./valuation-kernel.js";
import type { InStoreLayout } from "./barcodes.js";
import { type StockPeriodGuard, sharedStockPeriodGuard } from "./period-guard.js";

/**
 * Options of the inventory module.
 *
 * @example
 * ```ts
 * const options: InventoryOptions = { snapshotEvery: 256 };
 * ```
 */
export interface InventoryOptions {
  /**
   * Refuses movements dated into a locked stock period. Default: the stock lock of the period-lock seam (finance's, when
   * the finance module is registered), otherwise none.
   */
  readonly periodGuard?: StockPeriodGuard;
  /** Keep a cost-state checkpoint every this many movements of a SKU (default 128). */
  readonly snapshotEvery?: number;
  /** Replace valuation kernels (tests inject a wrong one to prove checks catch it). */
  readonly kernels?: Partial<Record<CostingMethod, ValuationKernel>>;
  /** How long a soft hold lasts when `reserve` names no expiry (default 15 minutes). */
  readonly softHoldMinutes?: number;
  /** How the shop's in-store codes of prefix 2 embed a weight or a price (e.g. `DEFAULT_IN_STORE_LAYOUTS`); default: read them as plain EAN-13. */
  readonly inStoreLayouts?: readonly InStoreLayout[];
  /**
   * How stock that comes in serves backorders (holds beyond what is on hand, of products that
   * allow backorders). `"oldest-first"` (default): in queue order — a shipment or issue of
   * reserved units is refused while holds queued before it wait for those units (see
   * `inventory.backorderQueue`). `"as-shipped"`: whichever reserved order ships first takes them.
   */
  readonly backorderAllocation?: "oldest-first" | "as-shipped";
}

/**
 * Inventory options with their defaults filled in.
 *
 * @example
 * ```ts
 * resolveInventoryOptions({}).snapshotEvery; // 128
 * ```
 */
export interface InventorySettings {
  readonly periodGuard: StockPeriodGuard;
  readonly snapshotEvery: number;
  readonly kernels: Partial<Record<CostingMethod, ValuationKernel>>;
  readonly softHoldMinutes: number;
  readonly inStoreLayouts: readonly InStoreLayout[] | undefined;
  readonly backorderAllocation: "oldest-first" | "as-shipped";
}

/**
 * Fills in the defaults of {@link InventoryOptions}.
 *
 * @example
 * ```ts
 * const settings = resolveInventoryOptions({ softHoldMinutes: 30 });
 * ```
 */
export function resolveInventoryOptions(options: InventoryOptions = {}): InventorySettings {
  const snapshotEvery = options.snapshotEvery ?? 128;
  const softHoldMinutes = options.softHoldMinutes ?? 15;
  if (!Number.isInteger(snapshotEvery) || snapshotEvery < 1) {
    throw new StorekeepError("VALIDATION_FAILED", `inventory.snapshotEvery must be a positive integer, not ${String(snapshotEvery)}.`, { issues: [{ path: "snapshotEvery", message: "a positive integer", code: "custom" }] });
  }
  if (!(softHoldMinutes > 0) || !Number.isFinite(softHoldMinutes)) {
    throw new StorekeepError("VALIDATION_FAILED", `inventory.softHoldMinutes must be a positive number of minutes, not ${String(softHoldMinutes)}.`, { issues: [{ path: "softHoldMinutes", message: "positive minutes", code: "custom" }] });
  }
  const backorderAllocation = options.backorderAllocation ?? "oldest-first";
  if (backorderAllocation !== "oldest-first" && backorderAllocation !== "as-shipped") {
    throw new StorekeepError("VALIDATION_FAILED", `inventory.backorderAllocation must be "oldest-first" or "as-shipped", not ${JSON.stringify(backorderAllocation)}.`, { issues: [{ path: "backorderAllocation", message: "\"oldest-first\" or \"as-shipped\"", code: "custom" }] });
  }
  return { periodGuard: options.periodGuard ?? sharedStockPeriodGuard, snapshotEvery, kernels: options.kernels ?? {}, softHoldMinutes, inStoreLayouts: options.inStoreLayouts, backorderAllocation };
}
