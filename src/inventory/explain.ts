import { type CurrencyCode, minorUnits } from "../kernel/currencies.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import { decodeValuation, valuationHistory } from "./valuation-log.js";
import { movementPosition } from "./movement.js";
import { readMovement } from "./read-movement.js";
import { PRODUCTS, type Product } from "./product.js";
import { QUANTITY_DECIMALS, formatScaled } from "./valuation-kernel.js";

/**
 * What an issue consumed from one layer, with the unit cost it carried.
 *
 * @example
 * ```ts
 * const part: ExplainedLayer = { layer: "mv_1", quantity: "2", value: "5", unitCost: "2.5" };
 * ```
 */
export interface ExplainedLayer extends JsonObject {
  /** The receipt that created the layer, `pool` (moving average, standard) or `negative` (issued beyond stock). */
  readonly layer: string;
  readonly quantity: string;
  readonly value: string;
  readonly unitCost: string;
}

/**
 * The explanation of a movement's valuation.
 *
 * @example
 * ```ts
 * const e = await explainMovement(tx, "EUR", "mv_7");
 * console.log(e.why.join("\n"));
 * ```
 */
export interface Explanation extends JsonObject {
  readonly movementId: string;
  readonly sku: string;
  readonly kind: string;
  readonly method: string;
  readonly effectiveAt: string;
  readonly quantity: string;
  /** Cost (issue), value (receipt) or amount (revaluation) as booked now. */
  readonly amount: string;
  readonly currency: string;
  readonly layers: readonly ExplainedLayer[];
  /** Role postings (debit positive) as booked now. */
  readonly postings: Readonly<Record<string, string>>;
  /** Every valuation this movement had, oldest first, with what caused each. */
  readonly history: readonly { readonly generation: number; readonly cause: string; readonly amount: string }[];
  /** Sentences a person can read. */
  readonly why: readonly string[];
}

function unitCost(value: bigint, qty: bigint, digits: number): string {
  if (qty === 0n) return "0";
  // Six decimals of the unit cost, truncated toward zero for display.
  const scaled = (value * 10n ** BigInt(6 - digits + QUANTITY_DECIMALS)) / qty;
  return formatScaled(scaled, 6);
}

/**
 * Explains a movement: which layers an issue consumed and at what cost, how a receipt was
 * valued, how a revaluation was split, and whether back-dating changed it since.
 *
 * @example
 * ```ts
 * const e = await explainMovement(tx, "EUR", "mv_7");
 * e.layers; // [{ layer: "mv_1", quantity: "10", value: "10", unitCost: "1" }, ...]
 * ```
 */
export async function explainMovement(tx: Transaction, currency: CurrencyCode, movementId: string): Promise<Explanation> {
  const digits = minorUnits(currency);
  const m = await readMovement(tx, movementId);
  const product = await tx.documents.get<Product>(PRODUCTS, m.sku);
  const method = product?.data.costingMethod ?? "unknown";
  const position = movementPosition(m.effectiveAt, m.movementId);
  const entries = await valuationHistory(tx, m.sku, position, m.movementId);
  const last = entries.at(-1);
  const current = last === undefined ? undefined : decodeValuation(last);
  const amount = BigInt(current?.amount ?? "0");
  const layers: ExplainedLayer[] = (current?.consumed ?? []).map(([layer, q, v]) => ({
    layer,
    quantity: formatScaled(BigInt(q), QUANTITY_DECIMALS),
    value: formatScaled(BigInt(v), digits),
    unitCost: unitCost(BigInt(v), BigInt(q), digits),
  }));
  const money = (minor: bigint): string => `${formatScaled(minor, digits)} ${currency}`;
  const qty = m.kind === "transfer" || m.kind === "revaluation" ? m.moved : m.quantity.replace("-", "");
  const why: string[] = [];
  switch (m.kind) {
    case "sale-issue":
    case "supplier-return":
    case "scrap":
      why.push(`${m.kind} of ${qty} ${m.sku} on ${m.effectiveDate}, valued by ${method}: cost ${money(amount)} to ${m.counterRole}.`);
      for (const l of layers) {
        if (l.layer === "negative") why.push(`${l.quantity} units were not on hand: issued at the last known cost ${l.unitCost} (${l.value} ${currency}); the next receipt trues them up.`);
        else if (l.layer === "pool") why.push(`${l.quantity} units from the ${method} pool at ${l.unitCost} a unit = ${l.value} ${currency} (round(V × q / Q); the last unit takes what is left).`);
        else why.push(`${l.quantity} units from the layer of receipt ${l.layer} at ${l.unitCost} a unit = ${l.value} ${currency}${method === "fifo" ? " (oldest layer first)" : ""}.`);
      }
      break;
    case "adjustment":
      why.push(`Count adjustment of ${m.quantity} ${m.sku} (${m.reason ?? "count"}) on ${m.effectiveDate}: ${money(amount)} against ${m.counterRole}.`);
      for (const l of layers) why.push(`${l.quantity} units from ${l.layer} at ${l.unitCost} = ${l.value} ${currency}.`);
      break;
    case "receipt":
    case "opening":
    case "customer-return": {
      const stockValue = BigInt(current?.stockValue ?? current?.amount ?? "0");
      why.push(`${m.kind} of ${qty} ${m.sku} on ${m.effectiveDate} worth ${money(amount)}, credited to ${m.counterRole}${m.costOf === null ? "" : ` (at the cost issue ${m.costOf} left with)`}.`);
      if (stockValue !== amount) why.push(`Standard cost: entered stock at ${money(stockValue)}; the difference ${money(amount - stockValue)} is a purchase price variance.`);
      for (const t of current?.trueUps ?? []) why.push(`Filled ${formatScaled(BigInt(t[2]), QUANTITY_DECIMALS)} units issued into negative stock by ${t[0]}: true-up ${money(BigInt(t[3]))} to ${t[1]}.`);
      break;
    }
    case "revaluation": {
      const split = current?.split;
      if (m.standard !== undefined && m.standard !== null) {
        why.push(`Standard-cost change on ${m.effectiveDate}: the stock on hand was revalued by ${money(amount)} to the new standard, against ${m.counterRole}; earlier movements keep their values.`);
        break;
      }
      why.push(`${m.reason ?? "price-difference"} of ${money(amount)} on receipt ${m.revalues?.movementId ?? "?"} (${qty} units), against ${m.counterRole}.`);
      if (split !== null && split !== undefined) {
        const returned = amount - BigInt(split[0]) - BigInt(split[1]);
        why.push(`${money(BigInt(split[0]))} raised the units still on hand; ${money(BigInt(split[1]))} belonged to units already sold (COGS)${returned === 0n ? "" : `; ${money(returned)} to units sent back to the supplier (purchase price difference)`}.`);
      }
      else if (method === "standard") why.push("Standard cost: stock stays at standard; the whole difference is a purchase price variance.");
      break;
    }
    case "transfer":
      why.push(`Transfer of ${qty} ${m.sku} from ${m.locationId} to ${m.to?.locationId ?? "?"} (${m.stage ?? "direct"}); valuation is per SKU for the whole shop, so no cost changes (${money(BigInt(m.valueMinor ?? "0"))} at current cost).`);
      break;
  }
  if (entries.length > 1) why.push(`Re-valued ${entries.length - 1} time(s) since it was recorded, by back-dated movements (${entries.slice(1).map((e) => e.cause.replace("backdated:", "")).join(", ")}).`);
  return {
    movementId,
    sku: m.sku,
    kind: m.kind,
    method,
    effectiveAt: m.effectiveAt,
    quantity: qty,
    amount: formatScaled(amount, digits),
    currency,
    layers,
    postings: Object.fromEntries(Object.entries(current?.postings ?? {}).map(([role, v]) => [role, formatScaled(BigInt(v), digits)])),
    history: entries.map((e) => ({ generation: e.generation, cause: e.cause, amount: formatScaled(BigInt(e.amount), digits) })),
    why,
  };
}
