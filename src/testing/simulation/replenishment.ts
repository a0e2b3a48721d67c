import { Decimal } from "../../kernel/decimal.js";
import { canonicalJson } from "../../runner/hash.js";
import type { ModulePart, ShopContext, SimStep } from "./context.js";

/*
 * Replenishment's part of the whole-shop simulation: the untracked products are bought from
 * the EUR supplier in packs over a minimum (`SUPPLIER_ITEMS`, set up before the run), and now
 * and then the shop asks for suggestions and brings its standing draft purchase orders in line
 * with them (`draftOrders`). What each step checks right after its command (alone, outside
 * the concurrent batches): suggestions are a read — asking twice in a row gives the same
 * answer; every suggested quantity is positive, at least the supplier's minimum and a
 * multiple of its pack; and running `draftOrders` again at once changes nothing (every
 * standing draft `unchanged`, none created).
 */

/** What the simulated shop's EUR supplier sells of each untracked product: packs of 6 from 12 up. */
export const SUPPLIER_ITEMS = { minimumOrderQuantity: "12", packMultiple: "6" } as const;

/** Replenishment's commands and checks for the simulator. */
export function replenishmentPart(shop: ShopContext): ModulePart {
  const { sk } = shop;

  const checkQuantities = (suggestions: readonly { readonly sku: string; readonly warehouse: string; readonly quantity: number }[]): string[] => {
    const out: string[] = [];
    for (const s of suggestions) {
      const q = new Decimal(s.quantity);
      if (!q.gt(0)) out.push(`a suggestion for ${s.sku} at ${s.warehouse} orders ${q.toFixed()}`);
      else if (q.lt(SUPPLIER_ITEMS.minimumOrderQuantity)) out.push(`a suggestion for ${s.sku} at ${s.warehouse} orders ${q.toFixed()}, below the supplier's minimum ${SUPPLIER_ITEMS.minimumOrderQuantity}`);
      else if (!q.mod(SUPPLIER_ITEMS.packMultiple).isZero()) out.push(`a suggestion for ${s.sku} at ${s.warehouse} orders ${q.toFixed()}, not a multiple of the pack of ${SUPPLIER_ITEMS.packMultiple}`);
    }
    return out;
  };

  const steps = (): SimStep[] => [
    {
      name: "replenishment.suggest",
      weight: 0.2,
      run: async () => {
        if (shop.concurrent()) return "skip";
        const first = await sk.replenishment.suggest();
        const again = await sk.replenishment.suggest();
        const problems = checkQuantities(first.suggestions);
        if (canonicalJson(first) !== canonicalJson(again)) problems.push("two suggestions in a row, with nothing recorded between, differ");
        // A product that allows backorders: what its orders hold beyond the stock is backordered,
        // not reserved, in the suggestion's inputs (so the position counts it once).
        for (const s of first.suggestions) {
          if (!shop.backorderSkus.has(s.sku)) continue;
          const a = await sk.inventory.availability(s.sku, s.warehouse);
          const backordered = Math.max(0, Number(a.reserved) - Math.max(0, Number(a.onHand)));
          const { inputs } = s.explanation;
          if (inputs.backordered !== backordered || inputs.reserved !== Number(a.reserved) - backordered) problems.push(`a suggestion for ${s.sku} at ${s.warehouse} counts ${inputs.reserved} reserved and ${inputs.backordered} backordered; on hand ${a.onHand} and reserved ${a.reserved} make ${Number(a.reserved) - backordered} and ${backordered}`);
          if (backordered > 0) shop.tally("replenishment.suggestions.backordered");
        }
        if (problems.length > 0) throw new Error(`replenishment: ${problems.join("; ")}`);
        shop.tally("replenishment.suggestions", first.suggestions.length);
        return first;
      },
    },
    {
      name: "replenishment.draftOrders",
      weight: 0.2,
      run: async () => {
        if (shop.concurrent()) return "skip";
        const first = await sk.replenishment.draftOrders();
        const problems = checkQuantities(first.suggestions.suggestions);
        const again = await sk.replenishment.draftOrders();
        const changed = again.orders.filter((o) => o.outcome !== "unchanged");
        if (changed.length > 0) problems.push(`draftOrders run again at once ${changed.map((o) => `${o.outcome} ${o.purchaseOrderId}`).join(", ")}`);
        if (problems.length > 0) throw new Error(`replenishment: ${problems.join("; ")}`);
        shop.tally("replenishment.drafts.created", first.orders.filter((o) => o.outcome === "created").length);
        shop.tally("replenishment.drafts.updated", first.orders.filter((o) => o.outcome === "updated").length);
        return first.orders.length;
      },
    },
  ];

  return { name: "replenishment", steps, invariants: async () => [] };
}
