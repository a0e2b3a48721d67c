import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RoundingMode } from "../../src/kernel/decimal.js";
import { emptyCostState, movingAverageKernel, roundingCode } from "../../src/inventory/index.js";
import { type BookedValuation, rederive, replayMovements } from "../../src/inventory/rederive.js";
import type { ValuationInput } from "../../src/inventory/valuation.js";

const plain = (differences: ReadonlyMap<string, ReadonlyMap<string, bigint>>) => Object.fromEntries([...differences].map(([date, roles]) => [date, Object.fromEntries(roles)]));

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
        const alone = replayMovements(start, recorded, { kernel: movingAverageKernel, rounding, booked: new Map(), newIds: new Set() });
        if ("negative" in alone) throw new Error("recorded history replays negative");
        const added = addedRaw.map((m, i) => input(m, `mv_a${i}`)).sort(byPosition);
        const booked = new Map<string, BookedValuation>([...alone.valuations].map(([id, v]) => [id, { postings: v.postings, amount: v.amount }]));
        const merged = [...recorded, ...added].sort(byPosition);
        const expected = replayMovements(start, merged, { kernel: movingAverageKernel, rounding, booked, newIds: new Set(added.map((m) => m.id)) });
        const actual = rederive(start, recorded, added, { kernel: movingAverageKernel, rounding });
        if ("negative" in expected) {
          expect(actual).toEqual({ negative: expected.negative });
          return;
        }
        if ("negative" in actual) throw new Error(`rederive went negative at ${actual.negative.movementId}, a full replay did not`);
        expect(plain(actual.differences)).toEqual(plain(expected.differences));
        expect(actual.changed.map((c) => c.id)).toEqual(expected.changed);
        expect(actual.state).toEqual(expected.state);
      }),
      { numRuns: 400 },
    );
  });
});
