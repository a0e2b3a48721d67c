import type { z } from "zod";
import { fastParseOf } from "./fast-parse.js";

/** Brand carried by every {@link StorekeepError}, shared across bundles via the global symbol registry. */
const ERROR_BRAND = Symbol.for("storekeep.error");
/** Brand carried by every {@link InvariantError}. */
const INVARIANT_BRAND = Symbol.for("storekeep.invariant");

/**
 * The stable error codes of storekeep. A code never changes meaning; new codes may be added.
 *
 * @example
 * ```ts
 * import { isStorekeepError } from "storekeep";
 * try { await sk.inventory.reserve(input); }
 * catch (e) { if (isStorekeepError(e) && e.code === "INSUFFICIENT_STOCK") showSoldOut(); }
 * ```
 */
export type StorekeepErrorCode =
  | "VALIDATION_FAILED"
  | "INSUFFICIENT_STOCK"
  | "INVALID_TRANSITION"
  | "UNBALANCED_ENTRY"
  | "PERIOD_LOCKED"
  | "CONCURRENCY_CONFLICT"
  | "IDEMPOTENCY_MISMATCH"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "DUPLICATE_DOCUMENT"
  | "CURRENCY_MISMATCH"
  | "UNKNOWN_CURRENCY"
  | "GUARD_VIOLATED"
  | "ALREADY_REVERSED"
  | "NEGATIVE_HISTORY"
  | "UNSUPPORTED"
  | "STORE_FAILURE"
  | "STORE_UNAVAILABLE"
  | "COMMIT_OUTCOME_UNKNOWN"
  | "CONTROL_ACCOUNT";

/**
 * A failure the caller can act on: bad input, a business rule, a conflict.
 * `code` is stable, `message` says what to fix, `details` holds structured data
 * (for example needed vs available quantities).
 *
 * @example
 * ```ts
 * throw new StorekeepError("INSUFFICIENT_STOCK", "Only 2 of SKU-1 are available; reduce the quantity.", { needed: "3", available: "2" });
 * ```
 */
export class StorekeepError extends Error {
  /** The stable code. */
  readonly code: StorekeepErrorCode;
  /** Structured, JSON-safe details. */
  readonly details: Readonly<Record<string, unknown>>;
  readonly [ERROR_BRAND] = true;

  constructor(code: StorekeepErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StorekeepError";
    this.code = code;
    this.details = Object.freeze({ ...details });
  }

  /** A JSON form for logs and HTTP responses. */
  toJSON(): { name: string; code: StorekeepErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/**
 * A broken internal assumption: a bug in storekeep or a misuse of an internal API,
 * never bad user input.
 *
 * @example
 * ```ts
 * if (layers.length === 0) throw new InvariantError("FIFO issue with no layers");
 * ```
 */
export class InvariantError extends Error {
  readonly [INVARIANT_BRAND] = true;
  constructor(message: string) {
    super(`storekeep invariant violated: ${message}`);
    this.name = "InvariantError";
  }
}

/**
 * True when `e` is a {@link StorekeepError}, even one thrown by a separately bundled copy
 * of storekeep (a different subpath or version), where `instanceof` would fail.
 *
 * @example
 * ```ts
 * if (isStorekeepError(e)) console.log(e.code, e.details);
 * ```
 */
export function isStorekeepError(e: unknown): e is StorekeepError {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[ERROR_BRAND] === true;
}

/**
 * True when `e` is an {@link InvariantError} from any bundle.
 *
 * @example
 * ```ts
 * if (isInvariantError(e)) reportBug(e);
 * ```
 */
export function isInvariantError(e: unknown): e is InvariantError {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[INVARIANT_BRAND] === true;
}

/**
 * Asserts a condition that only a bug can break.
 *
 * @example
 * ```ts
 * invariant(quantity > 0n, "issue quantity must be positive");
 * ```
 */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/**
 * One validation issue, with the path into the input.
 *
 * @example
 * ```ts
 * const issue: ValidationIssue = { path: "lines[0].quantity", message: "must be greater than zero", code: "custom" };
 * ```
 */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
  readonly code: string;
}

/**
 * Turns a zod error into a `VALIDATION_FAILED` {@link StorekeepError} listing every issue's path.
 *
 * @example
 * ```ts
 * const parsed = schema.safeParse(input);
 * if (!parsed.success) throw fromZodError(parsed.error, "order");
 * ```
 */
export function fromZodError(error: z.core.$ZodError, subject = "input"): StorekeepError {
  const issues: ValidationIssue[] = [];
  const lines: string[] = [];
  for (const issue of error.issues) {
    const path = formatPath(issue.path);
    if (issue.code === "unrecognized_keys") {
      // The issue is raised on the object; its message names the keys, each issue's path points at one.
      for (const key of issue.keys) issues.push({ path: formatPath([...issue.path, key]), message: issue.message, code: issue.code });
      lines.push(path === "" ? issue.message : `${path}: ${issue.message}`);
    } else {
      issues.push({ path, message: issue.message, code: issue.code });
      lines.push(`${path || "(root)"}: ${issue.message}`);
    }
  }
  const summary = lines.slice(0, 5).join("; ");
  const more = lines.length > 5 ? ` (and ${lines.length - 5} more)` : "";
  return new StorekeepError("VALIDATION_FAILED", `Invalid ${subject}: ${summary}${more}. Fix these fields and retry.`, { issues });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/**
 * Parses `input` with a zod schema, throwing `VALIDATION_FAILED` (never a zod error) on failure.
 *
 * @example
 * ```ts
 * const amount = parseWith(amountSchema, "12.30", "amount");
 * ```
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, subject = "input"): z.output<S> {
  const fast = fastParseOf(schema);
  if (fast !== undefined) {
    const parsed = fast(input);
    if (parsed !== undefined) return parsed as z.output<S>;
  }
  let result;
  try {
    result = schema.safeParse(input);
  } catch (cause) {
    if (isStorekeepError(cause)) throw cause;
    throw new StorekeepError("VALIDATION_FAILED", `Invalid ${subject}: it could not be read (${String((cause as Error)?.message ?? cause)}).`, {
      issues: [{ path: "", message: "unreadable input", code: "custom" }],
    });
  }
  if (!result.success) throw fromZodError(result.error, subject);
  return result.data;
}
