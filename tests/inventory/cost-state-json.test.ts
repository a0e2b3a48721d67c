import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  type CostState,
  costStateFromJson,
  costStateToJson,
  emptyCostState,
  issueStock,
  kernelFor,
  receiveStock,
  roundingCode,
  unitCostRatio,
} from "../../src/inventory/index.js";
import { keepCostState, takeCostState } from "../../src/inventory/cost-state.js";

/*
 * A cost state written to JSON reads back the same, from the very string written (as the memory
 * store hands it back) or an equal one read anew (a SQL store), and every read hands out layer
 * objects of its own (the valuation kernel changes layers in place), so a cache of parsed
 * states could not leak one command's changes into another's read.
 */

const layerArb = fc.record({
  qty: fc.bigInt({ min: 0n, max: 10n ** 18n }),
  value: fc.bigInt({ min: -(10n ** 21n), max: 10n ** 21n }),
  movementId: fc.stringMatching(/^mv_[0-9A-Za-z]{1,26}$/),
});

function fifoState(layers: { qty: bigint; value: bigint; movementId: string }[], head: number): CostState {
  const state = emptyCostState("fifo");
  state.layers = layers.map((l) => ({ ...l }));
  state.head = Math.min(head, layers.length);
  for (const l of state.layers.slice(state.head)) {
    state.qty += l.qty;
    state.value += l.value;
  }
  return state;
}

/** What a read must give: the live layers (empty ones dropped), head 0, totals summed. */
function expected(state: CostState) {
  const layers = state.layers.slice(state.head).filter((l) => l.qty !== 0n || l.value !== 0n);
  return { layers, qty: layers.reduce((s, l) => s + l.qty, 0n), value: layers.reduce((s, l) => s + l.value, 0n) };
}

describe("cost state JSON", () => {
  it("a written state reads back with the same layers and totals, whether its text is the one written or an equal copy (short and long texts)", () => {
    fc.assert(
      fc.property(fc.array(layerArb, { maxLength: 120 }), fc.nat({ max: 10 }), (layers, head) => {
        const state = fifoState(layers, head);
        const json = costStateToJson(state);
        const want = expected(state);
        // The same string object (as the memory store hands back) and an equal string built
        // anew (as a SQL store's read gives) read the same.
        const copied = JSON.parse(JSON.stringify(json)) as typeof json;
        for (const read of [costStateFromJson(json), costStateFromJson(copied)]) {
          expect(read.head).toBe(0);
          expect(read.layers).toEqual(want.layers);
          expect(read.qty).toBe(want.qty);
          expect(read.value).toBe(want.value);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a FIFO state written with its first layer apart reads the same as one written before that form, with every layer in one text", () => {
    const layers = Array.from({ length: 5 }, (_, i) => ({ qty: BigInt(10 + i) * 1_000_000n, value: BigInt(250 + i), movementId: `mv_${i}` }));
    const json = costStateToJson(fifoState(layers, 0));
    expect(json.layers).toBe(`10000000\t250\tmv_0`);
    expect(json.rest?.split("\n")).toHaveLength(4);
    const { rest, ...older } = json;
    const joined = { ...older, layers: `${String(json.layers)}\n${rest!}` };
    expect(costStateFromJson(joined)).toEqual(costStateFromJson(json));
    expect(costStateFromJson(json).layers).toEqual(layers);
  });

  it("two reads of one stored state share no layer objects: changing one read's layers leaves the next read as written", () => {
    const layers = Array.from({ length: 40 }, (_, i) => ({ qty: BigInt(1000 + i) * 1_000_000n, value: BigInt(2500 + i), movementId: `mv_${i}` }));
    const json = costStateToJson(fifoState(layers, 0));
    expect(typeof json.layers === "string" && json.layers.length + (json.rest?.length ?? 0) >= 256).toBe(true);
    const first = costStateFromJson(json);
    first.layers[0]!.qty = 1n;
    first.layers[0]!.value = 1n;
    first.layers.pop();
    const second = costStateFromJson(json);
    expect(second.layers).toHaveLength(40);
    expect(second.layers[0]).toEqual({ qty: 1000_000_000n, value: 2500n, movementId: "mv_0" });
    expect(second.layers[0]).not.toBe(first.layers[0]);
  });

  it("property: a pool (moving average, standard) is stored as one layer named pool, as before, and reads back into the state's totals with no layer object; valuing on from the read state gives the same costs", () => {
    const rounding = roundingCode("half-even");
    const movement = fc.record({ receipt: fc.boolean(), qty: fc.bigInt({ min: 1n, max: 50_000_000n }), value: fc.bigInt({ min: 0n, max: 100_000n }) });
    fc.assert(
      fc.property(fc.constantFrom("moving-average" as const, "standard" as const), fc.array(movement, { maxLength: 30 }), fc.array(movement, { maxLength: 10 }), (method, before, after) => {
        const kernel = kernelFor(method);
        const state = emptyCostState(method, method === "standard" ? unitCostRatio("2.5", 2) : null);
        const apply = (s: CostState, moves: typeof before, tag: string): bigint[] =>
          moves.map((m, i) => (m.receipt ? receiveStock(kernel, s, m.qty, m.value, `${tag}${i}`, rounding).inventory : issueStock(kernel, s, m.qty, `${tag}${i}`, "cogs", rounding, false).cost));
        apply(state, before, "a");
        const json = costStateToJson(state);
        expect(json.layers).toBe(state.qty === 0n && state.value === 0n ? "" : `${state.qty}\t${state.value}\tpool`);
        const read = costStateFromJson(json);
        expect(read.layers).toEqual([]);
        expect([read.qty, read.value, read.deficitQty, read.deficitValue, read.lastUnit]).toEqual([state.qty, state.value, state.deficitQty, state.deficitValue, state.lastUnit]);
        expect(apply(read, after, "b")).toEqual(apply(state, after, "b"));
        expect([read.qty, read.value]).toEqual([state.qty, state.value]);
      }),
      { numRuns: 300 },
    );
  });
});

describe("cost states kept by recording", () => {
  const sameAsParse = (state: CostState, json: ReturnType<typeof costStateToJson>) => {
    const parsed = costStateFromJson(json);
    expect({ ...state }).toEqual({ ...parsed });
  };

  it("a kept state is handed out for the very object written (what a store keeping documents in memory hands back), equal to a parse of it, and only once; an equal copy (a SQL store's read) is parsed anew", () => {
    fc.assert(
      fc.property(fc.array(layerArb, { maxLength: 60 }), fc.nat({ max: 10 }), (layers, head) => {
        const state = fifoState(layers, head);
        const json = costStateToJson(state);
        keepCostState(json, state);
        const copy = { ...json, deficits: [...json.deficits] };
        const parsed = takeCostState(copy);
        expect(parsed).not.toBe(state);
        sameAsParse(parsed, json);
        const taken = takeCostState(json);
        expect(taken).toBe(state);
        sameAsParse(taken, json);
        const again = takeCostState(json);
        expect(again).not.toBe(taken);
        sameAsParse(again, json);
      }),
      { numRuns: 200 },
    );
  });

  it("other content is parsed anew (another SKU's state, a write rolled back), and leaves the kept state for its own object", () => {
    const state = fifoState([{ qty: 5_000_000n, value: 1000n, movementId: "mv_1" }], 0);
    state.lastUnit = { value: 200n, qty: 1_000_000n };
    const json = costStateToJson(state);
    keepCostState(json, state);
    const other = { ...json, lastUnit: ["300", "1000000"] as const };
    const taken = takeCostState(other);
    expect(taken).not.toBe(state);
    expect(taken.lastUnit).toEqual({ value: 300n, qty: 1_000_000n });
    expect(takeCostState(json)).toBe(state);
  });

  it("only the last states written are kept (a bounded cache)", () => {
    const first = fifoState([{ qty: 1_000_000n, value: 100n, movementId: "mv_0" }], 0);
    const firstJson = costStateToJson(first);
    keepCostState(firstJson, first);
    for (let i = 1; i <= 300; i++) {
      const s = fifoState([{ qty: 1_000_000n, value: BigInt(i), movementId: `mv_${i}` }], 0);
      keepCostState(costStateToJson(s), s);
    }
    expect(takeCostState(firstJson)).not.toBe(first);
  });

  it("a taken state changed in place (a command that then failed) is never handed out again", () => {
    const state = fifoState([{ qty: 5_000_000n, value: 1000n, movementId: "mv_1" }, { qty: 1_000_000n, value: 300n, movementId: "mv_2" }], 0);
    const json = costStateToJson(state);
    keepCostState(json, state);
    const taken = takeCostState(json);
    taken.layers[0]!.qty = 0n;
    taken.head = 1;
    const fresh = takeCostState(json);
    expect(fresh.layers[0]).toEqual({ qty: 5_000_000n, value: 1000n, movementId: "mv_1" });
    expect(fresh.qty).toBe(6_000_000n);
  });

  it("a FIFO state packs to the same text as packing every layer anew, whatever changed since the last packing (the reused tail is never stale)", () => {
    const pack = (state: CostState): string =>
      state.layers
        .slice(state.head)
        .filter((l) => l.qty !== 0n || l.value !== 0n)
        .map((l) => `${l.qty}\t${l.value}\t${l.movementId}`)
        .join("\n");
    const op = fc.oneof(
      fc.record({ kind: fc.constant("take" as const), qty: fc.bigInt({ min: 0n, max: 5n }) }),
      fc.record({ kind: fc.constant("advance" as const) }),
      fc.record({ kind: fc.constant("receive" as const), layer: layerArb }),
      fc.record({ kind: fc.constant("revalue" as const), at: fc.nat(20), value: fc.bigInt({ min: -5n, max: 5n }) }),
      fc.record({ kind: fc.constant("zero" as const), at: fc.nat(20) }),
      fc.record({ kind: fc.constant("copy" as const) }),
    );
    fc.assert(
      fc.property(fc.array(layerArb, { maxLength: 8 }), fc.array(op, { maxLength: 30 }), (initial, ops) => {
        const state = fifoState(initial, 0);
        for (const o of ops) {
          const live = state.layers.length - state.head;
          if (o.kind === "take" && live > 0) state.layers[state.head]!.qty -= o.qty;
          else if (o.kind === "advance" && live > 0) state.head++;
          else if (o.kind === "receive") state.layers.push({ ...o.layer });
          else if (o.kind === "revalue" && state.layers.length > 0) state.layers[o.at % state.layers.length]!.value += o.value;
          else if (o.kind === "zero" && state.layers.length > 0) Object.assign(state.layers[o.at % state.layers.length]!, { qty: 0n, value: 0n });
          else if (o.kind === "copy") state.layers = state.layers.slice();
          const json = costStateToJson(state);
          // The first layer's line, and the rest apart (when there is a first and a rest).
          expect(json.rest === undefined ? json.layers : `${String(json.layers)}\n${json.rest}`).toBe(pack(state));
          if (json.rest !== undefined) expect(json.layers).not.toContain("\n");
        }
      }),
      { numRuns: 500 },
    );
  });
});
