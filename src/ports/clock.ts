/**
 * The single seam for time. The domain core never reads the system clock directly.
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => new Date("2026-11-27T10:00:00Z") };
 * ```
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/**
 * The system clock (`new Date()`): the default for production use.
 *
 * @example
 * ```ts
 * createStorekeep({ clock: systemClock });
 * ```
 */
export const systemClock: Clock = Object.freeze({ now: () => new Date() });
