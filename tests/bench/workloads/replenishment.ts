import { type SuggestionsInput, replenishmentSuggestions } from "../../../src/replenishment/suggestions.js";
import type { BenchWorkload } from "../harness.js";

/*
 * replenishment.suggestions-1k-skus: purchase suggestions for 1,000 SKUs × 52 weeks of
 * demand through `replenishmentSuggestions` as `sk.replenishment.suggest` calls it — outlier
 * cap, automatic method (ADI/CV² class, then the AICc search over the eligible ETS models or
 * Croston-SBA), lead-time demand from the forecast's rolling-origin errors (the chosen model
 * re-estimated every 4 origins), fill-rate reorder point, MOQ, packs and price breaks, the
 * explanation, draft purchase orders. `-one-step` plans σ₁·√L instead (no rolling origins).
 * Baseline: plain numbers in the same process — per SKU SES with a fixed α, the one-step
 * residual spread × √L and a normal reorder point for a 95% cycle service level — the least a
 * reorder-point tool does, so the ratio says what the model search and the measured errors
 * cost on top of it.
 */

const SKUS = 1_000;
const WEEKS = 52;
const Z_95 = 1.6448536269514722;

interface Context {
  readonly input: SuggestionsInput;
  readonly oneStep: SuggestionsInput;
  readonly series: readonly (readonly number[])[];
}

function prepare(): Context {
  let seed = 20_261_207;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const series: number[][] = [];
  const items: SuggestionsInput["items"] = [];
  for (let s = 0; s < SKUS; s++) {
    // 70% steady sellers (some trending), 25% slow movers, 5% with one wholesale week.
    const kind = next();
    const rate = kind < 0.7 ? 5 + next() * 200 : 0.3 + next() * 2;
    const trend = kind < 0.7 && next() < 0.3 ? (next() - 0.3) * 0.02 : 0;
    const y: number[] = [];
    for (let t = 0; t < WEEKS; t++) {
      const level = rate * (1 + trend * t);
      y.push(kind < 0.7 ? Math.max(0, Math.round(level + (next() - 0.5) * level * 0.8)) : next() < 0.35 ? 1 + Math.floor(next() * rate * 4) : 0);
    }
    if (kind > 0.95) y[Math.floor(next() * WEEKS)] = Math.round(rate * 40);
    series.push(y);
    items.push({ sku: `SKU${s}`, warehouse: "wh", supplier: s % 2 === 0 ? "acme" : "globex", periodDays: 7, demandHistory: y, onHand: Math.floor(next() * rate * 3), reserved: 0, backordered: 0 });
  }
  const suppliers: SuggestionsInput["suppliers"] = [
    { supplier: "acme", currency: "EUR", packMultiple: 6, minimumOrderQuantity: 12, priceBreaks: [{ minQuantity: 0, unitPrice: "2.10" }, { minQuantity: 500, unitPrice: "1.90" }], leadTimeDays: { mean: 14, sd: 2 }, orderCost: "25.00" },
    { supplier: "globex", currency: "EUR", priceBreaks: [{ minQuantity: 0, unitPrice: "7.50" }], leadTimeDays: { mean: 21, sd: 0 } },
  ];
  const policy = (forecastError: "rolling-origin" | "one-step") => ({ kind: "reorder-point" as const, service: { kind: "fill-rate" as const, value: 0.95, forecastError } });
  return {
    input: { asOf: "2026-03-02", items, suppliers, defaultPolicy: policy("rolling-origin") },
    oneStep: { asOf: "2026-03-02", items, suppliers, defaultPolicy: policy("one-step") },
    series,
  };
}

/** SES (α 0.2) per SKU, one-step σ × √L, ROP = μL + z·σ_L, order up to ROP + a week when at or below it. */
function plainReorderPoints(ctx: Context): number {
  let total = 0;
  for (const [s, y] of ctx.series.entries()) {
    const alpha = 0.2;
    let level = y[0] as number;
    let sse = 0;
    for (let t = 1; t < y.length; t++) {
      const e = (y[t] as number) - level;
      sse += e * e;
      level += alpha * e;
    }
    const leadTime = s % 2 === 0 ? 2 : 3;
    const sd = Math.sqrt(sse / (y.length - 1)) * Math.sqrt(leadTime);
    const rop = level * leadTime + Z_95 * sd;
    const onHand = ctx.input.items[s]!.onHand;
    if (onHand <= rop) total += Math.ceil(rop + level - onHand);
  }
  return total;
}

export const workloads: BenchWorkload[] = [
  {
    name: "replenishment.suggestions-1k-skus",
    unit: "SKUs/s",
    ops: SKUS,
    rounds: 3,
    prepare,
    subject: (ctx: Context) => {
      const r = replenishmentSuggestions(ctx.input);
      if (r.suggestions.length + r.noOrder.length !== SKUS) throw new Error("lost a SKU");
    },
    baseline: (ctx: Context) => plainReorderPoints(ctx),
  } as BenchWorkload<Context> as BenchWorkload,
  {
    name: "replenishment.suggestions-1k-skus-one-step",
    unit: "SKUs/s",
    ops: SKUS,
    rounds: 3,
    prepare,
    subject: (ctx: Context) => {
      const r = replenishmentSuggestions(ctx.oneStep);
      if (r.suggestions.length + r.noOrder.length !== SKUS) throw new Error("lost a SKU");
    },
    baseline: (ctx: Context) => plainReorderPoints(ctx),
  } as BenchWorkload<Context> as BenchWorkload,
];
