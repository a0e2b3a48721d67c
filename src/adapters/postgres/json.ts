import { InvariantError, StorekeepError } from "../../kernel/errors.js";
import type { Json } from "../../ports/storage.js";
import { isStorableText } from "./sql.js";

/*
 * JSON goes into `json` columns as the exact text JSON.stringify makes and comes back
 * through JSON.parse, so a value round-trips verbatim (key order included). Checked like
 * the memory store: no U+0000 and no lone surrogate in strings or keys (PostgreSQL's JSON
 * operators refuse them), finite numbers, plain objects and arrays only.
 */

/**
 * The JSON text of `value`, after checking it is storable.
 *
 * @example
 * ```ts
 * toJsonText({ amount: "1.50" }, "document data"); // '{"amount":"1.50"}'
 * ```
 */
export function toJsonText(value: Json, what: string): string {
  check(value, what);
  return JSON.stringify(value);
}

function check(value: unknown, path: string): void {
  switch (typeof value) {
    case "string":
      if (!isStorableText(value)) throw unstorable(path);
      return;
    case "number":
      if (!Number.isFinite(value)) throw new InvariantError(`${path} is not JSON (the number ${value}); store decimals as canonical strings`);
      return;
    case "boolean":
      return;
    case "undefined":
      return;
    case "object": {
      if (value === null) return;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) check(value[i], `${path}[${i}]`);
        return;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new InvariantError(`${path} is not JSON (an instance of ${(value as { constructor?: { name?: string } }).constructor?.name ?? "a class"}); store decimals as canonical strings and instants as ISO strings`);
      }
      for (const key of Object.keys(value)) {
        if (!isStorableText(key)) throw unstorable(`${path} (a key)`);
        check((value as Record<string, unknown>)[key], `${path}.${key}`);
      }
      return;
    }
    default:
      throw new InvariantError(`${path} is not JSON (a ${typeof value})`);
  }
}

function unstorable(path: string): StorekeepError {
  return new StorekeepError("VALIDATION_FAILED", `${path} contains U+0000 or a lone surrogate, which no store can keep; remove it.`, {
    issues: [{ path, message: "contains U+0000 or a lone surrogate", code: "custom" }],
  });
}
