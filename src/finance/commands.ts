import { closeYearCommand } from "./close-year.js";
import { revalueCommand } from "./revalue.js";
import { writeOffCommand } from "./write-off.js";
import { runDunningCommand } from "./dunning.js";
import { allocateCreditCommand } from "./allocate-credit.js";
import { defineAccountCommand } from "./define-account.js";
import { hardLock } from "./hard-lock.js";
import { lockPeriod } from "./lock-period.js";
import { postEntryCommand } from "./post-entry.js";
import { reverseEntryCommand } from "./reverse-entry.js";
import type { FinanceSettings } from "./settings.js";
import { unlockPeriod } from "./unlock-period.js";

/**
 * The finance commands bound to resolved settings (each is defined in a file of its own).
 *
 * @example
 * ```ts
 * const commands = financeCommands(resolveFinanceOptions());
 * await runtime.execute(commands.postEntry, entry, { idempotencyKey: "je-1" });
 * ```
 */
export function financeCommands(settings: FinanceSettings) {
  return {
    postEntry: postEntryCommand(settings),
    reverseEntry: reverseEntryCommand(settings),
    defineAccount: defineAccountCommand(settings),
    lockPeriod,
    unlockPeriod,
    hardLock,
    closeYear: closeYearCommand(settings),
    revalue: revalueCommand(settings),
    writeOff: writeOffCommand(settings),
    allocate: allocateCreditCommand(settings),
    runDunning: runDunningCommand(settings),
  };
}
