import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { checkArg, isStorekeepFailure, plainInput } from "../../src/kernel/boundary.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { eventExamples } from "../../src/kernel/index.js";
import { createStorekeep, type Storekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * Every public entry point (the facade, the module APIs, the events API, the adapters'
 * factories) given any argument list — null, primitives, non-arrays, hostile getters,
 * proxies, odd prototypes, own `constructor` / `__proto__` properties, cycles — throws
 * only a StorekeepError (VALIDATION_FAILED for bad shapes) or an InvariantError.
 */

function shop(): Storekeep {
  return createStorekeep({ clock: new ManualClock("2026-03-31T12:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
}

async function outcome(call: () => unknown): Promise<unknown> {
  try {
    const result = call();
    await result;
    return "ok";
  } catch (error) {
    return error;
  }
}

function throwingGetter(): object {
  return Object.defineProperty({}, "sku", {
    enumerable: true,
    get() {
      throw new TypeError("hostile getter");
    },
  });
}

const hostileValues: (() => unknown)[] = [
  () => null,
  () => undefined,
  () => "x",
  () => 42,
  () => NaN,
  () => 10n,
  () => Symbol("s"),
  () => () => "fn",
  () => [],
  () => [null],
  () => ({}),
  () => Object.assign([{}], { constructor: "own" }),
  () => ({ constructor: { name: "Object" } }),
  () => JSON.parse('{"__proto__": {"polluted": true}, "sku": "A"}') as unknown,
  throwingGetter,
  () => [throwingGetter()],
  () => Object.create({ sku: "A", warehouseId: "wh", quantity: "1" }) as unknown,
  () => Object.create(null) as unknown,
  () =>
    new Proxy(
      {},
      {
        get() {
          throw new TypeError("hostile proxy");
        },
        ownKeys() {
          throw new TypeError("hostile proxy keys");
        },
      },
    ),
  () => {
    const p = Proxy.revocable({}, {});
    p.revoke();
    return p.proxy;
  },
  () => {
    const cycle: Record<string, unknown> = { sku: "A" };
    cycle["self"] = cycle;
    return cycle;
  },
  () => new Date("invalid"),
  () => new Map([["sku", "A"]]),
  () => ({ sku: "A", warehouseId: "wh", quantity: "1", unitCost: "1", toString: null, valueOf: () => { throw new Error("valueOf"); } }),
  () => ({ events: null, type: "PaymentCaptured", payload: throwingGetter() }),
];

/** A recipe for a hostile argument, built inside the property (fast-check must not touch proxies). */
type Recipe = { readonly kind: "hostile"; readonly i: number } | { readonly kind: "value"; readonly value: unknown } | { readonly kind: "field"; readonly key: string; readonly i: number };

const recipe: fc.Arbitrary<Recipe> = fc.oneof(
  fc.integer({ min: 0, max: hostileValues.length - 1 }).map((i) => ({ kind: "hostile" as const, i })),
  fc.anything({ withNullPrototype: true, withObjectString: true, withMap: true, withSet: true, withBigInt: true, withDate: true, withSparseArray: true }).map((value) => ({ kind: "value" as const, value })),
  // A valid-looking input with one hostile field.
  fc.record({ key: fc.constantFrom("sku", "warehouseId", "quantity", "effectiveDate", "lines", "payload", "idempotencyKey", "constructor", "__proto__", "asOf", "through"), i: fc.integer({ min: 0, max: hostileValues.length - 1 }) }).map(({ key, i }) => ({ kind: "field" as const, key, i })),
);

function build(r: Recipe): unknown {
  if (r.kind === "value") return r.value;
  if (r.kind === "hostile") return hostileValues[r.i]!();
  const base: Record<string, unknown> = { sku: "A", warehouseId: "wh", quantity: "1", unitCost: "1", effectiveDate: "2026-03-02", date: "2026-03-02", lines: [] };
  Object.defineProperty(base, r.key, { value: hostileValues[r.i]!(), enumerable: true, configurable: true, writable: true });
  return base;
}

const argLists = fc.array(recipe, { maxLength: 3 });

/** Every public entry point of a fresh facade, by name. */
function entryPoints(sk: Storekeep): Map<string, (...args: unknown[]) => unknown> {
  const out = new Map<string, (...args: unknown[]) => unknown>();
  for (const [space, api] of [
    ["finance", sk.finance],
    ["inventory", sk.inventory],
    ["events", sk.events],
  ] as const) {
    for (const [name, fn] of Object.entries(api)) if (typeof fn === "function") out.set(`${space}.${name}`, (...args) => (fn as (...a: unknown[]) => unknown)(...args));
  }
  out.set("recordEvents", (...args) => (sk.recordEvents as (...a: unknown[]) => unknown)(...args));
  out.set("run", (...args) => (sk.run as (...a: unknown[]) => unknown)(...args));
  out.set("consumer.runOnce", (...args) => (sk.events.consumer("fuzz", async () => undefined).runOnce as (...a: unknown[]) => unknown)(...args));
  out.set("createStorekeep", (...args) => (createStorekeep as (...a: unknown[]) => unknown)(...args));
  out.set("memoryStore", (...args) => (memoryStore as (...a: unknown[]) => unknown)(...args));
  out.set("memoryRates", (...args) => (memoryRates as (...a: unknown[]) => unknown)(...args));
  out.set("postgresStore", (...args) => (postgresStore as (...a: unknown[]) => unknown)(...args));
  return out;
}

describe("the public boundary", () => {
  const names = [...entryPoints(shop()).keys()];

  it(`covers every method of the facade's APIs (${names.length} entry points)`, () => {
    expect(names.length).toBeGreaterThan(50);
  });

  for (const name of names) {
    it(`${name}: whatever its argument list, only a StorekeepError or InvariantError escapes`, async () => {
      await fc.assert(
        fc.asyncProperty(argLists, async (args) => {
          const sk = shop();
          const fn = entryPoints(sk).get(name)!;
          const result = await outcome(() => fn(...args.map(build)));
          if (result !== "ok" && !isStorekeepFailure(result)) throw new Error(`${name} let a raw error escape: ${String(result)}`);
        }),
        { numRuns: 40 },
      );
    });
  }

  it("the issue's cases are VALIDATION_FAILED: recordEvents(null | {} | 'x' | [null]), an events array with its own constructor, a throwing getter, options null", async () => {
    const sk = shop();
    const payment = { type: "PaymentCaptured" as const, aggregateType: "order", aggregateId: "ord_1", effectiveDate: "2026-03-02", payload: eventExamples.PaymentCaptured };
    const entry = { date: "2026-03-02", memo: "m", lines: [{ account: "1200", debit: "10" }, { account: "4000", credit: "10" }] };
    const cases: [string, () => Promise<unknown>][] = [
      ["recordEvents(null)", () => sk.recordEvents(null as never)],
      ["recordEvents({})", () => sk.recordEvents({} as never)],
      ["inventory.audit({ asOf: \"\" })", () => sk.inventory.audit({ asOf: "" })],
      ["inventory.onHand({ sku: Symbol() })", () => sk.inventory.onHand({ sku: Symbol("x") as never })],
      ["inventory.valuation({ sku: Symbol() })", () => sk.inventory.valuation({ sku: Symbol("x") as never })],
      ["inventory.valuation({ asOf: \"x\" })", () => sk.inventory.valuation({ asOf: "x" })],
      ["inventory.history({ sku: 5 })", () => sk.inventory.history({ sku: 5 as never })],
      ["inventory.layers(Symbol())", () => sk.inventory.layers(Symbol("x") as never)],
      ["inventory.audit({ asOf: \"2026-02-30\" })", () => sk.inventory.audit({ asOf: "2026-02-30" })],
      ["recordEvents('x')", () => sk.recordEvents("x" as never)],
      ["recordEvents([null])", () => sk.recordEvents([null] as never)],
      ["recordEvents(own constructor)", () => sk.recordEvents(Object.assign([payment], { constructor: 1 }) as never, null as never)],
      ["recordEvents(getter)", () => sk.recordEvents([throwingGetter()] as never)],
      ["recordEvents(valid, null)", () => sk.recordEvents([payment], null as never)],
      ["postEntry(valid, null)", () => sk.finance.postEntry(entry as never, null as never)],
      ["postEntry(valid, { idempotencyKey: 5 })", () => sk.finance.postEntry(entry as never, { idempotencyKey: 5 } as never)],
      ["receive(null)", () => sk.inventory.receive(null as never)],
      ["onHand(null)", () => sk.inventory.onHand(null as never)],
      ["trialBalance(null)", () => sk.finance.trialBalance(null as never)],
      ["events.read(5)", () => sk.events.read(5 as never)],
    ];
    for (const [label, call] of cases) {
      const error = await outcome(call);
      expect(isStorekeepError(error) ? error.code : `raw ${String(error)}`, label).toBe("VALIDATION_FAILED");
    }
    // The valid event still records, through the same boundary.
    await expect(sk.recordEvents([payment], { idempotencyKey: "p1" })).resolves.toEqual({ recorded: 1 });
  });

  it("plainInput copies own enumerable data: an own __proto__ stays a key and pollutes nothing, inherited fields are not read", () => {
    const copy = plainInput(JSON.parse('{"__proto__": {"polluted": true}, "a": [1, {"b": "c"}]}'), "x") as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(["__proto__", "a"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(plainInput(Object.create({ inherited: 1 }), "x")).toEqual({});
    expect(() => checkArg(null, "input", "x")).toThrow(/must be an object, got null/);
  });
});
