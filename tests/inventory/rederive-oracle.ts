import { expect } from "vitest";
import type { CostState, RoundingCode, ValuationInput, ValuationKernel } from "../../src/inventory/index.js";
import { type BookedValuation, rederive, replayMovements } from "../../src/inventory/rederive.js";

const plain = (differences: ReadonlyMap<string, ReadonlyMap<string, bigint>>) => Object.fromEntries([...differences].map(([date, roles]) => [date, Object.fromEntries(roles)]));
const byPosition = (a: ValuationInput, b: ValuationInput): number => (a.position < b.position ? -1 : 1);

/**
 * The oracle of re-derivation: `rederive(start, recorded, added)` gives what a full replay of
 * the merged history gives against the recorded history replayed alone — the same
 * differences, changed movements and final state, or the same negative point.
 */
export function expectRederiveMatchesReplay(kernel: ValuationKernel, rounding: RoundingCode, start: CostState, recorded: readonly ValuationInput[], added: readonly ValuationInput[], referenced?: readonly string[]): void {
  const alone = replayMovements(start, recorded, { kernel, rounding, booked: new Map(), newIds: new Set() });
  if ("negative" in alone) throw new Error("recorded history replays negative");
  const booked = new Map<string, BookedValuation>([...alone.valuations].map(([id, v]) => [id, { postings: v.postings, amount: v.amount }]));
  const merged = [...recorded, ...added].sort(byPosition);
  const expected = replayMovements(start, merged, { kernel, rounding, booked, newIds: new Set(added.map((m) => m.id)) });
  const actual = rederive(start, recorded, added, { kernel, rounding, ...(referenced === undefined ? {} : { referenced }) });
  if ("negative" in expected) {
    expect(actual).toEqual({ negative: expected.negative });
    return;
  }
  if ("negative" in actual) throw new Error(`rederive went negative at ${actual.negative.movementId}, a full replay did not`);
  expect(plain(actual.differences)).toEqual(plain(expected.differences));
  expect(actual.changed.map((c) => c.id)).toEqual(expected.changed);
  expect(actual.state).toEqual(expected.state);
}
