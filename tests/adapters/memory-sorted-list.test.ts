import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SortedList, compareStrings } from "../../src/adapters/memory/sorted-list.js";

const byNumber = (a: number, b: number) => a - b;

describe("the memory store's chunked sorted list", () => {
  it("matches a sorted array under random inserts and deletes across many chunks (property: toArray, seek and slice = model)", () => {
    const op = fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 4000 }));
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 6000 }), fc.integer({ min: -10, max: 4010 }), fc.integer({ min: 0, max: 4020 }), fc.integer({ min: 0, max: 3000 }), (ops, lo, span, limit) => {
        const list = new SortedList<number>(byNumber);
        const model = new Set<number>();
        for (const [insert, value] of ops) {
          if (insert) expect(list.insert(value)).toBe(!model.has(value));
          else expect(list.delete(value)).toBe(model.has(value));
          if (insert) model.add(value);
          else model.delete(value);
        }
        const sorted = [...model].sort(byNumber);
        expect(list.size).toBe(sorted.length);
        expect(list.toArray()).toEqual(sorted);
        expect(list.last()).toBe(sorted[sorted.length - 1]);
        const hi = lo + span;
        const start = list.seek((x) => x >= lo);
        const stop = list.seek((x) => x > hi);
        const inRange = sorted.filter((x) => x >= lo && x <= hi);
        expect(list.slice(start, stop, false, limit)).toEqual(inRange.slice(0, limit));
        expect(list.slice(start, stop, true, limit)).toEqual([...inRange].reverse().slice(0, limit));
        for (const probe of [lo, hi, sorted[0] ?? 0]) expect(list.get(probe)).toBe(model.has(probe) ? probe : undefined);
      }),
      { numRuns: 60 },
    );
  });

  it("keeps ascending appends on the fast path and still finds every item (example: 5,000 in-order appends, then back-dated inserts)", () => {
    const list = new SortedList<string>(compareStrings);
    for (let i = 0; i < 5000; i++) list.insert(String(i * 2).padStart(6, "0"));
    for (let i = 0; i < 5000; i += 7) list.insert(String(i * 2 + 1).padStart(6, "0"));
    const all = list.toArray();
    expect(all.length).toBe(5000 + Math.ceil(5000 / 7));
    expect([...all].sort(compareStrings)).toEqual(all);
    expect(list.insert("000000")).toBe(false);
    const from = list.seek((s) => s > "004000");
    // 4002 and 4004 are even appends; 4005 = 2 × 2002 + 1 was inserted back-dated (2002 = 7 × 286).
    expect(list.slice(from, list.end(), false, 3)).toEqual(["004002", "004004", "004005"]);
  });
});
