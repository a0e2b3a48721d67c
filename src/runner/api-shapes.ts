import type { ApiShapes } from "../kernel/boundary.js";

/*
 * The argument shapes of the events API and its consumers (see src/kernel/boundary.ts): a method
 * missing here still gets its arguments copied into plain data; add its shapes so that
 * `null` or a string where an object belongs is VALIDATION_FAILED naming the argument.
 */

/**
 * Argument shapes of `sk.events` (`consumer` is synchronous).
 *
 * @example
 * ```ts
 * hardenApi(createEventsApi(runtime), "events", EVENTS_SHAPES);
 * ```
 */
export const EVENTS_SHAPES: ApiShapes = {
  methods: {
    read: ["string|null", "number?"],
    consumer: ["string", "function", "input?"],
    runConsumers: ["number?"],
  },
  sync: ["consumer"],
};

/**
 * Argument shapes of a consumer from `sk.events.consumer`.
 *
 * @example
 * ```ts
 * hardenApi(consumer, "consumer", CONSUMER_SHAPES);
 * ```
 */
export const CONSUMER_SHAPES: ApiShapes = {
  methods: { runOnce: ["number?"], position: [] },
};
