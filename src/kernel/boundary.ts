import { withArticle } from "./article.js";
import { StorekeepError, isInvariantError, isStorekeepError } from "./errors.js";
import { refuseUnknownKeys } from "./strict-input.js";

/*
 * The public boundary: every argument a host passes to a facade, module API, events API or
 * adapter factory is checked for its shape and copied into plain data before any code
 * reads it, so `null`, non-arrays, hostile getters, proxies, odd prototypes and own
 * `constructor` or `__proto__` properties become `VALIDATION_FAILED`, never a raw TypeError.
 */

/**
 * The shape of one argument of a public method.
 * - `"input"`: a plain object (copied);
 * - `"input?"`: a plain object or `undefined`;
 * - `"options?"`: command options (`idempotencyKey`, `correlationId`) or `undefined`;
 * - `"number?"`: a count (a limit, a most-events-per-run): a non-negative whole number, or `undefined`;
 * - `"string"`, `"string|null"`, `"function"`, `"any"` (copied);
 * - a {@link QueryShape} (see {@link query}): a query object whose keys must be known ones.
 *
 * @example
 * ```ts
 * const receive: readonly ArgShape[] = ["input", "options?"];
 * ```
 */
export type ArgShape = "input" | "input?" | "options?" | "string" | "string|null" | "number?" | "function" | "any" | QueryShape;

/**
 * A query or report object: a plain object (copied) whose keys must be among `keys`; an
 * unknown key is `VALIDATION_FAILED` naming it and the key it resembles (a misspelled
 * filter must not answer as if it were absent). `optional`: `undefined` is accepted too.
 *
 * @example
 * ```ts
 * const onHand: QueryShape = { keys: ["sku", "warehouseId", "asOf"], optional: true };
 * ```
 */
export interface QueryShape {
  readonly keys: readonly string[];
  readonly optional?: boolean;
}

/**
 * The {@link ArgShape} of a query object with these keys (`"input?"`-like when `optional`).
 *
 * @example
 * ```ts
 * const shapes: ApiShapes = { methods: { onHand: [query(["sku", "asOf"], true)] } };
 * ```
 */
export function query(keys: readonly string[], optional = false): QueryShape {
  return Object.freeze({ keys: Object.freeze([...keys]), optional });
}

/**
 * The argument shapes of an API's methods; `sync` lists the methods that return no promise.
 *
 * @example
 * ```ts
 * const shapes: ApiShapes = { methods: { receive: ["input", "options?"], layers: ["string"] } };
 * ```
 */
export interface ApiShapes {
  readonly methods: Readonly<Record<string, readonly ArgShape[]>>;
  readonly sync?: readonly string[];
}

const MAX_DEPTH = 64;
const MAX_NODES = 1_000_000;

function invalid(path: string, message: string): StorekeepError {
  return new StorekeepError("VALIDATION_FAILED", `${path} ${message}.`, { issues: [{ path, message, code: "custom" }] });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : value === undefined ? "undefined" : withArticle(typeof value);
}

/** Values whose prototype marks them as data the domain understands (kept as they are). */
function isKeptInstance(value: object): boolean {
  if (value instanceof Date) return true;
  // storekeep's Decimal and Money clones, and bigint boxes, are immutable values.
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return name === "Decimal" || name === "Money";
}

/**
 * A deep copy of `value` as plain data: arrays by index, objects by their own enumerable
 * string keys (an own `__proto__` or `constructor` stays a plain key), Dates and decimals as
 * they are, functions as they are. Anything unreadable (a throwing getter, a revoked proxy),
 * a cycle or nesting deeper than 64 levels is `VALIDATION_FAILED` naming the path.
 *
 * @example
 * ```ts
 * const input = plainInput(untrusted, "receive input");
 * ```
 */
export function plainInput(value: unknown, path: string): unknown {
  // The path of the value being copied is kept as a stack of keys and spelled out only when
  // something is wrong: building it for every value cost more than the copy itself.
  const keys: (string | number)[] = [];
  const ancestors: object[] = [];
  let nodes = 0;
  const here = (): string => pathOf(path, keys);
  const copy = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (depth > MAX_DEPTH) throw invalid(here(), `nests deeper than ${MAX_DEPTH} levels`);
    if (++nodes > MAX_NODES) throw invalid(path, `holds more than ${MAX_NODES} values`);
    if (ancestors.includes(v)) throw invalid(here(), "refers to itself (a cycle); pass plain data");
    try {
      if (Array.isArray(v)) {
        ancestors.push(v);
        const length = v.length;
        const out: unknown[] = new Array(length);
        for (let i = 0; i < length; i++) {
          keys.push(i);
          out[i] = copy(v[i], depth + 1);
          keys.pop();
        }
        ancestors.pop();
        return out;
      }
      if (isKeptInstance(v)) return v;
      ancestors.push(v);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        keys.push(key);
        const item = copy((v as Record<string, unknown>)[key], depth + 1);
        keys.pop();
        // An own "__proto__" key stays a plain key (assigning it would set the prototype).
        if (key === "__proto__") Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
        else out[key] = item;
      }
      ancestors.pop();
      return out;
    } catch (error) {
      if (isStorekeepError(error)) throw error;
      throw invalid(here(), `could not be read (${error instanceof Error ? error.message : String(error)}); pass plain data`);
    }
  };
  try {
    return copy(value, 0);
  } catch (error) {
    if (isStorekeepError(error)) throw error;
    throw invalid(path, `could not be read (${error instanceof Error ? error.message : String(error)}); pass plain data`);
  }
}

/** `path` followed by `.key` and `[index]` for each key on the stack. */
function pathOf(path: string, keys: readonly (string | number)[]): string {
  let out = path;
  for (const key of keys) out += typeof key === "number" ? `[${key}]` : `.${key}`;
  return out;
}

/**
 * Checks one argument against its shape and returns its plain copy.
 *
 * @example
 * ```ts
 * const input = checkArg(arg, "input", "inventory.receive input");
 * ```
 */
export function checkArg(value: unknown, shape: ArgShape, path: string): unknown {
  try {
    return checkArgShape(value, shape, path);
  } catch (error) {
    if (isStorekeepError(error)) throw error;
    // A revoked proxy throws even from Array.isArray.
    throw invalid(path, `could not be read (${error instanceof Error ? error.message : String(error)}); pass plain data`);
  }
}

function checkArgShape(value: unknown, shape: ArgShape, path: string): unknown {
  if (typeof shape === "object") {
    if (value === undefined && shape.optional === true) return value;
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalid(path, `must be an object${shape.optional === true ? " or left out" : ""}, got ${describe(value)}`);
    const copy = plainInput(value, path);
    refuseUnknownKeys(copy, shape.keys, path);
    return copy;
  }
  switch (shape) {
    case "function":
      if (typeof value !== "function") throw invalid(path, `must be a function, got ${describe(value)}`);
      return value;
    case "string":
      if (typeof value !== "string") throw invalid(path, `must be a string, got ${describe(value)}`);
      return value;
    case "string|null":
      if (value !== null && typeof value !== "string") throw invalid(path, `must be a string or null, got ${describe(value)}`);
      return value;
    case "number?":
      // Every such argument is a count: a fraction or a negative reached the store's readEvents as an invariant failure.
      if (value !== undefined && (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)) throw invalid(path, `must be a whole number of 0 or more, or left out; got ${typeof value === "number" ? String(value) : describe(value)}`);
      return value;
    case "input?":
    case "input": {
      if (value === undefined && shape === "input?") return value;
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalid(path, `must be an object, got ${describe(value)}`);
      return plainInput(value, path);
    }
    case "options?": {
      if (value === undefined) return value;
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalid(path, `must be an object ({ idempotencyKey?, correlationId? }) or left out, got ${describe(value)}`);
      const options = plainInput(value, path) as Record<string, unknown>;
      for (const key of ["idempotencyKey", "correlationId"]) {
        const v = options[key];
        if (v !== undefined && typeof v !== "string") throw invalid(`${path}.${key}`, `must be a string, got ${describe(v)}`);
      }
      return options;
    }
    default:
      return plainInput(value, path);
  }
}

/**
 * Wraps every method of `api` so that its arguments are checked against `shapes` and
 * copied into plain data first (methods without shapes get every argument copied). A
 * failure is `VALIDATION_FAILED`, thrown by sync methods and rejected by async ones; an async
 * method's own synchronous throw is turned into a rejection as well.
 *
 * @example
 * ```ts
 * const inventory = hardenApi(createInventoryApi(runtime), "inventory", { methods: { receive: ["input", "options?"] } });
 * ```
 */
export function hardenApi<T extends object>(api: T, name: string, shapes: ApiShapes): T {
  const out: Record<string, unknown> = {};
  const sync = new Set(shapes.sync ?? []);
  for (const key of Object.keys(api)) {
    const member = (api as Record<string, unknown>)[key];
    if (typeof member !== "function") {
      out[key] = member;
      continue;
    }
    const fn = member as (...args: unknown[]) => unknown;
    const argShapes = shapes.methods[key];
    const checked = (args: unknown[]): unknown[] => {
      if (argShapes === undefined) return args.map((a, i) => plainInput(a, `${name}.${key} argument ${i + 1}`));
      // Arguments past the declared ones are ignored, as the method ignores them.
      return argShapes.map((shape, i) => checkArg(args[i], shape, `${name}.${key} argument ${i + 1}`));
    };
    out[key] = sync.has(key)
      ? (...args: unknown[]) => fn.apply(api, checked(args))
      : (...args: unknown[]) => {
          let safe: unknown[];
          try {
            safe = checked(args);
          } catch (error) {
            return Promise.reject(error);
          }
          // A method that refuses before its first await (a report's query checked up front)
          // rejects too: a host's `.catch()` never meets a synchronous throw from an async call.
          try {
            return fn.apply(api, safe);
          } catch (error) {
            return Promise.reject(error);
          }
        };
  }
  return out as T;
}

/**
 * True for the only errors storekeep lets escape a public entry point.
 *
 * @example
 * ```ts
 * expect(isStorekeepFailure(error)).toBe(true);
 * ```
 */
export function isStorekeepFailure(error: unknown): boolean {
  return isStorekeepError(error) || isInvariantError(error);
}
