import type { JsonObject } from "../ports/storage.js";
import { defineCommand } from "../runner/command.js";
import { canonicalJson, sha256Hex } from "../runner/hash.js";
import { entryToJson, journalEntrySchema, resolveLines } from "./journal-entry.js";
import type { FinanceSettings } from "./settings.js";
import { commandSource, entryByKey, postDraft, ratesFor } from "./post-draft.js";


/**
 * Posts a journal entry (balanced, in open periods, on postable accounts); an entry `key` makes a repeat return the first entry.
 *
 * @example
 * ```ts
 * const postEntry = postEntryCommand(resolveFinanceOptions());
 * await runtime.execute(postEntry, { date: "2026-03-02", lines: [{ account: "1000", debit: "10" }, { account: "4000", credit: "10" }] });
 * ```
 */
export function postEntryCommand(settings: FinanceSettings) {
  return defineCommand({
    name: "finance.postEntry",
    input: journalEntrySchema,
    async handle(ctx, input) {
      const hash = input.key === undefined ? undefined : sha256Hex(canonicalJson(input));
      if (input.key !== undefined) {
        const earlier = await entryByKey(ctx, input.key, hash!);
        if (earlier !== undefined) return { result: earlier as unknown as JsonObject };
      }
      const { kernel, stored } = resolveLines(input.lines, ctx.config.functionalCurrency, ctx.config.rounding, await ratesFor(ctx, input));
      const lines = kernel.map((line, i) => ({ ...line, ...(stored[i]!.rate === null ? {} : { rate: stored[i]!.rate! }), ...(stored[i]!.memo === undefined ? {} : { memo: stored[i]!.memo! }) }));
      const entry = await postDraft(ctx, settings, {
        date: input.date,
        domain: input.domain ?? "general",
        kind: "standard",
        memo: input.memo ?? null,
        key: input.key ?? null,
        ...(hash === undefined ? {} : { keyHash: hash }),
        source: commandSource(ctx),
        reversalOf: null,
        lines,
      });
      return { result: entryToJson(entry) };
    },
  });
}
