import { z } from "zod";
import { isStorekeepError } from "../kernel/errors.js";
import { defineLibraryCommand } from "../runner/library.js";
import { BARCODES, type BarcodeEntry, barcodeKey, internalKey } from "./barcode-lookup.js";
import { parseBarcode } from "./barcodes.js";
import type { InventorySettings } from "./options.js";

/**
 * Removes a barcode from the lookup (it may then be assigned to another SKU). Removing an
 * unknown code returns `removed: false`.
 *
 * @example
 * ```ts
 * await runtime.execute(removeBarcodeCommand(settings), { barcode: "4006381333931" });
 * ```
 */
export function removeBarcodeCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.removeBarcode",
    input: z.object({ barcode: z.string().min(1).max(200) }),
    async handle(ctx, input) {
      let key: string | undefined;
      try {
        key = barcodeKey(parseBarcode(input.barcode, { today: ctx.today, ...(settings.inStoreLayouts === undefined ? {} : { inStore: settings.inStoreLayouts }) }));
      } catch (error) {
        if (!isStorekeepError(error)) throw error;
      }
      for (const k of [key, internalKey(input.barcode)]) {
        if (k === undefined) continue;
        const existing = await ctx.tx.documents.getForUpdate<BarcodeEntry>(BARCODES, k);
        if (existing !== undefined) {
          await ctx.tx.documents.delete(BARCODES, k, existing.version);
          return { result: { barcode: input.barcode, removed: true as boolean, sku: existing.data.sku as string | null } };
        }
      }
      return { result: { barcode: input.barcode, removed: false as boolean, sku: null as string | null } };
    },
  });
}
