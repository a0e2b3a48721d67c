import type { CommandContext } from "../runner/command.js";
import type { PurchasingSettings } from "./options.js";

/**
 * The next purchase order number of the order date's year (`PO2026-000001`), drawn from
 * finance's gapless numbering in the command's transaction: a command that fails takes its
 * number back with it. Null when the facade wired no numbering.
 */
export async function allocateOrderNumber(ctx: CommandContext, settings: PurchasingSettings, orderDate: string): Promise<string | null> {
  const allocate = settings.functions?.allocateDocumentNumber;
  if (allocate === undefined) return null;
  const allocated = await allocate(ctx.tx, { documentType: "purchase-order", year: Number(orderDate.slice(0, 4)), prefix: settings.numberPrefix });
  return allocated.number;
}
