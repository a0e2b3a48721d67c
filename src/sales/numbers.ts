import type { CommandContext } from "../runner/command.js";
import type { SalesSettings } from "./options.js";

/** The next legal number of an invoice or credit note (the series of the document's year), allocated in the command's transaction. */
export async function allocateNumber(ctx: CommandContext, settings: SalesSettings, kind: "invoice" | "credit-note"): Promise<string> {
  const year = Number(ctx.today.slice(0, 4));
  const prefix = kind === "invoice" ? settings.invoicePrefix : settings.creditNotePrefix;
  const allocated = await settings.seams.allocateDocumentNumber(ctx.tx, { documentType: kind, year, prefix });
  return allocated.number;
}
