import { z } from "zod";
import { isStorekeepError } from "../kernel/errors.js";
import { defineLibraryCommand } from "../runner/library.js";
import { BARCODES, type BarcodeEntry, barcodeKey, findBarcodeEntry, internalKey } from "./barcode-lookup.js";
import { type ParsedBarcode, parseBarcode } from "./barcodes.js";
import type { InventorySettings } from "./options.js";
import { strictInput } from "../kernel/strict-input.js";

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
    input: strictInput({ barcode: z.string().min(1).max(200) }),
    async handle(ctx, input) {
      const options = { today: ctx.today, ...(settings.inStoreLayouts === undefined ? {} : { inStore: settings.inStoreLayouts }) };
      let found: { readonly key: string; readonly data: BarcodeEntry; readonly version: number } | undefined;
      let parsed: ParsedBarcode | undefined;
      try {
        parsed = parseBarcode(input.barcode, options);
      } catch (error) {
        if (!isStorekeepError(error)) throw error;
      }
      const key = parsed === undefined ? undefined : barcodeKey(parsed);
      if (parsed !== undefined && key !== undefined) found = await findBarcodeEntry(ctx.tx, parsed, key, (c) => parseBarcode(c, options), true);
      if (found === undefined) {
        const internal = await ctx.tx.documents.getForUpdate<BarcodeEntry>(BARCODES, internalKey(input.barcode));
        if (internal !== undefined) found = { key: internalKey(input.barcode), data: internal.data, version: internal.version };
      }
      if (found !== undefined) {
        await ctx.tx.documents.delete(BARCODES, found.key, found.version);
        return { result: { barcode: input.barcode, removed: true as boolean, sku: found.data.sku as string | null } };
      }
      return { result: { barcode: input.barcode, removed: false as boolean, sku: null as string | null } };
    },
  });
}
