import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { EVENT_TYPES, eventDefinitions } from "../../src/kernel/events/definitions.js";
import { eventExamples } from "../../src/kernel/events/examples.js";
import type { Storekeep } from "../../src/storekeep.js";
import type { Store } from "../../src/ports/storage.js";
import { USD_RATES, booksAgree, sharedPglite, shop, stock, storeOf } from "../sales/setup.js";
import { memoryStore } from "../../src/adapters/memory/index.js";

/*
 * Every call of the facade a shop backend reaches (sk.sales, sk.inventory, sk.finance,
 * sk.purchasing, sk.crm, sk.analytics, sk.replenishment), fed what a careless or hostile
 * caller sends: arbitrary values, and objects built from the field names the commands use with
 * edge values (empty, negative, huge, NUL, wrong types, ids that exist and ids that do not,
 * nested lines of the same). The standard: bad input gets a StorekeepError — never a
 * TypeError, never an InvariantError — and a refused command leaves the store as it was (no
 * half-written state). The shop has stock, an open order, a shipped one, a supplier and a
 * customer, so the fields that name them reach the domain code past the schemas.
 *
 * FUZZ_RUNS (inputs per call, 60 by default) and FUZZ_SEED (2026) widen a search by hand:
 * seeds 1–4 at 150 inputs per call held (session 25).
 */

const FIELDS = [
  "orderId", "sku", "quantity", "lines", "lineId", "unitPrice", "amount", "currency", "warehouseId", "locationId", "paymentId",
  "shipmentId", "returnId", "refundId", "invoiceId", "customerId", "supplierId", "purchaseOrderId", "billId", "receiptId", "payoutId",
  "date", "asOf", "from", "to", "effectiveDate", "unitCost", "costingMethod", "discounts", "shipping", "shipTo", "changes", "add",
  "refund", "gross", "fees", "paymentIds", "reason", "state", "ledger", "creditId", "documentIds", "account", "accountId", "code",
  "kind", "percent", "email", "name", "limit", "cursor", "status", "period", "domain", "lots", "lot", "serials", "expiresAt",
  "countedQuantity", "stocktakeId", "barcode", "unit", "factor", "rate", "items", "skus", "granularity", "metric", "campaignId", "segment",
];

const IDS = ["ord_1", "ord_2", "ord_x", "MUG", "TEE", "NOPE", "wh", "wh_x", "cus_1", "cus_x", "sup_1", "ch_1", "shp_2", "ret_x", "1", "2"];

const edge: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("", "0", "-1", "1", "2", "0.001", "1e3", "1e400", "-0", "NaN", "Infinity", "abc", "EUR", "USD", "XXX", "2026-03-02", "2026-02-30", "1999-01-01", "9999-12-31", "\u0000", "\ud800", " MUG", "fifo", "percent", "fixed", "receivables", "payables", "placed", "cancelled"),
  fc.constantFrom(...IDS),
  fc.constantFrom(0, -1, 1, 2, 1.5, -0, 1e21, Number.MAX_SAFE_INTEGER, Number.NaN, Number.POSITIVE_INFINITY),
  fc.constantFrom(null, undefined, true, false, [], {}),
  fc.string({ maxLength: 300 }),
);

const record = (depth: number): fc.Arbitrary<Record<string, unknown>> =>
  fc.dictionary(fc.constantFrom(...FIELDS), depth > 0 ? fc.oneof({ weight: 4, arbitrary: edge }, { weight: 1, arbitrary: fc.array(record(depth - 1), { maxLength: 3 }) }, { weight: 1, arbitrary: record(depth - 1) }) : edge, { maxKeys: 8 });

const input: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
  { weight: 6, arbitrary: record(2) },
);

/** A shop with something to act on: stock of MUG and TEE, ord_1 placed and paid, ord_2 shipped, a supplier, a customer. */
/**
 * The shop the calls act on. `eur`: invoiced on order, EUR orders. `usd`: invoiced on shipment,
 * USD orders and a USD supplier with an open purchase order, USD rates from 1 March.
 */
async function busyShop(store: Store = memoryStore(), variant: "eur" | "usd" = "eur"): Promise<Storekeep> {
  const currency = variant === "eur" ? "EUR" : "USD";
  const { sk } = variant === "eur" ? shop(store) : shop(store, { invoicing: "on-shipment" }, USD_RATES);
  await stock(sk, ["MUG", "TEE"]);
  await sk.crm.createCustomer({ customerId: "cus_1", emails: ["a@example.com"] });
  await sk.purchasing.defineSupplier({ supplierId: "sup_1", name: "Supplier", currency, leadTimeDays: 7 });
  await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency, warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
  await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
  await sk.sales.placeOrder({ orderId: "ord_2", customerId: "cus_1", currency, warehouseId: "wh", lines: [{ sku: "TEE", quantity: 1, unitPrice: "12" }] });
  await sk.sales.shipOrder({ orderId: "ord_2", shipmentId: "shp_2" });
  if (variant === "usd") {
    await sk.purchasing.createOrder({ purchaseOrderId: "po_1", supplierId: "sup_1", warehouseId: "wh", lines: [{ sku: "MUG", quantity: "5", unitPrice: "2" }] });
  }
  return sk;
}

const NAMESPACES = ["sales", "inventory", "finance", "purchasing", "crm", "analytics", "replenishment"] as const;

/*
 * Inputs shaped by a command's own schema (zod's definition walked): most pass validation and
 * reach the domain code, with ids that exist and ids that do not, amounts at the edges, dates
 * in and out of range. A string's values are picked by its field's name.
 */
interface ZodDef {
  readonly type: string;
  readonly shape?: Record<string, { _zod: { def: ZodDef } }>;
  readonly innerType?: { _zod: { def: ZodDef } };
  readonly in?: { _zod: { def: ZodDef } };
  readonly element?: { _zod: { def: ZodDef } };
  readonly valueType?: { _zod: { def: ZodDef } };
  readonly options?: readonly { _zod: { def: ZodDef } }[];
  readonly entries?: Record<string, string>;
  readonly values?: readonly unknown[];
  readonly catchall?: { _zod: { def: ZodDef } };
}

const DECIMALS = ["1", "2", "3", "0.5", "10", "12.34", "100", "1", "2", "1", "5", "4", "1", "2", "0", "0.01", "0.001", "-1", "99999999"];
const HINTS: [RegExp, readonly string[]][] = [
  [/currency/, ["EUR", "EUR", "USD", "JPY"]],
  [/date|asof|^from$|^to$|until|since|validfrom|validto|expires|^on$/, ["2026-03-02", "2026-02-27", "2026-03-31", "2025-12-31", "2027-01-01", "2026-02-30"]],
  [/quantity|amount|price|cost|percent|rate|fee|gross|total|every|^off$|counted|factor|weight|tolerance|limit|days|min|max/, DECIMALS],
  [/sku/, ["MUG", "TEE", "NOPE"]],
  [/warehouse/, ["wh", "wh_x"]],
  [/location/, ["wh", "A-1", "loc_x"]],
  [/purchaseorder/, ["po_1", "po_x"]],
  [/^orderid$|^orderids$/, ["ord_1", "ord_2", "ord_x", "po_1"]],
  [/customer/, ["cus_1", "cus_x"]],
  [/supplier/, ["sup_1", "sup_x"]],
  [/payment|capture|charge|authorization/, ["ch_1", "ch_x"]],
  [/shipment/, ["shp_2", "shp_x"]],
  [/lineid/, ["1", "2", "9"]],
  [/country/, ["DE", "FR", "US", "XX"]],
  [/account/, ["1200", "4000", "9999"]],
  [/ledger/, ["receivables", "payables"]],
];

function stringsFor(key: string): fc.Arbitrary<string> {
  const k = key.toLowerCase();
  const hint = HINTS.find(([re]) => re.test(k));
  const pool = hint === undefined ? fc.constantFrom(...IDS, "x", "note") : fc.constantFrom(...hint[1]);
  return fc.oneof({ weight: 40, arbitrary: pool }, { weight: 1, arbitrary: fc.constantFrom("", "\u0000", "a".repeat(300), "-0", "NaN") });
}

function fromSchema(def: ZodDef, key: string, depth: number): fc.Arbitrary<unknown> {
  switch (def.type) {
    case "object": {
      const shape = def.shape ?? {};
      const required: string[] = [];
      const parts: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, member] of Object.entries(shape)) {
        const t = member._zod.def.type;
        required.push(name);
        // An optional field is left out three times in four: most inputs then stay valid.
        const part = fromSchema(member._zod.def, name, depth + 1);
        parts[name] = t === "optional" || t === "default" ? fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: part }) : part;
      }
      return fc.record(parts, { requiredKeys: required });
    }
    case "optional":
    case "default":
    case "readonly":
      return fromSchema(def.innerType!._zod.def, key, depth);
    case "nullable":
      return fc.option(fromSchema(def.innerType!._zod.def, key, depth), { nil: null, freq: 4 });
    case "pipe":
      return fromSchema(def.in!._zod.def, key, depth);
    case "array":
      return depth > 4 ? fc.constant([]) : fc.array(fromSchema(def.element!._zod.def, key, depth + 1), { minLength: 1, maxLength: 3 });
    case "union":
      return fc.oneof(...def.options!.map((o) => fromSchema(o._zod.def, key, depth)));
    case "enum":
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case "literal":
      return fc.constantFrom(...(def.values ?? [null]));
    case "boolean":
      return fc.boolean();
    case "number":
      return fc.constantFrom(1, 2, 3, 7, 30, 1, 2, 1, 2, 3, 0, -1, 0.5, 1e9);
    case "record":
      return fc.dictionary(stringsFor(key), fromSchema(def.valueType!._zod.def, key, depth + 1), { maxKeys: 3 });
    case "string":
    case "transform":
      return stringsFor(key);
    default:
      return fc.constant({});
  }
}

/** The schema of the command each facade function runs (its first execute), by name; queries have none. */
async function commandSchemas(sk: Storekeep, api: Record<string, (input: unknown) => Promise<unknown>>): Promise<Map<string, ZodDef>> {
  const runtime = sk.runtime as unknown as { execute: (command: { input: { _zod?: { def: ZodDef } } }, ...rest: unknown[]) => Promise<unknown> };
  const execute = runtime.execute;
  const out = new Map<string, ZodDef>();
  let current = "";
  runtime.execute = (command) => {
    if (command.input._zod !== undefined && !out.has(current)) out.set(current, command.input._zod.def);
    return Promise.reject(new Error("probe"));
  };
  try {
    for (const name of Object.keys(api)) {
      current = name;
      try {
        await api[name]!({});
      } catch {
        // the probe's own rejection, or the facade's refusal of {}
      }
    }
  } finally {
    runtime.execute = execute;
  }
  return out;
}

/**
 * The store's whole content, to compare before and after a refused call (the memory store's
 * dump); on PostgreSQL, what every write leaves a trace in: the outbox and the trial balance.
 */
async function snapshot(sk: Storekeep): Promise<string> {
  const dump = (sk.store as unknown as { dump?: () => Promise<unknown> }).dump;
  if (dump !== undefined) return JSON.stringify(await dump.call(sk.store));
  const events = await sk.store.readEvents(null, 1_000_000);
  return `${events.length} ${events.at(-1)?.id ?? ""} ${JSON.stringify((await sk.finance.trialBalance({ asOf: "2027-12-31" })).totals)}`;
}

const db = sharedPglite();

describe("the facade on hostile input", () => {
  // The memory store with both shops; PGlite (slower) with the EUR shop.
  for (const [kind, variant, ns] of [...NAMESPACES.map((n) => ["memory", "eur", n] as const), ...NAMESPACES.map((n) => ["memory", "usd", n] as const), ...NAMESPACES.map((n) => ["pglite", "eur", n] as const)]) {
    it(`${kind}, ${variant} shop: sk.${ns}: every call answers arbitrary input with a result or a StorekeepError, a refused command leaves the store as it was, and a command replayed under its idempotency key answers the same and changes nothing`, async () => {
      const sk = await busyShop(storeOf(kind, db), variant);
      const api = sk[ns] as unknown as Record<string, (input: unknown) => Promise<unknown>>;
      const names = Object.keys(api).filter((k) => typeof api[k] === "function");
      expect(names.length).toBeGreaterThan(1);
      const schemas = await commandSchemas(sk, api);
      if (ns !== "analytics" && ns !== "replenishment") expect(schemas.size).toBeGreaterThan(3);
      const failures: string[] = [];
      let calls = 0;
      let replays = 0;
      for (const name of names) {
        const shaped = schemas.get(name);
        const inputs = shaped === undefined ? input : fc.oneof({ weight: 1, arbitrary: input }, { weight: 4, arbitrary: fromSchema(shaped, "", 0) });
        await fc.assert(
          fc.asyncProperty(inputs, async (value) => {
            const before = await snapshot(sk);
            try {
              // Every other call of a command runs under an idempotency key, and is replayed.
              // (Not analytics.runRules: a scheduler's tick takes no command options; each rule's slot runs once.)
              const key = shaped !== undefined && `${ns}.${name}` !== "analytics.runRules" && ++calls % 2 === 0 ? `fuzz-${kind}-${ns}-${name}-${calls}` : undefined;
              const call = (): Promise<unknown> => (key === undefined ? api[name]!(value) : (api[name] as (i: unknown, o: unknown) => Promise<unknown>)(value, { idempotencyKey: key }));
              let pending: Promise<unknown>;
              try {
                pending = call();
              } catch (error) {
                // An async call refuses by rejecting: a host's `.catch()` never sees a synchronous throw.
                failures.push(`sk.${ns}.${name}(${JSON.stringify(value)?.slice(0, 300)}) threw synchronously: ${String(error)}`);
                return;
              }
              const result = await pending;
              if (key !== undefined) {
                // The same request again under its key: the first answer, and nothing done twice.
                replays++;
                const done = await snapshot(sk);
                const again = await call();
                if (JSON.stringify(again) !== JSON.stringify(result)) failures.push(`sk.${ns}.${name}(${JSON.stringify(value)?.slice(0, 300)}) replayed under its key answered ${JSON.stringify(again)?.slice(0, 200)}, first ${JSON.stringify(result)?.slice(0, 200)}`);
                if ((await snapshot(sk)) !== done) failures.push(`sk.${ns}.${name}(${JSON.stringify(value)?.slice(0, 300)}) replayed under its key changed the store`);
              }
            } catch (error) {
              if (!isStorekeepError(error)) {
                failures.push(`sk.${ns}.${name}(${JSON.stringify(value)?.slice(0, 300)}) threw ${String((error as Error)?.stack ?? error).split("\n").slice(0, 4).join(" | ")}`);
                return;
              }
              const after = await snapshot(sk);
              if (after !== before) failures.push(`sk.${ns}.${name}(${JSON.stringify(value)?.slice(0, 300)}) refused (${error.code}) but changed the store`);
            }
          }),
          // PostgreSQL through PGlite takes a millisecond or more a statement: fewer inputs there.
          { numRuns: Number(process.env.FUZZ_RUNS ?? (kind === "memory" ? 60 : 12)), seed: Number(process.env.FUZZ_SEED ?? 2026) },
        );
      }
      // One line per call that failed (its first input), so a report stays readable.
      const byCall = new Map<string, string>();
      for (const f of failures) if (!byCall.has(f.split("(")[0]!)) byCall.set(f.split("(")[0]!, f);
      expect([...byCall.values()]).toEqual([]);
      // The replay check ran on commands that succeeded (the schema-shaped inputs reach them).
      if (ns !== "analytics" && ns !== "replenishment") expect(replays).toBeGreaterThan(kind === "memory" ? 10 : 2);
      await booksAgree(sk);
    }, 300_000);
  }

  it("a count argument (a limit, the most events a sync takes) is a whole number of 0 or more: a fraction, a negative or NaN is VALIDATION_FAILED naming it (was: an InvariantError from the store's readEvents, found by the fuzz above)", async () => {
    const { sk } = shop(memoryStore());
    for (const bad of [2.2e-167, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      await expect(sk.crm.syncTimeline(bad)).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/crm.syncTimeline argument 1 must be a whole number of 0 or more/) });
      await expect(sk.events.read(null, bad)).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/argument 2 must be a whole number/) });
      await expect(sk.events.runConsumers(bad)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    }
    expect(await sk.crm.syncTimeline(0)).toEqual({ processed: 0, position: null });
    expect(await sk.events.read(null, 10)).toEqual([]);
  });

  it("every command's input refuses a key it does not know (a misspelled field is VALIDATION_FAILED naming it, never dropped): each object of each command's schema is strict, but for the two that take another call's output as it is", async () => {
    // draftOrdersFromSuggestions takes replenishment's proposals whole (their ids and totals come
    // along); analytics.runRules's command is the library's own (its alerts are built by the rules).
    const TAKES_OUTPUT = new Set(["purchasing.draftOrdersFromSuggestions", "analytics.runRules"]);
    const sk = await busyShop();
    const loose: string[] = [];
    const walk = (def: ZodDef & { catchall?: { _zod: { def: ZodDef } } }, path: string, seen: Set<object>): void => {
      if (seen.has(def)) return;
      seen.add(def);
      if (def.type === "object" && def.catchall?._zod.def.type !== "never") loose.push(path);
      for (const inner of [def.innerType, def.in, def.element, def.valueType]) if (inner !== undefined) walk(inner._zod.def, path, seen);
      for (const [name, member] of Object.entries(def.shape ?? {})) walk(member._zod.def, `${path}.${name}`, seen);
      for (const option of def.options ?? []) walk(option._zod.def, path, seen);
    };
    let commands = 0;
    for (const ns of NAMESPACES) {
      const api = sk[ns] as unknown as Record<string, (input: unknown) => Promise<unknown>>;
      for (const [name, def] of await commandSchemas(sk, api)) {
        commands++;
        if (!TAKES_OUTPUT.has(`${ns}.${name}`)) walk(def, `${ns}.${name}`, new Set());
      }
    }
    expect(commands).toBeGreaterThan(80);
    expect(loose).toEqual([]);
    // As a host meets it: crm.createCustomer with "email" for "emails" (was: a customer without an email).
    await expect(sk.crm.createCustomer({ customerId: "cus_2", email: "b@example.com" } as never)).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/unknown key "email" \(did you mean "emails"\?\)/) });
    expect(await sk.crm.customer("cus_2")).toBeUndefined();
    // An account read back from accounts() may be defined again as it is; its normal balance must agree.
    const cash = (await sk.finance.accounts()).find((a) => a.code === "1100")!;
    await expect(sk.finance.defineAccount({ ...cash, code: "1101", name: "Second bank" })).resolves.toBeDefined();
    await expect(sk.finance.defineAccount({ ...cash, code: "1102", name: "Third bank", normalBalance: "credit" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/normal balance is debit/) });
  });

  for (const kind of ["memory", "pglite"] as const) {
    it(`${kind}: sk.recordEvents — every catalog event with a schema-shaped or an example-based payload is recorded (its reactions posting it) or refused with a StorekeepError that leaves the store as it was; the books agree after all of them`, async () => {
      const sk = await busyShop(storeOf(kind, db));
      const failures: string[] = [];
      let recorded = 0;
      for (const type of EVENT_TYPES) {
        const def = (eventDefinitions[type].schema as unknown as { _zod: { def: ZodDef } })._zod.def;
        const example = eventExamples[type] as Record<string, unknown>;
        // The example with one field replaced by a schema-shaped value of that field, or a payload shaped whole.
        const fromExample = fc.constantFrom(...Object.keys(example)).chain((field) =>
          (def.shape?.[field] === undefined ? fc.constant(undefined) : fromSchema(def.shape[field]!._zod.def, field, 1)).map((v) => ({ ...example, [field]: v })),
        );
        const payloads = fc.oneof({ weight: 1, arbitrary: fc.constant(example) }, { weight: 3, arbitrary: fromExample }, { weight: 2, arbitrary: fromSchema(def, "", 0) });
        const dates = fc.constantFrom("2026-03-02", "2026-02-27", "2025-12-31", "2026-03-03");
        await fc.assert(
          fc.asyncProperty(payloads, dates, async (payload, effectiveDate) => {
            const event = { type, aggregateType: "fuzz", aggregateId: "agg_1", effectiveDate, payload };
            const before = await snapshot(sk);
            try {
              await sk.recordEvents([event] as never);
              recorded++;
            } catch (error) {
              if (!isStorekeepError(error)) {
                failures.push(`${type} ${JSON.stringify(payload)?.slice(0, 400)} threw ${String((error as Error)?.stack ?? error).split("\n").slice(0, 4).join(" | ")}`);
                return;
              }
              if ((await snapshot(sk)) !== before) failures.push(`${type} ${JSON.stringify(payload)?.slice(0, 400)} refused (${error.code}) but changed the store`);
            }
          }),
          { numRuns: Number(process.env.FUZZ_RUNS ?? (kind === "memory" ? 40 : 8)), seed: Number(process.env.FUZZ_SEED ?? 2026) },
        );
      }
      const byType = new Map<string, string>();
      for (const f of failures) if (!byType.has(f.split(" ")[0]!)) byType.set(f.split(" ")[0]!, f);
      expect([...byType.values()]).toEqual([]);
      expect(recorded).toBeGreaterThan(EVENT_TYPES.length);
      await booksAgree(sk);
    }, 300_000);
  }
});
