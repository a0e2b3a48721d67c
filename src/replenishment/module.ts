/**
 * The replenishment module: no stored state of its own, and `sk.replenishment`, which
 * reads the shop's demand, stock and open purchase orders through {@link ReplenishmentSources}
 * and turns the suggestions into draft purchase orders through purchasing.
 */
import { hardenApi, query } from "../kernel/boundary.js";
import { type LocalDate, localDateOf } from "../kernel/local-date.js";
import type { ExecuteOptions, ModuleDefinition } from "../runner/command.js";
import type { Runtime } from "../runner/runner.js";
import type { DraftPurchaseOrderProposal } from "./suggestions.js";
import { type ReplenishmentSources, type StoredSuggestions, type SuggestFromStoreInput, suggestFromStore, suggestFromStoreSchema } from "./store-suggestions.js";

/**
 * The replenishment module for `createRuntime` (the facade adds it): it stores nothing.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ ...ports, modules: [replenishmentModule()] });
 * ```
 */
export function replenishmentModule(): ModuleDefinition {
  return { name: "replenishment", registry: {} };
}

/**
 * One draft purchase order after `sk.replenishment.draftOrders`: `created`, `updated` (the
 * standing draft of that supplier and warehouse took the new lines) or `unchanged`.
 *
 * @example
 * ```ts
 * const o: ReplenishmentDraftOrder = (await sk.replenishment.draftOrders({ asOf: "2026-03-02" })).orders[0]!;
 * o.outcome; // "created"
 * ```
 */
export interface ReplenishmentDraftOrder {
  readonly purchaseOrderId: string;
  /** The order's gapless number (null without numbering). */
  readonly number: string | null;
  readonly outcome: "created" | "updated" | "unchanged";
  readonly supplierId: string;
  readonly warehouseId: string;
  readonly net: string;
  readonly gross: string;
  readonly lines: readonly { readonly sku: string; readonly quantity: string; readonly unitPrice: string }[];
  readonly adjustments: readonly { readonly sku: string; readonly suggested: string; readonly ordered: string; readonly reason: string }[];
}

/**
 * How replenishment hands its proposals to purchasing (wired by the facade to
 * `purchasing.draftOrdersFromSuggestions` with `reuseDrafts: true`).
 *
 * @example
 * ```ts
 * const drafts: ReplenishmentDrafts = (proposals, orderDate, options) => sk.purchasing.draftOrdersFromSuggestions({ proposals, orderDate, reuseDrafts: true }, options);
 * ```
 */
export type ReplenishmentDrafts = (proposals: readonly DraftPurchaseOrderProposal[], orderDate: LocalDate, options?: ExecuteOptions) => Promise<{ readonly orders: readonly ReplenishmentDraftOrder[] }>;

/**
 * `sk.replenishment`: explained purchase suggestions from the shop's own data, and the
 * draft purchase orders that carry them out.
 *
 * @example
 * ```ts
 * const week = await sk.replenishment.suggest({ asOf: "2026-03-02" });
 * for (const s of week.suggestions) console.log(s.sku, s.quantity, s.explanation.formula.text);
 * const { orders } = await sk.replenishment.draftOrders({ asOf: "2026-03-02" });
 * ```
 */
export interface ReplenishmentApi {
  /**
   * Suggestions per SKU and warehouse from the sales history (sale issues per period), on
   * hand, reservations, backorders and open purchase orders, with the supplier's terms and
   * learned lead time; grouped into draft purchase order proposals per supplier. A read:
   * nothing is written.
   */
  suggest(input?: SuggestFromStoreInput): Promise<StoredSuggestions>;
  /**
   * Runs {@link ReplenishmentApi.suggest} and brings the standing draft purchase order of
   * each supplier and warehouse in line with it: created, updated or left unchanged, so
   * running it twice creates nothing new.
   */
  draftOrders(input?: SuggestFromStoreInput, options?: ExecuteOptions): Promise<{ readonly suggestions: StoredSuggestions; readonly orders: readonly ReplenishmentDraftOrder[] }>;
}

/** The keys `suggest` and `draftOrders` read (unknown ones are VALIDATION_FAILED). */
const SUGGEST_KEYS = Object.keys(suggestFromStoreSchema.shape);

/**
 * Builds `sk.replenishment` on a runtime, the reads it needs and the way to draft orders.
 *
 * @example
 * ```ts
 * const replenishment = createReplenishmentApi(runtime, sources, drafts);
 * ```
 */
export function createReplenishmentApi(runtime: Runtime, sources: ReplenishmentSources, drafts: ReplenishmentDrafts): ReplenishmentApi {
  const today = (): LocalDate => localDateOf(runtime.clock.now(), runtime.config.timeZone);
  const suggest = (input: SuggestFromStoreInput = {}): Promise<StoredSuggestions> => runtime.read((tx) => suggestFromStore(tx, sources, input, today()));
  const api: ReplenishmentApi = {
    suggest,
    async draftOrders(input = {}, options) {
      const suggestions = await suggest(input);
      if (suggestions.purchaseOrders.length === 0) return { suggestions, orders: [] };
      const { orders } = await drafts(suggestions.purchaseOrders, suggestions.asOf, options);
      return { suggestions, orders };
    },
  };
  return hardenApi(api, "replenishment", { methods: { suggest: [query(SUGGEST_KEYS, true)], draftOrders: [query(SUGGEST_KEYS, true), "options?"] } });
}
