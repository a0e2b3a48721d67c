import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { defineLibraryCommand } from "../runner/library.js";
import { BARCODES, type BarcodeEntry, barcodeKey, findBarcodeEntry, internalKey, unitFactor } from "./barcode-lookup.js";
import { parseBarcode } from "./barcodes.js";
import type { InventorySettings } from "./options.js";
import { requireProduct, skuSchema } from "./product.js";
import { strictInput } from "../kernel/strict-input.js";

const barcodeSchema = strictInput({
  /** The code as printed or scanned (any GTIN form, a GS1 element string with AI 01/02, an in-store code, or an internal label). */
  barcode: z.string().min(1).max(200),
  sku: skuSchema,
  /** The unit the code stands for (a carton's GTIN: "carton"); default the base unit. */
  unit: z.string().min(1).max(20).optional(),
  /** The code is the shop's own label, not a GS1 barcode: stored by its text. */
  internal: z.boolean().default(false),
});

/**
 * Assigns a barcode to a SKU (and a unit of it: a carton's GTIN stands for 12 units). The
 * code is stored under a key that does not depend on how it is scanned, so a UPC-A, its
 * EAN-13 and GTIN-14 forms all find the SKU. Assigning it again to the same SKU and unit is
 * a no-op; to another one is `ALREADY_EXISTS` (remove it first). An in-store code of
 * prefix 2 is stored by the kind of value it embeds and its item number: a price code and a
 * weight code of one item number are two codes (they may name two SKUs), while two price
 * codes (or two weight codes) of one item number are one, whatever the price or weight.
 *
 * @example
 * ```ts
 * await runtime.execute(defineBarcodeCommand(settings), { barcode: "4006381333931", sku: "MUG" });
 * ```
 */
export function defineBarcodeCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.defineBarcode",
    input: barcodeSchema,
    async handle(ctx, input) {
      const product = await requireProduct(ctx.tx, input.sku);
      const unit = input.unit === undefined || input.unit === product.unitOfMeasure ? null : input.unit;
      await unitFactor(ctx.tx, input.sku, unit, product);
      let key: string;
      let existing: { readonly data: BarcodeEntry } | undefined;
      if (input.internal) {
        if (!/^[\x21-\x7e]+$/.test(input.barcode.trim())) {
          throw new StorekeepError("VALIDATION_FAILED", `An internal label is printable ASCII without spaces, not "${input.barcode}".`, { issues: [{ path: "barcode", message: "not printable ASCII", code: "custom" }] });
        }
        key = internalKey(input.barcode);
        existing = await ctx.tx.documents.getForUpdate<BarcodeEntry>(BARCODES, key);
      } else {
        const options = { today: ctx.today, ...(settings.inStoreLayouts === undefined ? {} : { inStore: settings.inStoreLayouts }) };
        const parsed = parseBarcode(input.barcode, options);
        const k = barcodeKey(parsed);
        if (k === undefined) {
          throw new StorekeepError("VALIDATION_FAILED", `Barcode "${input.barcode}" names no trade item (no GTIN in AI 01 or 02): assign the product's GTIN, or pass internal: true for a label of your own.`, {
            issues: [{ path: "barcode", message: "no GTIN", code: "custom" }],
          });
        }
        key = k;
        existing = await findBarcodeEntry(ctx.tx, parsed, key, (c) => parseBarcode(c, options), true);
      }
      const entry: BarcodeEntry = { key, barcode: input.barcode.trim(), sku: input.sku, unit };
      if (existing !== undefined) {
        if (existing.data.sku === entry.sku && existing.data.unit === entry.unit) return { result: existing.data };
        throw new StorekeepError("ALREADY_EXISTS", `Barcode "${input.barcode}" already stands for ${existing.data.sku}${existing.data.unit === null ? "" : ` (${existing.data.unit})`}; remove it with inventory.removeBarcode first to reassign it.`, {
          barcode: input.barcode,
          sku: existing.data.sku,
        });
      }
      await ctx.tx.documents.put(BARCODES, key, entry, 0);
      return { result: entry };
    },
  });
}
