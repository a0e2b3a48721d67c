import { parseCsv } from "../kernel/csv.js";
import { z } from "zod";
import { BOUNDS } from "../kernel/bounds.js";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { decimalStringSchema, positiveQuantityString } from "../kernel/events/fields.js";
import { defineLibraryCommand } from "../runner/library.js";
import { effectiveInstant, effectiveSchema } from "./effective.js";
import { type MovementDraft } from "./ledger-records.js";
import { recordMovements } from "./record-movements.js";
import { resolveLocation } from "./location.js";
import { minorOf, valueAtUnitCost } from "./amounts.js";
import type { InventorySettings } from "./options.js";
import { skuSchema } from "./product.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * One row of opening stock: a SKU at a location with its quantity and unit cost (or total value).
 *
 * @example
 * ```ts
 * openingRowSchema.parse({ sku: "MUG", warehouseId: "wh_main", quantity: "40", unitCost: "2.5" });
 * ```
 */
export const openingRowSchema = strictInput({
  sku: skuSchema,
  warehouseId: idSchema<string>(),
  locationId: idSchema<string>().optional(),
  lot: idSchema<string>().optional(),
  quantity: positiveQuantityString,
  unitCost: decimalStringSchema(BOUNDS.amount, "unitCost", "nonnegative").optional(),
  value: decimalStringSchema(BOUNDS.amount, "value", "nonnegative").optional(),
}).refine((r) => (r.unitCost === undefined) !== (r.value === undefined), { message: "give exactly one of unitCost or value", path: ["unitCost"] });

/**
 * A row of opening stock (see `openingRowSchema`).
 *
 * @example
 * ```ts
 * const row: OpeningRow = { sku: "MUG", warehouseId: "wh_main", quantity: "40", unitCost: "2.5" };
 * ```
 */
export type OpeningRow = z.input<typeof openingRowSchema>;

/**
 * Parses opening stock from CSV text with a header row. Columns (any order, case
 * insensitive, `_` and spaces ignored): `sku`, `warehouse` (or `warehouseId`), `location`
 * (or `locationId`), `lot`, `quantity`, `unit_cost` (or `unitCost`), `value`. A leading
 * byte-order mark (a spreadsheet's "CSV UTF-8") is ignored. Fields may be double-quoted;
 * empty cells are left out. The rows come back named as `openingRowSchema` names them.
 *
 * @example
 * ```ts
 * parseOpeningCsv("sku,warehouse,quantity,unit_cost\nMUG,wh_main,40,2.50\n");
 * // [{ sku: "MUG", warehouseId: "wh_main", quantity: "40", unitCost: "2.50" }]
 * ```
 */
export function parseOpeningCsv(csv: string): OpeningRow[] {
  const lines = parseCsv(csv).filter((cells) => cells.some((cell) => cell.trim() !== ""));
  if (lines.length > BOUNDS.lines + 1) throw new StorekeepError("VALIDATION_FAILED", `Opening stock CSV has ${lines.length - 1} rows; import at most ${BOUNDS.lines} per command.`, { issues: [{ path: "csv", message: "too many rows", code: "too_big" }] });
  const header = (lines[0] ?? []).map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, "") : h).trim().toLowerCase().replace(/[_\s]/g, ""));
  const column: Record<string, keyof OpeningRow> = { sku: "sku", warehouse: "warehouseId", warehouseid: "warehouseId", location: "locationId", locationid: "locationId", lot: "lot", quantity: "quantity", unitcost: "unitCost", value: "value" };
  const keys = header.map((h) => column[h]);
  const unknown = header.filter((h, i) => keys[i] === undefined);
  if (unknown.length > 0 || !keys.includes("sku") || !keys.includes("quantity") || !keys.includes("warehouseId")) {
    throw new StorekeepError("VALIDATION_FAILED", `Opening stock CSV header must name sku, warehouse and quantity (and unit_cost or value)${unknown.length > 0 ? `; unknown columns: ${unknown.join(", ")}` : ""}.`, {
      issues: [{ path: "csv[0]", message: "bad header", code: "custom" }],
    });
  }
  return lines.slice(1).map((cells) => {
    const row: Record<string, string> = {};
    keys.forEach((key, i) => {
      const cell = (cells[i] ?? "").trim();
      if (key !== undefined && cell !== "") row[key] = cell;
    });
    return row as unknown as OpeningRow;
  });
}


const importSchema = strictInput({ rows: z.array(openingRowSchema).min(1).max(BOUNDS.lines).optional(), csv: z.string().max(1_000_000).optional(), reference: idSchema<string>().optional(), ...effectiveSchema.shape }).refine((i) => (i.rows === undefined) !== (i.csv === undefined), { message: "give rows or csv, not both", path: ["rows"] });

/**
 * The opening-stock import: receipts against `opening-balance-equity`, one per row, all at
 * one instant (an imported opening trial balance must agree on Inventory).
 *
 * @example
 * ```ts
 * const importOpeningStock = openingStockCommand(resolveInventoryOptions());
 * await runtime.execute(importOpeningStock, { csv, effectiveDate: "2026-01-01" });
 * ```
 */
export function openingStockCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.importOpeningStock",
    input: importSchema,
    async handle(ctx, input) {
      const rows = input.rows ?? (await Promise.resolve(parseOpeningCsv(input.csv!))).map((r, i) => {
        const parsed = openingRowSchema.safeParse(r);
        if (!parsed.success) {
          throw new StorekeepError("VALIDATION_FAILED", `Opening stock CSV row ${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}.`, {
            issues: parsed.error.issues.map((x) => ({ path: `csv[${i + 1}].${x.path.join(".")}`, message: x.message, code: x.code })),
          });
        }
        return parsed.data;
      });
      const at = effectiveInstant(ctx, input);
      const reference = input.reference ?? ctx.commandId;
      const drafts: MovementDraft[] = [];
      for (const [i, row] of rows.entries()) {
        drafts.push({
          sku: row.sku,
          kind: "opening",
          effectiveAt: at,
          quantity: row.quantity,
          warehouseId: row.warehouseId,
          locationId: await resolveLocation(ctx.tx, row.warehouseId, row.locationId),
          lot: row.lot,
          counterRole: "opening-balance-equity",
          source: { type: "opening", id: reference, lineId: String(i + 1) },
          valueMinor: row.value !== undefined ? minorOf(ctx, row.value, `rows[${i}].value`) : valueAtUnitCost(ctx, row.quantity, row.unitCost!),
        });
      }
      const out = await recordMovements(ctx, settings, drafts);
      return { result: { imported: out.movements.length, movements: out.movements }, events: out.events };
    },
  });
}
