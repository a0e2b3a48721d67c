import { z } from "zod";
import { currencySchema } from "../kernel/money-schema.js";
import { StorekeepError, parseWith } from "../kernel/errors.js";
import { type LocalDate, addDays } from "../kernel/local-date.js";
import type { CurrencyCode } from "../kernel/currencies.js";
import type { RoundingMode } from "../kernel/decimal.js";

/**
 * Shop-wide settings every module reads.
 *
 * @example
 * ```ts
 * const config: StorekeepConfig = { functionalCurrency: "EUR", timeZone: "Europe/Berlin", rounding: "half-even", maxRetries: 5, maxReactionDepth: 8, idempotencyRetentionDays: 30, futureHorizonDays: 366 };
 * ```
 */
export interface StorekeepConfig {
  /** The currency the books balance in. */
  readonly functionalCurrency: CurrencyCode;
  /** The shop's IANA time zone: business dates are days in this zone. */
  readonly timeZone: string;
  /** The rounding mode money rules use when a rule rounds (valuation, allocation). */
  readonly rounding: RoundingMode;
  /** How many times a command is retried after a `CONCURRENCY_CONFLICT`. */
  readonly maxRetries: number;
  /** How deep reactions may trigger reactions inside one command. */
  readonly maxReactionDepth: number;
  /** How long an idempotency record is kept. */
  readonly idempotencyRetentionDays: number;
  /**
   * How far ahead an effective date may lie: postings, recorded events and every event a
   * command emits may be dated at most this many days after today (default 366). Stock
   * movements are stricter: never after now.
   */
  readonly futureHorizonDays: number;
}

const configSchema = z.object({
  functionalCurrency: currencySchema.default("EUR"),
  timeZone: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, { message: "must be an IANA time zone such as \"Europe/Berlin\"" })
    .default("UTC"),
  rounding: z.enum(["half-up", "half-even", "half-down", "up", "down", "ceil", "floor"]).default("half-even"),
  maxRetries: z.number().int().min(0).max(50).default(5),
  maxReactionDepth: z.number().int().min(1).max(32).default(8),
  idempotencyRetentionDays: z.number().int().min(1).max(3650).default(30),
  futureHorizonDays: z.number().int().min(0).max(36_500).default(366),
});

/**
 * Validates a partial configuration and fills in the defaults (EUR, UTC, half-even, 5 retries).
 *
 * @example
 * ```ts
 * resolveConfig({ functionalCurrency: "GBP" }).timeZone; // "UTC"
 * ```
 */
/**
 * Refuses an effective date further ahead than `config.futureHorizonDays` after `today`
 * (`VALIDATION_FAILED` naming the path and the last allowed date).
 *
 * @example
 * ```ts
 * checkFutureHorizon(config, ctx.today, entry.date, "date"); // throws for "9999-12-31"
 * ```
 */
export function checkFutureHorizon(config: StorekeepConfig, today: string, date: string, path: string): void {
  if (date <= today) return;
  const limit = addDays(today as LocalDate, config.futureHorizonDays);
  if (date > limit) {
    throw new StorekeepError(
      "VALIDATION_FAILED",
      `${path} ${date} is more than ${config.futureHorizonDays} days after today (${today}); date it on or before ${limit}, or raise config.futureHorizonDays.`,
      { issues: [{ path, message: `after the horizon ${limit}`, code: "custom" }], horizon: limit },
    );
  }
}

export function resolveConfig(input: Partial<StorekeepConfig> = {}): StorekeepConfig {
  return Object.freeze(parseWith(configSchema, input, "storekeep config"));
}
