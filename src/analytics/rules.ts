import { StorekeepError, isStorekeepError } from "../kernel/errors.js";
import { type LocalDate, addDays, localDateOf } from "../kernel/local-date.js";
import type { Json, JsonObject } from "../ports/storage.js";
import type { Runtime } from "../runner/runner.js";
import { ANALYTICS_STORE } from "./facts.js";

/**
 * When a rule is due: once per slot of `everyMinutes` minutes (UTC), per hour (UTC), per
 * business day, per ISO week (business days, Monday to Sunday), or once after each month
 * ends (`month-end`: the slot is the month that ended, run at the first tick in the next one).
 *
 * @example
 * ```ts
 * const s: RuleSchedule = { everyMinutes: 5 };
 * ```
 */
export type RuleSchedule = "hourly" | "daily" | "weekly" | "month-end" | { readonly everyMinutes: number };

/**
 * What a rule's run sees. `idempotencyKey` is unique to the rule and slot: pass it to the
 * commands the rule runs, so a slot retried after a crash replays instead of acting twice.
 *
 * @example
 * ```ts
 * async run(ctx) { return sk.inventory.expireReservations({}, { idempotencyKey: ctx.idempotencyKey }); }
 * ```
 */
export interface AutomationContext {
  readonly rule: string;
  readonly slot: string;
  /** The tick's instant, read once from the clock. */
  readonly now: Date;
  /** The business date of `now` in the shop's time zone. */
  readonly today: LocalDate;
  readonly idempotencyKey: string;
  /** Reports progress of long work (done out of total). */
  readonly onProgress: (progress: { done: number; total: number }) => void;
}

/**
 * A scheduled rule: a name, a schedule and the work. The work must be idempotent for its slot
 * (run commands under `ctx.idempotencyKey`); its JSON result is recorded with the slot.
 *
 * @example
 * ```ts
 * const nightly: AutomationRule = { name: "acme.nightly-export", schedule: "daily", async run(ctx) { return { exported: ctx.today }; } };
 * ```
 */
export interface AutomationRule {
  readonly name: string;
  readonly schedule: RuleSchedule;
  run(ctx: AutomationContext): Promise<Json | void>;
}

/**
 * What one rule did at a tick.
 *
 * @example
 * ```ts
 * const r: RuleRun = { rule: "inventory.expire-holds", slot: "2026-03-02T10:05Z", status: "ran", result: { expired: 3 } };
 * ```
 */
export interface RuleRun {
  readonly rule: string;
  readonly slot: string;
  /** `ran`; `skipped` (this slot already ran); `failed` (retried at the next tick). */
  readonly status: "ran" | "skipped" | "failed";
  readonly result?: Json;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * Progress of a tick or a rule's long work.
 *
 * @example
 * ```ts
 * const p: RuleProgress = { done: 2, total: 5, rule: "inventory.low-stock-alerts" };
 * ```
 */
export interface RuleProgress {
  readonly done: number;
  readonly total: number;
  readonly rule: string;
  /** The rule's own progress within its work, when it reports it. */
  readonly within?: { readonly done: number; readonly total: number };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * The slot a schedule puts an instant in (see {@link RuleSchedule}).
 *
 * @example
 * ```ts
 * slotOf("daily", new Date("2026-03-02T23:30:00Z"), "Europe/Berlin"); // "2026-03-03"
 * slotOf("month-end", new Date("2026-04-01T06:00:00Z"), "UTC"); // "2026-03"
 * slotOf({ everyMinutes: 15 }, new Date("2026-03-02T10:07:00Z"), "UTC"); // "2026-03-02T10:00Z"
 * ```
 */
export function slotOf(schedule: RuleSchedule, now: Date, timeZone: string): string {
  if (typeof schedule === "object") {
    const minutes = Math.floor(now.getTime() / 60_000);
    const start = new Date((minutes - (minutes % schedule.everyMinutes)) * 60_000);
    return `${start.toISOString().slice(0, 16)}Z`;
  }
  if (schedule === "hourly") return `${now.toISOString().slice(0, 13)}Z`;
  const today = localDateOf(now, timeZone);
  if (schedule === "daily") return today;
  if (schedule === "weekly") {
    const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
    return `week of ${addDays(today, -weekday)}`;
  }
  const [y, m] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  return m === 1 ? `${pad(y - 1, 4)}-12` : `${pad(y, 4)}-${pad(m - 1)}`;
}

/**
 * Checks a rule (`VALIDATION_FAILED` naming what to fix).
 *
 * @example
 * ```ts
 * checkRule({ name: "acme.nightly", schedule: "daily", run: async () => {} });
 * ```
 */
export function checkRule(rule: AutomationRule): AutomationRule {
  const bad = (path: string, message: string) => new StorekeepError("VALIDATION_FAILED", `Rule ${String(rule?.name ?? "?").slice(0, 60)}: ${message}`, { issues: [{ path, message, code: "custom" }] });
  if (rule === null || typeof rule !== "object") throw bad("rule", "a rule is an object { name, schedule, run }.");
  if (typeof rule.name !== "string" || !/^[A-Za-z0-9._:-]{1,100}$/.test(rule.name)) throw bad("name", "name must be 1-100 letters, digits or ._:-");
  if (typeof rule.run !== "function") throw bad("run", "run must be an async function (ctx) => result.");
  const s = rule.schedule;
  const ok = s === "hourly" || s === "daily" || s === "weekly" || s === "month-end" || (typeof s === "object" && s !== null && Number.isInteger(s.everyMinutes) && s.everyMinutes >= 1 && s.everyMinutes <= 1_440);
  if (!ok) throw bad("schedule", 'schedule must be "hourly", "daily", "weekly", "month-end" or { everyMinutes: 1..1440 }.');
  return rule;
}

/**
 * What a tick did: the instant it read from the clock and each rule's run.
 *
 * @example
 * ```ts
 * const t: TickResult = { at: "2026-03-02T10:00:00.000Z", runs: [] };
 * ```
 */
export interface TickResult {
  readonly at: string;
  readonly runs: readonly RuleRun[];
}

/**
 * Runs every rule that is due: reads the clock once, skips each rule whose slot already ran
 * (a record per rule and slot in `analytics.rule-runs`, written after the rule succeeds), runs
 * the others in order and records them. A failing rule is reported and retried at the next
 * tick; the other rules still run. Missed slots are not replayed: a daily rule that was not
 * ticked for three days runs once, for today.
 *
 * @example
 * ```ts
 * const { runs } = await tickRules(runtime, rules, { onProgress: (p) => console.log(`${p.done}/${p.total}`) });
 * ```
 */
export async function tickRules(runtime: Runtime, rules: readonly AutomationRule[], options: { readonly onProgress?: (progress: RuleProgress) => void } = {}): Promise<TickResult> {
  await runtime.ready();
  const now = runtime.clock.now();
  const today = localDateOf(now, runtime.config.timeZone);
  const runs: RuleRun[] = [];
  let done = 0;
  const total = rules.length;
  for (const rule of rules) {
    const slot = slotOf(rule.schedule, now, runtime.config.timeZone);
    const id = `${rule.name}|${slot}`;
    const seen = await runtime.read((tx) => tx.documents.get(ANALYTICS_STORE.ruleRuns, id));
    if (seen !== undefined) {
      runs.push({ rule: rule.name, slot, status: "skipped" });
    } else {
      try {
        const result = (await rule.run({
          rule: rule.name,
          slot,
          now,
          today,
          idempotencyKey: `rule:${rule.name}:${slot}`,
          onProgress: (within) => options.onProgress?.({ done, total, rule: rule.name, within }),
        })) ?? null;
        const recorded = await runtime
          .read((tx) => tx.documents.put(ANALYTICS_STORE.ruleRuns, id, { rule: rule.name, slot, ranAt: now.toISOString(), result } as JsonObject, 0))
          .then(() => true)
          .catch((error: unknown) => {
            if (isStorekeepError(error) && (error.code === "CONCURRENCY_CONFLICT" || error.code === "ALREADY_EXISTS")) return false; // another tick recorded it
            throw error;
          });
        runs.push(recorded ? { rule: rule.name, slot, status: "ran", result } : { rule: rule.name, slot, status: "skipped" });
      } catch (error) {
        runs.push({ rule: rule.name, slot, status: "failed", error: { code: isStorekeepError(error) ? error.code : "RULE_FAILED", message: error instanceof Error ? error.message : String(error) } });
      }
    }
    done++;
    options.onProgress?.({ done, total, rule: rule.name });
  }
  return { at: now.toISOString(), runs };
}
