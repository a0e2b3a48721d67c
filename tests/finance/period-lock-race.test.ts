import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * Postings racing soft and hard locks on the memory store, interleaved by fast-check's
 * scheduler: a posting that starts after a lock covering its date has committed is always
 * refused (PERIOD_LOCKED), and no posting ever lands on or before a hard lock that committed
 * before it started. (The real-server version, where transactions overlap, is
 * period-lock-race.int.test.ts.)
 */

const dates = ["2026-02-10", "2026-02-28", "2026-03-05", "2026-03-31", "2026-04-02"];

const operation = fc.oneof(
  fc.record({ kind: fc.constant("post" as const), date: fc.constantFrom(...dates) }),
  fc.record({ kind: fc.constantFrom("lockPeriod" as const, "hardLock" as const), through: fc.constantFrom(...dates) }),
);

describe("period locks under concurrency (memory store, scheduled)", () => {
  it("a posting never lands on or before a soft or hard lock that committed before it started, whatever the interleaving", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(operation, { minLength: 2, maxLength: 12 }), async (s, operations) => {
        const sk = createStorekeep({ clock: new ManualClock("2026-04-15T12:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
        await sk.ready();
        let committedThrough = "";
        const violations: string[] = [];
        const calls = operations.map((op, i) =>
          s.schedule(Promise.resolve(i), `${i}: ${JSON.stringify(op)}`).then(async () => {
            if (op.kind === "post") {
              const lockedWhenStarted = committedThrough;
              const outcome = await sk.finance.postEntry({ date: op.date, lines: [{ account: "1100", debit: "1" }, { account: "3100", credit: "1" }] }).then(
                () => "posted",
                (e: unknown) => (isStorekeepError(e) ? e.code : `raw ${String(e)}`),
              );
              if (outcome === "posted" && op.date <= lockedWhenStarted) violations.push(`posting ${op.date} landed though ${lockedWhenStarted} was locked before it started`);
              if (outcome !== "posted" && outcome !== "PERIOD_LOCKED") violations.push(`posting ${op.date}: ${outcome}`);
            } else {
              const done = await (op.kind === "hardLock" ? sk.finance.hardLock({ through: op.through }) : sk.finance.lockPeriod({ through: op.through })).then(
                () => "locked",
                (e: unknown) => (isStorekeepError(e) ? e.code : `raw ${String(e)}`),
              );
              if (done === "locked" && op.through > committedThrough) committedThrough = op.through;
              // A hard lock never moves back: an earlier one is INVALID_TRANSITION.
              if (done !== "locked" && done !== "INVALID_TRANSITION") violations.push(`${op.kind} ${op.through}: ${done}`);
            }
          }),
        );
        await s.waitAll();
        await Promise.all(calls);
        expect(violations).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
