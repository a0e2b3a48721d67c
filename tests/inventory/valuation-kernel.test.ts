import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal, type RoundingMode, roundingOf } from "../../src/kernel/decimal.js";
import {
  type CostState,
  type ValuationKernel,
  emptyCostState,
  fifoKernel,
  formatScaled,
  issueStock,
  lifoKernelForTests,
  liveLayers,
  movingAverageKernel,
  onHandOf,
  parseScaled,
  receiveStock,
  revalueStock,
  roundDiv,
  roundingCode,
  standardCostKernel,
  unitCostRatio,
  valueOf,
} from "../../src/inventory/index.js";
import { type ReferenceMovement, referenceValuation } from "../../src/testing/inventory/index.js";
import { stockMovementsArbitrary } from "../../src/testing/arbitraries.js";

const MODES: RoundingMode[] = ["half-up", "half-even", "half-down", "up", "down", "ceil", "floor"];
const HE = roundingCode("half-even");
const q = (units: string) => parseScaled(units, 6);
const m = (amount: string) => parseScaled(amount, 2);

function run(kernel: ValuationKernel, movements: readonly ReferenceMovement[], mode: RoundingMode = "half-even"): { state: CostState; costs: bigint[] } {
  const state = emptyCostState(kernel.method);
  const costs: bigint[] = [];
  movements.forEach((mv, i) => {
    if (mv.kind === "in") receiveStock(kernel, state, q(mv.quantity), m(mv.value), `mv_${i}`, roundingCode(mode));
    else costs.push(issueStock(kernel, state, q(mv.quantity), `mv_${i}`, "cogs", roundingCode(mode), false).cost);
  });
  return { state, costs };
}

describe("roundDiv and scaled decimals", () => {
  it("property: roundDiv equals Decimal division rounded by the same mode, for every mode", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.boolean(), fc.constantFrom(...MODES), (n, d, negD, mode) => {
        const den = negD ? -d : d;
        const expected = new Decimal(n.toString()).dividedBy(den.toString()).toDecimalPlaces(0, roundingOf(mode));
        expect(roundDiv(n, den, roundingCode(mode)).toString()).toBe(expected.toFixed(0));
      }),
      { numRuns: 2000 },
    );
  });

  it("rounds ties by the mode (worked cases)", () => {
    expect(roundDiv(5n, 2n, roundingCode("half-even"))).toBe(2n);
    expect(roundDiv(7n, 2n, roundingCode("half-even"))).toBe(4n);
    expect(roundDiv(-5n, 2n, roundingCode("half-up"))).toBe(-3n);
    expect(roundDiv(-5n, 2n, roundingCode("half-down"))).toBe(-2n);
    expect(roundDiv(-5n, 2n, roundingCode("ceil"))).toBe(-2n);
    expect(roundDiv(-5n, 2n, roundingCode("floor"))).toBe(-3n);
  });

  it("property: formatScaled ∘ parseScaled is the canonical decimal", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.integer({ min: 0, max: 6 }), (units, decimals) => {
        const text = formatScaled(units, decimals);
        expect(parseScaled(text, decimals)).toBe(units);
        expect(text).toBe(new Decimal(units.toString()).dividedBy(new Decimal(10).pow(decimals)).toFixed());
      }),
    );
  });

  it("refuses a value with more decimals than the scale", () => {
    expect(() => parseScaled("1.005", 2)).toThrow(/more than 2 decimals/);
    expect(() => parseScaled("1e5", 2)).toThrow(/not a plain decimal/);
  });
});

describe("textbook examples (kernel)", () => {
  // Beginning 100 @ 10; buy 200 @ 11; sell 250; buy 150 @ 12; sell 100.
  const book: ReferenceMovement[] = [
    { kind: "in", quantity: "100", value: "1000" },
    { kind: "in", quantity: "200", value: "2200" },
    { kind: "out", quantity: "250" },
    { kind: "in", quantity: "150", value: "1800" },
    { kind: "out", quantity: "100" },
  ];

  it("FIFO: COGS 2650 + 1150 = 3800, ending 100 @ 12 = 1200", () => {
    const { state, costs } = run(fifoKernel, book);
    expect(costs).toEqual([m("2650"), m("1150")]);
    expect(valueOf(state)).toBe(m("1200"));
    expect(onHandOf(state)).toBe(q("100"));
  });

  it("moving average: COGS 2666.67 + 1166.66 = 3833.33, ending 1166.67", () => {
    const { state, costs } = run(movingAverageKernel, book);
    expect(costs).toEqual([m("2666.67"), m("1166.66")]);
    expect(valueOf(state)).toBe(m("1166.67"));
  });

  it("standard cost at 11: issues at standard, variances at receipt (−100, 0, +150), ending 1100", () => {
    const state = emptyCostState("standard", unitCostRatio("11", 2));
    const variances = [
      receiveStock(standardCostKernel, state, q("100"), m("1000"), "a", HE).variance,
      receiveStock(standardCostKernel, state, q("200"), m("2200"), "b", HE).variance,
    ];
    const c1 = issueStock(standardCostKernel, state, q("250"), "c", "cogs", HE, false).cost;
    variances.push(receiveStock(standardCostKernel, state, q("150"), m("1800"), "d", HE).variance);
    const c2 = issueStock(standardCostKernel, state, q("100"), "e", "cogs", HE, false).cost;
    expect(variances).toEqual([m("-100"), 0n, m("150")]);
    expect([c1, c2]).toEqual([m("2750"), m("1100")]);
    expect(valueOf(state)).toBe(m("1100"));
    // COGS + ending + variances = what was paid.
    expect(c1 + c2 + valueOf(state) + variances.reduce((a, b) => a + b, 0n)).toBe(m("5000"));
  });

  it("price difference after part of a FIFO receipt was sold: 2/3 on hand, 1/3 to COGS", () => {
    const { state } = run(fifoKernel, book);
    // The 150 @ 12 receipt (mv_3) has 100 left; a bill at 12.60 adds 90.
    const split = revalueStock(fifoKernel, state, "mv_3", q("150"), m("90"), HE);
    expect(split).toEqual({ onHand: m("60"), sold: m("30"), variance: 0n });
    expect(valueOf(state)).toBe(m("1260"));
  });

  it("negative stock issues at the last known cost and the next receipt trues it up", () => {
    const state = emptyCostState("fifo");
    receiveStock(fifoKernel, state, q("10"), m("10"), "a", HE);
    const issue = issueStock(fifoKernel, state, q("12"), "b", "cogs", HE, true);
    expect(issue.cost).toBe(m("12"));
    expect(onHandOf(state)).toBe(q("-2"));
    expect(valueOf(state)).toBe(m("-2"));
    const receipt = receiveStock(fifoKernel, state, q("10"), m("15"), "c", HE);
    // The 2 missing units really cost 1.50 each: 1.00 more than booked, to COGS.
    expect(receipt.trueUps).toEqual([{ movementId: "b", counterRole: "cogs", qty: q("2"), amount: m("1") }]);
    expect(receipt.inventory).toBe(m("14"));
    expect(valueOf(state)).toBe(m("12"));
    expect(onHandOf(state)).toBe(q("8"));
  });
});

describe("valuation properties (kernel vs the decimal reference model)", () => {
  for (const [method, kernel] of [["fifo", fifoKernel], ["moving-average", movingAverageKernel]] as const) {
    it(`property (${method}): every issue's cost and the ending value equal the reference model; value = sum of remaining layers`, () => {
      fc.assert(
        fc.property(stockMovementsArbitrary({ maxLength: 80, fractional: true }), fc.constantFrom(...MODES), (movements, mode) => {
          const { state, costs } = run(kernel, movements, mode);
          const reference = referenceValuation(method, movements, 2, mode);
          expect(costs.map((c) => formatScaled(c, 2))).toEqual(reference.costs.map((c) => new Decimal(c).toFixed()));
          expect(formatScaled(valueOf(state), 2)).toBe(new Decimal(reference.value).toFixed());
          // The layers the state holds (a pool method's one pool) are the model's remaining layers.
          const layers = liveLayers(state).filter((l) => l.qty !== 0n || l.value !== 0n);
          expect(layers.map((l) => [formatScaled(l.qty, 6), formatScaled(l.value, 2)])).toEqual(reference.layers.map((l) => [new Decimal(l.quantity).toFixed(), new Decimal(l.value).toFixed()]));
          expect(layers.reduce((s, l) => s + l.value, 0n)).toBe(valueOf(state));
        }),
        { numRuns: 300 },
      );
    });

    it(`property (${method}): COGS + ending inventory = opening + receipts, and zero stock is worth exactly zero`, () => {
      fc.assert(
        fc.property(stockMovementsArbitrary({ maxLength: 60, fractional: true }), (movements) => {
          const { state, costs } = run(kernel, movements);
          const receipts = movements.reduce((s, mv) => (mv.kind === "in" ? s + m(mv.value) : s), 0n);
          expect(costs.reduce((a, b) => a + b, 0n) + valueOf(state)).toBe(receipts);
          // Issue everything left: nothing may remain.
          const left = onHandOf(state);
          if (left > 0n) issueStock(kernel, state, left, "last", "cogs", HE, false);
          expect(onHandOf(state)).toBe(0n);
          expect(valueOf(state)).toBe(0n);
        }),
      );
    });
  }

  it("property (quantity conservation): on hand = receipts − issues for every method", () => {
    fc.assert(
      fc.property(stockMovementsArbitrary({ fractional: true }), fc.constantFrom(fifoKernel, movingAverageKernel), (movements, kernel) => {
        const { state } = run(kernel, movements);
        const expected = movements.reduce((s, mv) => (mv.kind === "in" ? s + q(mv.quantity) : s - q(mv.quantity)), 0n);
        expect(onHandOf(state)).toBe(expected);
      }),
    );
  });

  it("the wrong kernel (LIFO) disagrees with the FIFO reference on a textbook case", () => {
    const movements: ReferenceMovement[] = [
      { kind: "in", quantity: "1", value: "1" },
      { kind: "in", quantity: "1", value: "2" },
      { kind: "out", quantity: "1" },
    ];
    expect(run(lifoKernelForTests, movements).costs).toEqual([m("2")]);
    expect(referenceValuation("fifo", movements, 2, "half-even").costs).toEqual(["1"]);
  });
});

describe("the moving-average hot path", () => {
  it("property: the hot path values every movement exactly as the general path (postings, amounts, state), with or without a scratch valuation, negative stock and true-ups included", async () => {
    const { valueMovement, valuationScratch } = await import("../../src/inventory/valuation.js");
    const { cloneCostState } = await import("../../src/inventory/valuation-kernel.js");
    // The same kernel under another identity takes the general path.
    const general: ValuationKernel = { ...movingAverageKernel };
    const movement = fc.record({
      effect: fc.constantFrom("in", "out", "out"),
      units: fc.integer({ min: 1, max: 40 }),
      value: fc.option(fc.integer({ min: 0, max: 9_999 }), { nil: undefined }),
      role: fc.constantFrom("cogs", "shrinkage"),
    });
    fc.assert(
      fc.property(fc.array(movement, { maxLength: 40 }), fc.constantFrom("half-even", "half-up", "down") as fc.Arbitrary<RoundingMode>, fc.boolean(), (moves, mode, allowNegative) => {
        const rounding = roundingCode(mode);
        const fast = emptyCostState("moving-average");
        const slow = emptyCostState("moving-average");
        const scratch = valuationScratch();
        for (const [i, m] of moves.entries()) {
          const qty = BigInt(m.units) * 333_333n;
          if (m.effect === "out" && !allowNegative && onHandOf(fast) < qty) continue;
          // Frozen: the hot path keeps a receipt's input as the state's last unit cost, and nothing may change it in place.
          const input = Object.freeze(
            m.effect === "in"
              ? { id: `mv_${i}`, position: "", date: "", effect: "in" as const, qty, value: m.value === undefined ? undefined : BigInt(m.value), counterRole: "grni", allowNegative }
              : { id: `mv_${i}`, position: "", date: "", effect: "out" as const, qty, counterRole: m.role, allowNegative },
          );
          const a = valueMovement(movingAverageKernel, fast, input, rounding, () => undefined, false, undefined, i % 2 === 0 ? scratch : undefined);
          const b = valueMovement(general, slow, input, rounding, () => undefined, false);
          // A scratch valuation carries the same figures (read through its getters; postings are refilled in place).
          const view = (v: typeof a) => ({ postings: { ...v.postings }, amount: v.amount, stockValue: v.stockValue, variance: v.variance, consumed: v.consumed, trueUps: [...v.trueUps] });
          expect(view(a)).toEqual(view(b));
          if (a === (scratch as unknown)) {
            // What re-derivation compares instead of the postings: inventory ±amount, the counter-role the opposite.
            const stock = scratch.issue ? -scratch.amount : scratch.amount;
            expect(scratch.stock).toBe(stock);
            expect(scratch.role).toBe(input.counterRole);
            expect({ ...b.postings }).toEqual(stock === 0n ? {} : { inventory: stock, [input.counterRole]: -stock });
          }
          expect(cloneCostState(fast)).toEqual(cloneCostState(slow));
        }
      }),
      { numRuns: 300 },
    );
  });
});
