import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_RFM_GRID, type RfmInput, rfmCounts, rfmScoreColumns, rfmScores, summariseRfm, validateRfmGrid } from "../../src/crm/rfm.js";
import { localDate } from "../../src/kernel/local-date.js";

const customersArb = fc
  .uniqueArray(
    fc.record({
      customerId: fc.string({ minLength: 1, maxLength: 6 }),
      recencyDays: fc.integer({ min: 0, max: 30 }),
      frequency: fc.integer({ min: 1, max: 8 }),
      monetary: fc.integer({ min: 1, max: 50 }).map((v) => v / 4),
    }),
    { selector: (c) => c.customerId, minLength: 1, maxLength: 80 },
  )
  .map((cs) => cs as RfmInput[]);

describe("RFM scores", () => {
  it("every score is an integer in 1–5", () => {
    fc.assert(
      fc.property(customersArb, (cs) => {
        for (const s of rfmScores(cs)) for (const v of [s.r, s.f, s.m]) expect(Number.isInteger(v) && v >= 1 && v <= 5).toBe(true);
      }),
    );
  });

  it("each score holds ⌊n/5⌋ or ⌈n/5⌉ customers, for R, F and M", () => {
    fc.assert(
      fc.property(customersArb, (cs) => {
        const n = cs.length;
        const counts = rfmCounts(rfmScores(cs));
        for (const byScore of [counts.r, counts.f, counts.m]) for (const c of Object.values(byScore)) expect(c === Math.floor(n / 5) || c === Math.ceil(n / 5)).toBe(true);
      }),
    );
  });

  it("a strictly greater value never scores lower (fewer recency days never scores lower on R)", () => {
    fc.assert(
      fc.property(customersArb, (cs) => {
        const s = rfmScores(cs);
        for (const a of s) {
          for (const b of s) {
            if (a.frequency > b.frequency) expect(a.f).toBeGreaterThanOrEqual(b.f);
            if (a.monetary > b.monetary) expect(a.m).toBeGreaterThanOrEqual(b.m);
            if (a.recencyDays < b.recencyDays) expect(a.r).toBeGreaterThanOrEqual(b.r);
          }
        }
      }),
    );
  });

  it("scores do not depend on the input order", () => {
    fc.assert(
      fc.property(customersArb, (cs) => {
        const key = (xs: ReturnType<typeof rfmScores>) => xs.map((s) => `${s.customerId}:${s.r}${s.f}${s.m}`).sort();
        expect(key(rfmScores([...cs].reverse()))).toEqual(key(rfmScores(cs)));
      }),
    );
  });

  it("breaks ties by customer id ascending and scores ceil(5 × rank / n)", () => {
    const ids = ["e", "c", "a", "d", "b", "f", "g"];
    const cs = ids.map((customerId) => ({ customerId, recencyDays: 5, frequency: 1, monetary: 10 }));
    const byId = Object.fromEntries(rfmScores(cs).map((s) => [s.customerId, s.m]));
    // ranks a..g = 1..7 of n = 7: ceil(5r/7) = 1,2,3,3,4,5,5
    expect(byId).toEqual({ a: 1, b: 2, c: 3, d: 3, e: 4, f: 5, g: 5 });
    const r = Object.fromEntries(rfmScores(cs).map((s) => [s.customerId, s.r]));
    expect(r).toEqual(byId); // equal recency: ties by id as well
  });

  it("ranks recency on −days so the most recent buyer scores 5", () => {
    const out = rfmScoreColumns({ ids: ["a", "b", "c", "d", "e"], recencyDays: Float64Array.of(1, 2, 3, 4, 5), frequency: Float64Array.of(5, 4, 3, 2, 1), monetary: Float64Array.of(1, 1, 1, 1, 1) });
    expect([...out.r]).toEqual([5, 4, 3, 2, 1]);
    expect([...out.f]).toEqual([5, 4, 3, 2, 1]);
    expect([...out.m]).toEqual([1, 2, 3, 4, 5]);
  });

  it("maps every R×F cell of the default grid and accepts a shop's own grid", () => {
    expect(validateRfmGrid(DEFAULT_RFM_GRID)).toBe(DEFAULT_RFM_GRID);
    expect(DEFAULT_RFM_GRID["15"]).toBe("cant-lose-them");
    expect(DEFAULT_RFM_GRID["51"]).toBe("new-customers");
    expect(DEFAULT_RFM_GRID["33"]).toBe("need-attention");
    const grid = Object.fromEntries(Object.keys(DEFAULT_RFM_GRID).map((k) => [k, Number(k[0]) >= 4 ? "hot" : "cold"]));
    const s = rfmScores([{ customerId: "a", recencyDays: 1, frequency: 1, monetary: 1 }], { grid });
    expect(s[0]?.segment).toBe("hot");
    const { "11": _drop, ...partial } = grid;
    expect(() => rfmScores([], { grid: partial })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED", message: expect.stringContaining("11") }));
  });

  it("rejects a repeated customer id and mismatched columns", () => {
    expect(() => rfmScores([{ customerId: "b", recencyDays: 1, frequency: 1, monetary: 1 }, { customerId: "a", recencyDays: 1, frequency: 1, monetary: 1 }, { customerId: "b", recencyDays: 1, frequency: 1, monetary: 1 }])).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() => rfmScoreColumns({ ids: ["a"], recencyDays: Float64Array.of(1, 2), frequency: Float64Array.of(1), monetary: Float64Array.of(1) })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(() => rfmScores([{ customerId: "a", recencyDays: Number.NaN, frequency: 1, monetary: 1 }])).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});

describe("summariseRfm", () => {
  const d = localDate;
  it("counts distinct invoices, sums quantity × price exactly, and measures whole days to the analysis date", () => {
    const s = summariseRfm(
      [
        { customerId: "c1", invoiceId: "1", date: d("2024-01-01"), quantity: 3, price: "0.1" },
        { customerId: "c1", invoiceId: "1", date: d("2024-01-01"), quantity: 1, price: "0.2" },
        { customerId: "c1", invoiceId: "2", date: d("2024-01-05"), quantity: 1, price: "3.5" },
        { customerId: "c2", invoiceId: "3", date: d("2024-01-09"), quantity: 2, price: "1" },
        { customerId: "c2", invoiceId: "4", date: d("2024-02-01"), quantity: 2, price: "1" }, // after the analysis date
      ],
      d("2024-01-10"),
    );
    expect(s.map((x) => [x.customerId, x.frequency, x.monetary.toString(), x.recencyDays])).toEqual([
      ["c1", 2, "4", 5],
      ["c2", 1, "2", 1],
    ]);
  });

  it("counts purchases net of cancellations and returns", () => {
    const s = summariseRfm(
      [
        { customerId: "c1", invoiceId: "1", date: d("2024-01-01"), quantity: 2, price: "10" },
        { customerId: "c1", invoiceId: "1", date: d("2024-01-03"), quantity: -1, price: "10" }, // one returned
        { customerId: "c1", invoiceId: "2", date: d("2024-01-05"), quantity: 1, price: "7" },
        { customerId: "c1", invoiceId: "2", date: d("2024-01-06"), quantity: -1, price: "7" }, // cancelled in full
      ],
      d("2024-01-10"),
    );
    expect(s.map((x) => [x.frequency, x.monetary.toString(), x.lastPurchase])).toEqual([[1, "10", "2024-01-01"]]);
  });
});

describe("crm.rfm-1m benchmark baseline", () => {
  it("the plain float kernel scores exactly as rfmScoreColumns", async () => {
    const { rfmKernelAgrees } = await import("../bench/workloads/crm.js");
    expect(rfmKernelAgrees(20_000)).toBe(true);
  });
});
