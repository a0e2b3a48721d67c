import { PGlite } from "@electric-sql/pglite";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { allocateDocumentNumber, formatDocumentNumber, numberSeriesState } from "../../src/finance/numbering/index.js";
import { defineCommand } from "../../src/runner/command.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

const series = { documentType: "invoice", year: 2026, prefix: "INV" };
const issue = defineCommand({
  name: "test.issueInvoice",
  input: z.object({ fail: z.boolean() }),
  async handle(ctx, input) {
    const { number } = await allocateDocumentNumber(ctx.tx, series);
    if (input.fail) throw new Error("the invoice could not be stored");
    return { result: number };
  },
});

describe("formatDocumentNumber", () => {
  it("prints prefix, year and the zero-padded sequence", () => {
    expect(formatDocumentNumber(series, 42)).toBe("INV2026-000042");
    expect(formatDocumentNumber({ ...series, prefix: "", width: 3 }, 7)).toBe("2026-007");
  });
});

let schema = 0;
for (const kind of ["memory", "pglite"] as const) {
  describe(`gapless numbering (${kind})`, () => {
    const make = () => {
      schema += 1;
      return createStorekeep({ store: kind === "memory" ? memoryStore() : postgresStore({ client: db, schema: `numbering_${schema}` }), clock: new ManualClock("2026-03-02T10:00:00Z"), ids: sequentialIds() });
    };

    it("a rolled-back command takes its number back: the series has no gap", async () => {
      const sk = make();
      expect(await sk.run(issue, { fail: false })).toBe("INV2026-000001");
      await expect(sk.run(issue, { fail: true })).rejects.toThrow(/could not be stored/);
      expect(await sk.run(issue, { fail: false })).toBe("INV2026-000002");
      expect(await sk.runtime.read((tx) => numberSeriesState(tx, series))).toBe(2);
    });

    it("concurrent documents get distinct consecutive numbers; another year or prefix is its own series", async () => {
      const sk = make();
      const numbers = await Promise.all(Array.from({ length: 12 }, () => sk.run(issue, { fail: false })));
      expect([...numbers].sort()).toEqual(Array.from({ length: 12 }, (_, i) => formatDocumentNumber(series, i + 1)));
      const other = await sk.runtime.read((tx) => allocateDocumentNumber(tx, { ...series, year: 2027 }));
      expect(other.number).toBe("INV2027-000001");
    });

    it("refuses a malformed series", async () => {
      const sk = make();
      await expect(sk.runtime.read((tx) => allocateDocumentNumber(tx, { ...series, prefix: "a b" }))).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await expect(sk.runtime.read((tx) => allocateDocumentNumber(tx, { ...series, year: 26 }))).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    });
  });
}
