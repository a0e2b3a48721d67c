/**
 * The Standard Schema contract (https://standardschema.dev, v1): the small interface zod
 * (3.24+ and 4), valibot, arktype and others implement. Commands take any schema that
 * implements it, so a host on zod 3 (or no zod at all) can define its own commands; the
 * interface is written out here so the public types need no extra package.
 */
import { StorekeepError, type ValidationIssue } from "./errors.js";

/**
 * A schema that validates `unknown` into `Output` and states both types.
 *
 * @example
 * ```ts
 * const positive: StandardSchemaV1<number, number> = {
 *   "~standard": {
 *     version: 1, vendor: "host",
 *     validate: (v) => (typeof v === "number" && v > 0 ? { value: v } : { issues: [{ message: "a positive number" }] }),
 *     types: { input: 0, output: 0 },
 *   },
 * };
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

/** The parts of the Standard Schema contract. @example `StandardSchemaV1.InferOutput<typeof schema>` */
export declare namespace StandardSchemaV1 {
  /** The `~standard` property. @example `schema["~standard"].validate(value)` */
  export interface Props<Input = unknown, Output = Input> {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    readonly types?: Types<Input, Output> | undefined;
  }
  /** A validation result: a value, or issues. @example `{ value: 1 }` */
  export type Result<Output> = SuccessResult<Output> | FailureResult;
  /** A successful validation. @example `{ value: 1 }` */
  export interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  /** A failed validation. @example `{ issues: [{ message: "required" }] }` */
  export interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }
  /** One problem found. @example `{ message: "required", path: ["sku"] }` */
  export interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  /** A path segment as an object. @example `{ key: "sku" }` */
  export interface PathSegment {
    readonly key: PropertyKey;
  }
  /** The input and output types a schema states. @example `{ input: "", output: 0 }` */
  export interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }
  /** The input type of a schema. @example `StandardSchemaV1.InferInput<typeof schema>` */
  export type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["input"];
  /** The output type of a schema. @example `StandardSchemaV1.InferOutput<typeof schema>` */
  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["output"];
}

/**
 * Validates `input` with any Standard Schema, throwing `VALIDATION_FAILED` with each
 * issue's path and message (never the validator's own error type).
 *
 * @example
 * ```ts
 * const value = await validateStandard(positive, 3, "demo.ping");
 * ```
 */
export async function validateStandard<S extends StandardSchemaV1>(schema: S, input: unknown, subject = "input"): Promise<StandardSchemaV1.InferOutput<S>> {
  let result = schema["~standard"].validate(input);
  if (result instanceof Promise) result = await result;
  if (result.issues === undefined) return result.value as StandardSchemaV1.InferOutput<S>;
  const issues: ValidationIssue[] = result.issues.map((issue) => ({ path: formatStandardPath(issue.path), message: issue.message, code: "custom" }));
  const summary = issues.slice(0, 5).map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ");
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : "";
  throw new StorekeepError("VALIDATION_FAILED", `Invalid ${subject}: ${summary}${more}. Fix these fields and retry.`, { issues });
}

function formatStandardPath(path: StandardSchemaV1.Issue["path"]): string {
  let out = "";
  for (const raw of path ?? []) {
    const segment = typeof raw === "object" && raw !== null ? raw.key : raw;
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}
