import { Decimal as DecimalJs } from "decimal.js";
import { Decimal } from "../../../src/kernel/decimal.js";
import { Money } from "../../../src/kernel/money.js";
import type { BenchWorkload } from "../harness.js";

/** A raw decimal.js clone with the same settings as storekeep's private clone. */
const Raw = DecimalJs.clone({ precision: 80, rounding: DecimalJs.ROUND_HALF_EVEN, toExpNeg: -100, toExpPos: 100 });
type Raw = InstanceType<typeof Raw>;

const N = 50_000;
/** Operations per loop iteration: add, subtract, multiply, round, compare. */
const OPS_PER_ITERATION = 5;

interface MoneyOpsContext {
  readonly prices: Money[];
  readonly discounts: Money[];
  readonly shipping: Money[];
  readonly rawPrices: Raw[];
  readonly rawDiscounts: Raw[];
  readonly rawShipping: Raw[];
  readonly quantities: Decimal[];
  readonly rawQuantities: Raw[];
}

/** Deterministic inputs (a linear congruential generator, not Math.random). */
function prepareMoneyOps(): MoneyOpsContext {
  let seed = 20_261_127;
  const next = (max: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % max;
  };
  const amount = (maxUnits: number, scale: number) => {
    const units = next(maxUnits).toString().padStart(scale + 1, "0");
    return `${units.slice(0, -scale)}.${units.slice(-scale)}`;
  };
  const priceTexts = Array.from({ length: N }, () => amount(10_000_000, 4));
  const discountTexts = Array.from({ length: N }, () => amount(100_000, 2));
  const shippingTexts = Array.from({ length: N }, () => amount(2_000, 2));
  const quantityTexts = Array.from({ length: N }, () => (next(4) === 0 ? amount(50_000, 3) : String(1 + next(20))));
  return {
    prices: priceTexts.map((t) => Money.of(t, "EUR")),
    discounts: discountTexts.map((t) => Money.of(t, "EUR")),
    shipping: shippingTexts.map((t) => Money.of(t, "EUR")),
    rawPrices: priceTexts.map((t) => new Raw(t)),
    rawDiscounts: discountTexts.map((t) => new Raw(t)),
    rawShipping: shippingTexts.map((t) => new Raw(t)),
    quantities: quantityTexts.map((q) => new Decimal(q)),
    rawQuantities: quantityTexts.map((q) => new Raw(q)),
  };
}

/**
 * Money operations vs raw decimal.js doing the same arithmetic: per line,
 * (price - discount) × quantity + shipping, rounded half-even to cents, compared with the price.
 */
const moneyOps: BenchWorkload<MoneyOpsContext> = {
  name: "kernel.money-ops",
  unit: "ops/s",
  ops: N * OPS_PER_ITERATION,
  rounds: 15,
  prepare: prepareMoneyOps,
  subject(ctx) {
    let above = 0;
    let last: Money | undefined;
    for (let i = 0; i < N; i++) {
      const price = ctx.prices[i] as Money;
      const line = price
        .subtract(ctx.discounts[i] as Money)
        .multiply(ctx.quantities[i] as Decimal)
        .add(ctx.shipping[i] as Money)
        .round("half-even");
      if (line.compare(price) > 0) above++;
      last = line;
    }
    return { above, last };
  },
  baseline(ctx) {
    let above = 0;
    let last: Raw | undefined;
    for (let i = 0; i < N; i++) {
      const price = ctx.rawPrices[i] as Raw;
      const line = price
        .minus(ctx.rawDiscounts[i] as Raw)
        .times(ctx.rawQuantities[i] as Raw)
        .plus(ctx.rawShipping[i] as Raw)
        .toDecimalPlaces(2, Raw.ROUND_HALF_EVEN);
      if (line.comparedTo(price) > 0) above++;
      last = line;
    }
    return { above, last };
  },
};

export const workloads: BenchWorkload[] = [moneyOps as BenchWorkload];
