import type { Clock } from "../ports/clock.js";
import { StorekeepError } from "../kernel/errors.js";

/**
 * A clock for tests: it stands still until told to move.
 *
 * @example
 * ```ts
 * const clock = new ManualClock("2026-11-27T10:00:00.000Z");
 * clock.advance(60_000);
 * clock.now().toISOString(); // "2026-11-27T10:01:00.000Z"
 * ```
 */
export class ManualClock implements Clock {
  private ms: number;

  /** Starts at `start` (a Date, an ISO string or epoch milliseconds). */
  constructor(start: Date | string | number) {
    this.ms = toMs(start);
  }

  /** The current instant (a new Date each call, so callers cannot move the clock). */
  now(): Date {
    return new Date(this.ms);
  }

  /** Moves the clock to `instant` (backwards too: tests of late or back-dated input need it). */
  set(instant: Date | string | number): void {
    this.ms = toMs(instant);
  }

  /** Moves the clock forward by `ms` milliseconds (a negative value moves it back). */
  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new StorekeepError("VALIDATION_FAILED", `advance needs a finite number of milliseconds, got ${ms}.`);
    this.ms += ms;
  }
}

function toMs(instant: Date | string | number): number {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === "number" ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new StorekeepError("VALIDATION_FAILED", `"${String(instant)}" is not an instant; pass a Date, an ISO-8601 string or epoch milliseconds.`);
  return ms;
}
