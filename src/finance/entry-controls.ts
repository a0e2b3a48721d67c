import { StorekeepError } from "../kernel/errors.js";
import type { JournalEntry } from "./journal-entry.js";
import type { FinanceSettings } from "./settings.js";

/*
 * Controls on manual entries: control accounts take only their documents' postings, an
 * automatic entry is corrected through its source document, and a reversal is final.
 */

/**
 * Refuses a manual entry that touches a control account (`CONTROL_ACCOUNT`, naming the
 * accounts and the setting that allows them).
 *
 * @example
 * ```ts
 * checkManualEntry(settings, [{ account: "1200" }, { account: "4100" }]); // throws CONTROL_ACCOUNT
 * ```
 */
export function checkManualEntry(settings: FinanceSettings, lines: readonly { readonly account: string }[]): void {
  if (settings.controlAccounts.size === 0) return;
  const hit: string[] = [];
  const paths: string[] = [];
  lines.forEach((line, index) => {
    if (settings.controlAccounts.has(line.account)) {
      if (!hit.includes(line.account)) hit.push(line.account);
      paths.push(`lines[${index}].account`);
    }
  });
  if (hit.length === 0) return;
  const names = hit.map((code) => `${code} (${settings.chart.byCode.get(code)?.name ?? code})`).join(", ");
  throw new StorekeepError(
    "CONTROL_ACCOUNT",
    `${names} ${hit.length > 1 ? "are control accounts" : "is a control account"}: ${hit.length > 1 ? "their balances belong" : "its balance belongs"} to the documents behind ${hit.length > 1 ? "them" : "it"} (stock, invoices, bills, payments, tax). Record the document instead, or allow manual entries with FinanceOptions.allowManualEntries.`,
    { accounts: hit, paths },
  );
}

/**
 * Refuses to reverse an entry that cannot be: a year-end close (close again instead), a
 * reversal (post the entry again instead: a reversal is final), or an entry a posting
 * rule booked from an event (correct its source document: a credit note, a return, a
 * revaluation). Throws `INVALID_TRANSITION`.
 *
 * @example
 * ```ts
 * checkReversible(entry); // throws for a reversal
 * ```
 */
export function checkReversible(entry: JournalEntry): void {
  if (entry.kind === "closing") {
    throw new StorekeepError("INVALID_TRANSITION", `Entry ${entry.entryId} is a year-end close; post a correcting entry and close the year again instead of reversing it.`, { entryId: entry.entryId, kind: entry.kind });
  }
  if (entry.kind === "reversal") {
    throw new StorekeepError("INVALID_TRANSITION", `Entry ${entry.entryId} is a reversal (of ${entry.reversalOf ?? "an entry"}); a reversal cannot be reversed. Post the original entry again if it was right after all.`, {
      entryId: entry.entryId,
      kind: entry.kind,
      reversalOf: entry.reversalOf,
    });
  }
  if (entry.source.kind === "event") {
    throw new StorekeepError(
      "INVALID_TRANSITION",
      `Entry ${entry.entryId} was posted automatically from ${entry.source.eventType} ${entry.source.eventId} (${entry.source.aggregateType} ${entry.source.aggregateId}); correct it through its source document (a credit note, a return, a revaluation, an adjustment), not by reversing the entry.`,
      { entryId: entry.entryId, eventId: entry.source.eventId, eventType: entry.source.eventType },
    );
  }
}
