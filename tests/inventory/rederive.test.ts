import fc from "fast-check";
import { describe, it } from "vitest";
import { type RoundingMode } from "../../src/kernel/decimal.js";
import { emptyCostState, movingAverageKernel, roundingCode } from "../../src/inventory/index.js";
import { expectRederiveMatchesReplay } from "./rederive-oracle.js";
import type { ValuationInput } from "../../src/inventory/valuation.js";


describe("re-derivation", () => {
  it("property (moving average): what was booked, compared as the hot path's figures, gives the same differences and changed movements as a full replay compared posting by posting", () => {
    const movement = fc.record({
      effect: fc.constantFrom("in", "out", "out"),
      units: fc.integer({ min: 1, max: 30 }),
      value: fc.integer({ min: 0, max: 9_999 }),
      role: fc.constantFrom("cogs", "shrinkage", "grni"),
      allowNegative: fc.boolean(),
      day: fc.integer({ min: 1, max: 9 }),
    });
    fc.assert(
      fc.property(fc.array(movement, { minLength: 1, maxLength: 30 }), fc.array(movement, { minLength: 1, maxLength: 3 }), fc.constantFrom<RoundingMode>("half-even", "half-up", "down"), (recordedRaw, addedRaw, mode) => {
        const rounding = roundingCode(mode);
        const input = (m: (typeof recordedRaw)[number], id: string): ValuationInput => ({
          id,
          position: `2026-01-0${m.day}T00:00:00.000Z|${id}`,
          date: `2026-01-0${m.day}`,
          effect: m.effect as "in" | "out",
          qty: BigInt(m.units) * 250_000n,
          counterRole: m.role,
          allowNegative: m.allowNegative,
          // (A receipt at the current cost is re-valued by re-derivation, kept by a replay: not compared here.)
          value: m.effect === "in" ? BigInt(m.value) : undefined,
          costOf: undefined,
          revalue: undefined,
          restandard: undefined,
        });
        const byPosition = (a: ValuationInput, b: ValuationInput) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0);
        // Recorded history never goes negative where it is not allowed: such an issue is recorded as a receipt.
        let onHand = 0n;
        const recorded = recordedRaw
          .map((m, i) => input(m, `mv_r${String(i).padStart(3, "0")}`))
          .sort(byPosition)
          .map((m) => {
            const receipt = m.effect === "in" || (!m.allowNegative && onHand < m.qty);
            onHand += receipt ? m.qty : -m.qty;
            return receipt && m.effect === "out" ? { ...m, effect: "in" as const, value: m.qty / 1_000n } : m;
          });
        const start = emptyCostState("moving-average");
        const added = addedRaw.map((m, i) => input(m, `mv_a${i}`)).sort(byPosition);
        expectRederiveMatchesReplay(movingAverageKernel, rounding, start, recorded, added);
      }),
      { numRuns: 400 },
    );
  });
});
