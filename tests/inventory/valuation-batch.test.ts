import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RoundingMode } from "../../src/kernel/decimal.js";
import {
  BATCH_GENERAL,
  BATCH_ISSUE,
  BATCH_ISSUE_NEGATIVE,
  BATCH_RECEIPT,
  type CostState,
  type MovementValuation,
  type ValuationInput,
  type ValuationKernel,
  batchAmount,
  cloneCostState,
  emptyCostState,
  fifoKernel,
  movingAverageKernel,
  onHandOf,
  roundingCode,
  setBatchMovement,
  valuationBatch,
  valueBatch,
  valueMovement,
} from "../../src/inventory/index.js";
import { expectRederiveMatchesReplay } from "./rederive-oracle.js";


/** A random movement of a random history (kinds chosen so that every path of the batch is taken). */
const movementArb = fc.record({
  kind: fc.constantFrom("in", "in", "in-current", "out", "out", "out", "return", "revalue", "huge-in", "big-value-in"),
  units: fc.integer({ min: 1, max: 40 }),
  value: fc.integer({ min: 0, max: 9_999 }),
  role: fc.constantFrom("cogs", "shrinkage", "inventory"),
  allowNegative: fc.boolean(),
  state: fc.integer({ min: 0, max: 2 }),
  pick: fc.nat(),
});

type Raw = typeof movementArb extends fc.Arbitrary<infer T> ? T : never;

/** Inputs of a history: returns refer to an earlier issue of the same state, revaluations to an earlier receipt. */
function inputsOf(raw: readonly Raw[]): { inputs: ValuationInput[]; stateOf: number[] } {
  const inputs: ValuationInput[] = [];
  const stateOf: number[] = [];
  const issues: string[][] = [[], [], []];
  const receipts: { id: string; qty: bigint }[][] = [[], [], []];
  raw.forEach((r, i) => {
    const id = `mv_${String(i).padStart(4, "0")}`;
    const qty = BigInt(r.units) * 333_333n;
    const base = { id, position: `2026-01-01T00:00:00.000Z|${id}`, date: "2026-01-01", counterRole: r.role, allowNegative: r.allowNegative, costOf: undefined, revalue: undefined, restandard: undefined };
    let input: ValuationInput;
    const earlierIssues = issues[r.state]!;
    const earlierReceipts = receipts[r.state]!;
    if (r.kind === "out") input = { ...base, effect: "out", qty, value: undefined };
    else if (r.kind === "in-current") input = { ...base, effect: "in", qty, value: undefined };
    else if (r.kind === "return" && earlierIssues.length > 0) input = { ...base, effect: "in", qty, value: undefined, costOf: { movementId: earlierIssues[r.pick % earlierIssues.length]! } };
    else if (r.kind === "revalue" && earlierReceipts.length > 0) {
      const receipt = earlierReceipts[r.pick % earlierReceipts.length]!;
      input = { ...base, effect: "revalue", qty: 0n, value: undefined, revalue: { movementId: receipt.id, receiptQty: receipt.qty, amount: BigInt(r.value) - 5_000n, againstRole: "grni" } };
    } else if (r.kind === "huge-in") input = { ...base, effect: "in", qty: 2n ** 64n + qty, value: BigInt(r.value) };
    else if (r.kind === "big-value-in") input = { ...base, effect: "in", qty, value: 2n ** 62n + BigInt(r.value) };
    else input = { ...base, effect: "in", qty, value: BigInt(r.value) };
    if (input.effect === "out") earlierIssues.push(id);
    if (input.effect === "in" && input.costOf === undefined) earlierReceipts.push({ id, qty: input.qty });
    inputs.push(Object.freeze(input));
    stateOf.push(r.state);
  });
  return { inputs, stateOf };
}

/** The postings of a plain receipt or issue, as the batch documents them. */
function twoPostings(amount: bigint, issue: boolean, role: string): Record<string, bigint> {
  const stock = issue ? -amount : amount;
  const postings: Record<string, bigint> = {};
  if (stock !== 0n) {
    postings["inventory"] = stock;
    postings[role] = -stock;
  }
  return postings;
}

describe("valuation batch (movements as columns)", () => {
  it("codes a movement by what it needs: plain receipts and issues get figures, anything else the general path", () => {
    const batch = valuationBatch(4);
    const base = { position: "", date: "", counterRole: "cogs", allowNegative: false };
    setBatchMovement(batch, 0, { ...base, id: "a", effect: "in", qty: 5n, value: 7n }, 2);
    setBatchMovement(batch, 1, { ...base, id: "b", effect: "out", qty: 3n });
    setBatchMovement(batch, 2, { ...base, id: "c", effect: "out", qty: 3n, allowNegative: true });
    setBatchMovement(batch, 3, { ...base, id: "d", effect: "in", qty: 3n, value: undefined });
    expect([...batch.code]).toEqual([BATCH_RECEIPT, BATCH_ISSUE, BATCH_ISSUE_NEGATIVE, BATCH_GENERAL]);
    expect([batch.state[0], batch.qty[0], batch.value[0]]).toEqual([2, 5n, 7n]);
    // Beyond 64 bits: the general path.
    setBatchMovement(batch, 0, { ...base, id: "e", effect: "in", qty: 2n ** 63n, value: 1n });
    setBatchMovement(batch, 1, { ...base, id: "f", effect: "in", qty: 1n, value: -(2n ** 63n) - 1n });
    expect([batch.code[0], batch.code[1]]).toEqual([BATCH_GENERAL, BATCH_GENERAL]);
  });

  for (const [name, kernel] of [
    ["moving average", movingAverageKernel],
    ["FIFO", fifoKernel],
  ] as const) {
    it(`property (${name}): a batch over several states gives every movement the amount, postings and state valueMovement gives one movement at a time, and stops where it refuses negative stock`, () => {
      fc.assert(
        fc.property(fc.array(movementArb, { maxLength: 60 }), fc.constantFrom<RoundingMode>("half-even", "half-up", "down", "ceil"), (raw, mode) => {
          const rounding = roundingCode(mode);
          const { inputs, stateOf } = inputsOf(raw);
          const method = (kernel as ValuationKernel).method;
          // One movement at a time.
          const reference: CostState[] = [0, 1, 2].map(() => emptyCostState(method));
          const expected: MovementValuation[] = [];
          const byId = new Map<string, number>();
          const lookupOne = (id: string) => {
            const k = byId.get(id);
            return k === undefined ? undefined : { cost: expected[k]!.amount, qty: inputs[k]!.qty };
          };
          let refusedAt = -1;
          for (const [i, m] of inputs.entries()) {
            const st = reference[stateOf[i]!]!;
            if (m.effect === "out" && !m.allowNegative && onHandOf(st) < m.qty) {
              refusedAt = i;
              break;
            }
            expected.push(valueMovement(kernel, st, m, rounding, lookupOne, false, m.value));
            byId.set(m.id, i);
          }
          // As a batch.
          const batch = valuationBatch(inputs.length);
          inputs.forEach((m, i) => setBatchMovement(batch, i, m, stateOf[i]));
          batch.length = inputs.length;
          const states: CostState[] = [0, 1, 2].map(() => emptyCostState(method));
          const lookupBatch = (id: string) => {
            const k = byId.get(id);
            return k === undefined || k >= batch.at ? undefined : { cost: batchAmount(batch, k), qty: inputs[k]!.qty };
          };
          const refused = valueBatch(kernel, states, batch, rounding, lookupBatch);
          expect(refused).toBe(refusedAt);
          expect(batch.generalCount).toBe(batch.general.filter((v) => v !== undefined).length);
          for (let i = 0; i < expected.length; i++) {
            const want = expected[i]!;
            expect(batchAmount(batch, i)).toBe(want.amount);
            const general = batch.general[i];
            const postings = general === undefined ? twoPostings(batch.amount[i]!, inputs[i]!.effect === "out", inputs[i]!.counterRole) : { ...general.postings };
            expect(postings).toEqual({ ...want.postings });
            if (general === undefined) expect(batch.code[i]).not.toBe(BATCH_GENERAL);
          }
          expect(states.map(cloneCostState)).toEqual(reference.map(cloneCostState));
        }),
        { numRuns: 300 },
      );
    });
  }

  it("values the workload shape in place: 3 SKUs, receipts and issues, every one plain, the pools written back with their last unit cost", () => {
    const batch = valuationBatch(6);
    const base = { position: "", date: "", counterRole: "cogs", allowNegative: false };
    const moves: [ValuationInput, number][] = [
      [{ ...base, id: "r1", effect: "in", qty: 3_000_000n, value: 1000n }, 0],
      [{ ...base, id: "r2", effect: "in", qty: 1_000_000n, value: 250n }, 1],
      [{ ...base, id: "i1", effect: "out", qty: 1_000_000n }, 0],
      [{ ...base, id: "r3", effect: "in", qty: 2_000_000n, value: 900n }, 0],
      [{ ...base, id: "i2", effect: "out", qty: 1_000_000n }, 1],
      [{ ...base, id: "i3", effect: "out", qty: 1_000_000n }, 2],
    ];
    moves.forEach(([m, s], i) => setBatchMovement(batch, i, m, s));
    batch.length = moves.length;
    const states = [0, 1, 2].map(() => emptyCostState("moving-average"));
    // The third SKU has nothing on hand: the batch stops before its issue.
    expect(valueBatch(movingAverageKernel, states, batch, roundingCode("half-even"), () => undefined)).toBe(5);
    expect([...batch.amount.slice(0, 5)]).toEqual([1000n, 250n, 333n, 900n, 250n]);
    expect(batch.generalCount).toBe(0);
    expect(batch.general.slice(0, 5).every((v) => v === undefined)).toBe(true);
    expect([states[0]!.qty, states[0]!.value, states[0]!.lastUnit?.value, states[0]!.lastUnit?.qty]).toEqual([4_000_000n, 1567n, 900n, 2_000_000n]);
    expect([states[1]!.qty, states[1]!.value]).toEqual([0n, 0n]);
  });

  for (const [name, kernel] of [
    ["moving average", movingAverageKernel],
    ["FIFO", fifoKernel],
  ] as const) {
    it(`property (${name}): re-derivation over more recorded movements than one batch chunk, with returns referring to issues chunks before, gives the same differences, changed movements and state as a full replay`, () => {
      const movement = fc.record({
        kind: fc.constantFrom("in", "out", "out", "return"),
        units: fc.integer({ min: 1, max: 30 }),
        value: fc.integer({ min: 0, max: 9_999 }),
        role: fc.constantFrom("cogs", "shrinkage"),
        allowNegative: fc.boolean(),
        pick: fc.nat(),
      });
      fc.assert(
        fc.property(
          fc.array(movement, { minLength: 1100, maxLength: 2600 }),
          fc.array(fc.record({ at: fc.nat(), units: fc.integer({ min: 1, max: 30 }), value: fc.integer({ min: 0, max: 9_999 }), receipt: fc.boolean() }), { minLength: 1, maxLength: 3 }),
          fc.constantFrom<RoundingMode>("half-even", "half-up"),
          (raw, addedRaw, mode) => {
            const rounding = roundingCode(mode);
            const position = (n: number, id: string) => `2026-01-01T00:00:${String(n).padStart(6, "0")}Z|${id}`;
            // Recorded history never goes negative where it is not allowed: such an issue is recorded as a receipt.
            let onHand = 0n;
            const issues: string[] = [];
            const recorded: ValuationInput[] = raw.map((r, i) => {
              const id = `mv_r${String(i).padStart(5, "0")}`;
              const qty = BigInt(r.units) * 250_000n;
              const base = { id, position: position(i * 10, id), date: `2026-01-${String(1 + Math.floor(i / 200)).padStart(2, "0")}`, qty, counterRole: r.role, allowNegative: r.allowNegative, revalue: undefined, restandard: undefined };
              if (r.kind === "out" && (r.allowNegative || onHand >= qty)) {
                onHand -= qty;
                issues.push(id);
                return { ...base, effect: "out", value: undefined, costOf: undefined };
              }
              onHand += qty;
              if (r.kind === "return" && issues.length > 0) return { ...base, effect: "in", value: undefined, costOf: { movementId: issues[r.pick % issues.length]! } };
              return { ...base, effect: "in", value: BigInt(r.value), costOf: undefined };
            });
            const added: ValuationInput[] = addedRaw
              .map((a, i) => {
                const id = `mv_a${i}`;
                const at = (a.at % raw.length) * 10 + 5;
                return {
                  id,
                  position: position(at, id),
                  date: `2026-01-${String(1 + Math.floor(at / 10 / 200)).padStart(2, "0")}`,
                  effect: a.receipt ? ("in" as const) : ("out" as const),
                  qty: BigInt(a.units) * 250_000n,
                  counterRole: "cogs",
                  allowNegative: false,
                  value: a.receipt ? BigInt(a.value) : undefined,
                  costOf: undefined,
                  revalue: undefined,
                  restandard: undefined,
                };
              })
              .sort((a, b) => (a.position < b.position ? -1 : 1));
            const start = emptyCostState(kernel.method);
            const referenced = recorded.flatMap((m) => (m.costOf === undefined ? [] : [m.costOf.movementId]));
            expectRederiveMatchesReplay(kernel, rounding, start, recorded, added, referenced);
          },
        ),
        { numRuns: 25 },
      );
    });
  }
});
