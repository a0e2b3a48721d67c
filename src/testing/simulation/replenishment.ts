import { Decimal } from "../../kernel/decimal.js";
import { isStorekeepError } from "../../kernel/errors.js";
import type { SimulationRandom } from "../../runner/simulation.js";
import type { ModulePart, ShopContext, SimStep } from "./context.js";

/*
 * Replenishment's part of the whole-shop simulation: the shop buys its untracked products from
 * the EUR supplier on terms drawn per seed (a minimum order quantity, a pack multiple, a price
 * break), and now and then asks for suggestions (`sk.replenishment.suggest`) and drafts the
 * purchase orders they propose (`draftOrders`). Checked: suggestions are deterministic (asked
 * twice in one state, the same answer, ids and revisions included); every suggested quantity
 * is a whole number above zero, at least the supplier's minimum, a multiple of its pack, priced
 * at the price break its quantity reaches, with a line total of quantity × price; each
 * proposal's total is the sum of its lines; a SKU and warehouse is either suggested or not,
 * never both; drafting twice in one state creates nothing new.
 */

/** The supplier replenishment buys from (terms for every untracked product; the purchasing part orders elsewhere). */
export const SIM_STOCKIST = "sup_stockist";

/** The supplier's terms for one SKU in a seed. */
export interface SimSupplierTerms {
  readonly sku: string;
  readonly minimumOrderQuantity: number;
  readonly packMultiple: number;
  readonly prices: readonly { readonly minQuantity?: string; readonly unitPrice: string }[];
}

/**
 * Draws the EUR supplier's terms for the shop's untracked products.
 *
 * @example
 * ```ts
 * const terms = simSupplierTerms(seededRandom(1), ["MUG"]);
 * ```
 */
export function simSupplierTerms(random: SimulationRandom, skus: readonly string[]): SimSupplierTerms[] {
  return skus.map((sku) => {
    const price = random.int(200, 900);
    return {
      sku,
      minimumOrderQuantity: random.pick([1, 5, 10, 24]),
      packMultiple: random.pick([1, 1, 4, 6, 12]),
      prices: [{ unitPrice: (price / 100).toFixed(2) }, { minQuantity: String(random.int(20, 60)), unitPrice: ((price - random.int(10, 150)) / 100).toFixed(2) }],
    };
  });
}

/** Replenishment's commands and invariants for the simulator. */
export function replenishmentPart(shop: ShopContext, terms: readonly SimSupplierTerms[]): ModulePart {
  const { sk } = shop;
  const pending: string[] = [];
  const termsOf = new Map(terms.map((t) => [t.sku, t]));

  const check = (result: Awaited<ReturnType<typeof sk.replenishment.suggest>>): void => {
    const suggested = new Set<string>();
    for (const s of result.suggestions) {
      suggested.add(`${s.sku}|${s.warehouse}`);
      const t = termsOf.get(s.sku);
      if (!Number.isInteger(s.quantity) || s.quantity <= 0) pending.push(`suggestion ${s.id} orders ${s.quantity} of ${s.sku}: not a whole number above zero`);
      if (t === undefined) continue;
      if (s.quantity < t.minimumOrderQuantity) pending.push(`suggestion ${s.id} orders ${s.quantity} of ${s.sku}, below the minimum order quantity ${t.minimumOrderQuantity}`);
      if (s.quantity % t.packMultiple !== 0) pending.push(`suggestion ${s.id} orders ${s.quantity} of ${s.sku}, not a multiple of the pack of ${t.packMultiple}`);
      let price = new Decimal(t.prices[0]!.unitPrice);
      for (const b of t.prices) if (s.quantity >= Number(b.minQuantity ?? 0)) price = new Decimal(b.unitPrice);
      if (!price.eq(s.unitPrice)) pending.push(`suggestion ${s.id} prices ${s.quantity} of ${s.sku} at ${s.unitPrice}; the price break for that quantity is ${price.toFixed()}`);
      if (!new Decimal(s.unitPrice).times(s.quantity).eq(s.lineTotal)) pending.push(`suggestion ${s.id}'s line total ${s.lineTotal} is not ${s.quantity} × ${s.unitPrice}`);
      if (t.minimumOrderQuantity > 1 || t.packMultiple > 1) shop.tally("replenishment.suggestions-with-moq-or-pack");
    }
    for (const n of result.noOrder) if (suggested.has(`${n.sku}|${n.warehouse}`)) pending.push(`${n.sku} in ${n.warehouse} is both suggested and not to order`);
    for (const po of result.purchaseOrders) {
      const total = po.lines.reduce((sum, l) => sum.plus(l.lineTotal), new Decimal(0));
      if (!total.eq(po.total)) pending.push(`proposal ${po.id}'s total ${po.total} is not the sum of its lines ${total.toFixed()}`);
    }
    shop.tally("replenishment.suggestions", result.suggestions.length);
  };

  // Demand history by the day, three days or the week (a run spans weeks, so daily periods give suggestions early).
  const history = () => ({ periodDays: shop.random.pick([1, 3, 7]) });

  const steps = (): SimStep[] => [
    {
      name: "replenishment.suggest",
      weight: 0.4,
      run: async () => {
        const input = history();
        const first = await sk.replenishment.suggest(input);
        if (shop.concurrent()) return undefined;
        const second = await sk.replenishment.suggest(input);
        if (JSON.stringify(first) !== JSON.stringify(second)) pending.push(`asked twice in one state, replenishment suggested differently: ${JSON.stringify(first).slice(0, 200)} / ${JSON.stringify(second).slice(0, 200)}`);
        check(first);
        return undefined;
      },
    },
    {
      name: "replenishment.draftOrders",
      weight: 0.5,
      run: async () => {
        // (The simulator's facade sends a command whose commit was reported lost again with its key.)
        // Daily history: the most periods a run has (draft orders need a need).
        const input = { periodDays: 1 };
        const first = await sk.replenishment.draftOrders(input);
        if (first.orders.length === 0) return "skip";
        shop.tally("replenishment.draft-orders", first.orders.length);
        if (shop.concurrent()) return undefined;
        check(first.suggestions);
        const again = await sk.replenishment.draftOrders(input).catch((error: unknown) => {
          if (isStorekeepError(error) && error.code === "STORE_FAILURE") return undefined;
          throw error;
        });
        if (again === undefined) return undefined;
        const ids = (o: typeof first.orders) => JSON.stringify(o.map((x) => x.purchaseOrderId).sort());
        if (ids(again.orders) !== ids(first.orders)) pending.push(`drafting again in one state gave orders ${ids(again.orders)}, not ${ids(first.orders)}`);
        for (const o of again.orders) if (o.outcome !== "unchanged") pending.push(`drafting again in one state ${o.outcome} ${o.purchaseOrderId}`);
        return undefined;
      },
    },
  ];

  return { name: "replenishment", steps, invariants: async () => pending.splice(0) };
}
