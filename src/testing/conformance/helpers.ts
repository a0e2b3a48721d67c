import { Decimal, canonicalDecimal, isDecimal } from "../../kernel/decimal.js";
import { isInvariantError, isStorekeepError } from "../../kernel/errors.js";
import type { Store, Transaction } from "../../ports/storage.js";
import type { ConformanceExpect } from "./types.js";

/** The code of a StorekeepError, "INVARIANT" for an InvariantError, else the error's text. */
export function codeOf(error: unknown): string {
  if (isStorekeepError(error)) return error.code;
  if (isInvariantError(error)) return "INVARIANT";
  return `not a storekeep error: ${String(error)}`;
}

/** Awaits `promise`, asserts that it rejected (with `code` when given) and returns the error. */
export async function rejection(expect: ConformanceExpect, promise: Promise<unknown>, code?: string | readonly string[]): Promise<unknown> {
  let error: unknown;
  let rejected = false;
  try {
    await promise;
  } catch (e) {
    error = e;
    rejected = true;
  }
  const wanted = typeof code === "string" ? code : code ? code.join(" or ") : "an error";
  if (!rejected) throw new Error(`expected the store to refuse this call with ${wanted}, but it succeeded.`);
  if (code && !(typeof code === "string" ? [code] : code).includes(codeOf(error))) {
    throw new Error(`expected the store to refuse this call with ${wanted}, but it failed with ${codeOf(error)}${isStorekeepError(error) ? ` ("${error.message}")` : ""}.`);
  }
  expect(rejected).toBe(true);
  return error;
}

/** A record of Decimals as canonical strings (asserting each is a Decimal). */
export function plain(expect: ConformanceExpect, record: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) {
    const value = record[key];
    expect(isDecimal(value)).toBe(true);
    out[key] = canonicalDecimal(new Decimal((value as Decimal).toFixed()));
  }
  return out;
}

/** Canonical string of a decimal text. */
export function dec(text: string | number): string {
  return canonicalDecimal(new Decimal(text));
}

/** A promise settled from outside. */
export interface Gate<T = void> {
  readonly promise: Promise<T>;
  open(value: T): void;
}

/** A new {@link Gate}. */
export function gate<T = void>(): Gate<T> {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Waits `ms` milliseconds (lets other transactions of a concurrent store make progress). */
export function pause(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with a clear message when `promise` does not settle in `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `work` in a transaction, retrying on CONCURRENCY_CONFLICT up to `attempts` times. */
export async function retrying<T>(store: Store, work: (tx: Transaction) => Promise<T>, attempts: number): Promise<{ value: T; conflicts: number }> {
  let conflicts = 0;
  for (;;) {
    try {
      return { value: await store.transaction(work), conflicts };
    } catch (error) {
      if (codeOf(error) !== "CONCURRENCY_CONFLICT" || conflicts + 1 >= attempts) throw error;
      conflicts++;
    }
  }
}

/** Compares strings by UTF-16 code unit, as the contract orders them. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Settled outcomes of promises: values and error codes. */
export async function settle<T>(promises: readonly Promise<T>[]): Promise<{ values: T[]; codes: string[] }> {
  const results = await Promise.allSettled(promises);
  const values: T[] = [];
  const codes: string[] = [];
  for (const r of results) {
    if (r.status === "fulfilled") values.push(r.value);
    else codes.push(codeOf(r.reason));
  }
  return { values, codes };
}

/**
 * Waits (up to ten seconds) until every event in `ids` is readable. A store may make committed
 * events readable a little later — the PostgreSQL adapter holds back events of transactions
 * newer than the oldest one still running anywhere on the server, so nothing ever appears behind
 * a cursor — latency the contract allows (docs/adapters.md, "The events outbox"); loss it does
 * not: after the wait the test's own assertions still fail for an event that never comes. The
 * memory store returns at once.
 */
export async function visible(store: Store, ids: readonly string[]): Promise<void> {
  // A bounded number of polls 20 ms apart rather than a wall-clock deadline (the kit reads no clock).
  for (let tries = 0; tries < 500; tries++) {
    const readable = new Set((await store.readEvents(null, 10_000)).map((e) => e.id));
    if (ids.every((id) => readable.has(id))) return;
    await pause(20);
  }
}
