/**
 * `importOpeningStock`: what the inventory guide says a row and a CSV header are called is
 * what the code reads. Rows are named as `receive` names its fields (`warehouseId`,
 * `unitCost`); a CSV names its columns as a spreadsheet would (`warehouse`, `unit_cost`).
 * The guide used to give the CSV's column names for both.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openingRowSchema, parseOpeningCsv } from "../../src/inventory/index.js";
import { caught, harness } from "./setup.js";

const guide = readFileSync(new URL("../../docs/inventory.md", import.meta.url), "utf8").replace(/\s+/g, " ");

/** The backticked names in `text`, in order. */
const names = (text: string): string[] => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

async function shop() {
  const h = await harness();
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  await h.inventory.defineLocation({ locationId: "wh/A1", warehouseId: "wh" });
  await h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await h.inventory.defineProduct({ sku: "MILK", costingMethod: "fifo", tracking: "lot" });
  return h;
}

describe("importOpeningStock: the guide's names are the code's", () => {
  it("the row fields the guide lists are exactly the row schema's, and a row so named imports", async () => {
    const stated = /importOpeningStock\(\{ rows \}\)`, each row named as `receive` names its fields — `\{ ([^}]*) \}`/.exec(guide);
    expect(stated, "the guide states the fields of a row").not.toBeNull();
    const fields = stated![1]!.split(/,\s*|\s*\|\s*/).map((f) => f.replace(/\?$/, ""));
    expect(fields.sort()).toEqual(Object.keys(openingRowSchema.shape).sort());
    const h = await shop();
    const out = await h.inventory.importOpeningStock({ rows: [{ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "4", unitCost: "2.5" }, { sku: "MILK", warehouseId: "wh", lot: "L1", quantity: "2", value: "3" }], effectiveDate: "2026-01-01" });
    expect(out.movements.map((m) => [m.sku, m.quantity, m.amount]).sort()).toEqual([
      ["MILK", "2", "3"],
      ["MUG", "4", "10"],
    ]);
  });

  it("the CSV columns the guide lists are read, in any order and case, with or without a byte-order mark", async () => {
    const stated = /importOpeningStock\(\{ csv \}\)`, a header row naming the columns (.*?) \(in any order/.exec(guide);
    expect(stated, "the guide states the CSV columns").not.toBeNull();
    const columns = names(stated![1]!);
    expect(columns).toEqual(["sku", "warehouse", "location", "lot", "quantity", "unit_cost", "value"]);
    const header = columns.filter((c) => c !== "value");
    const body = "MUG,wh,wh/A1,,4,2.50\n";
    const expected = [{ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "4", unitCost: "2.50" }];
    expect(parseOpeningCsv(`${header.join(",")}\n${body}`)).toEqual(expected);
    expect(parseOpeningCsv(`${header.map((c) => c.toUpperCase()).join(",")}\n${body}`)).toEqual(expected);
    // A spreadsheet's "CSV UTF-8" starts with a byte-order mark: it is not part of the first column's name.
    expect(parseOpeningCsv(`\uFEFF${header.join(",")}\r\n${body}`)).toEqual(expected);
    // The alternatives the guide names: the row fields' own names.
    expect(parseOpeningCsv("sku,warehouseId,locationId,quantity,unitCost\nMUG,wh,wh/A1,4,2.50\n")).toEqual(expected);
    const h = await shop();
    expect((await h.inventory.importOpeningStock({ csv: `\uFEFFsku,warehouse,quantity,value\nMUG,wh,3,7.5\n`, effectiveDate: "2026-01-01" })).movements[0]).toMatchObject({ quantity: "3", amount: "7.5" });
  });

  it("a row named with the CSV's columns is refused naming the field to use; an unknown CSV column is refused naming it", async () => {
    const h = await shop();
    const row = await caught(h.inventory.importOpeningStock({ rows: [{ sku: "MUG", warehouse: "wh", quantity: "1", unit_cost: "2" }] } as never));
    expect(row.code).toBe("VALIDATION_FAILED");
    expect(row.message).toContain('rows[0]: unknown key "warehouse" (did you mean "warehouseId"?); unknown key "unit_cost" (did you mean "unitCost"?)');
    const column = await caught(h.inventory.importOpeningStock({ csv: "sku,warehouse,quantity,unit_cost,colour\nMUG,wh,1,2,red\n" }));
    expect(column.code).toBe("VALIDATION_FAILED");
    expect(column.message).toContain("unknown columns: colour");
    expect(await h.inventory.onHand()).toEqual([]);
  });
});
