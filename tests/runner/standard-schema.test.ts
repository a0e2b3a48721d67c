/**
 * Commands take any Standard Schema, not only zod 4: a host on zod 3 (whose schemas have
 * `~standard` but no `_zod`), valibot or a hand-written validator defines its own commands.
 * The `@ts-expect-error` lines fail `npm run typecheck` if the input stops being typed.
 */
import { describe, expect, it } from "vitest";
import { type StandardSchemaV1, createStorekeep, defineCommand, isStorekeepError, memoryStore } from "../../src/index.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

interface Ping {
  readonly sku: string;
  readonly quantity: number;
}

/** A hand-written validator; `vendor: "zod"` without `_zod` is what a zod 3 schema looks like. */
function pingSchema(vendor: string, async: boolean): StandardSchemaV1<Ping, Ping & { readonly checked: true }> {
  const check = (value: unknown): StandardSchemaV1.Result<Ping & { readonly checked: true }> => {
    const v = value as Partial<Ping> | null;
    const issues: StandardSchemaV1.Issue[] = [];
    if (typeof v?.sku !== "string" || v.sku === "") issues.push({ message: "a non-empty SKU", path: [{ key: "sku" }] });
    if (typeof v?.quantity !== "number" || !(v.quantity > 0)) issues.push({ message: "a positive quantity", path: ["quantity"] });
    return issues.length > 0 ? { issues } : { value: { sku: v!.sku!, quantity: v!.quantity!, checked: true } };
  };
  return { "~standard": { version: 1, vendor, validate: async ? (value) => Promise.resolve(check(value)) : check, types: { input: { sku: "", quantity: 0 }, output: { sku: "", quantity: 0, checked: true } } } };
}

function shop() {
  return createStorekeep({ store: memoryStore(), clock: new ManualClock("2026-11-27T09:00:00Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" } });
}

for (const [vendor, async] of [["zod", false], ["valibot", true]] as const) {
  describe(`a command whose input is a Standard Schema (${vendor}, ${async ? "async" : "sync"} validate)`, () => {
    const calls: Ping[] = [];
    const ping = defineCommand({
      name: "host.ping",
      input: pingSchema(vendor, async),
      async handle(_ctx, input) {
        // The handler sees the schema's output type.
        const checked: true = input.checked;
        calls.push(input);
        return { result: { sku: input.sku, quantity: input.quantity, checked } };
      },
    });

    it("runs with the validated output, once per idempotency key", async () => {
      const sk = shop();
      calls.length = 0;
      const first = await sk.run(ping, { sku: "MUG", quantity: 2 }, { idempotencyKey: "k1" });
      const replay = await sk.run(ping, { sku: "MUG", quantity: 2 }, { idempotencyKey: "k1" });
      expect(first).toEqual({ sku: "MUG", quantity: 2, checked: true });
      expect(replay).toEqual(first);
      expect(calls).toHaveLength(1);
      // @ts-expect-error the input type comes from the schema: quantity is a number
      await expect(sk.run(ping, { sku: "MUG", quantity: "2" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    });

    it("turns the schema's issues into VALIDATION_FAILED with paths, and nothing runs", async () => {
      const sk = shop();
      calls.length = 0;
      const error = await sk.run(ping, { sku: "", quantity: -1 }).catch((e: unknown) => e);
      expect(isStorekeepError(error)).toBe(true);
      expect(error).toMatchObject({ code: "VALIDATION_FAILED", details: { issues: [{ path: "sku", message: "a non-empty SKU" }, { path: "quantity", message: "a positive quantity" }] } });
      expect((error as Error).message).toContain("host.ping");
      expect(calls).toHaveLength(0);
    });
  });
}
