/**
 * The package as a new user meets it: build, `npm pack`, install the tarball into an empty
 * project, import it from ESM and from CommonJS, type-check a consumer against the installed
 * declarations, and recognise an error thrown by one subpath bundle through another.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packAndInstall, root, run, tsc } from "./packed.js";

let work = "";
let consumer = "";

function node(file: string): Record<string, unknown> {
  return JSON.parse(run(process.execPath, [file], consumer)) as Record<string, unknown>;
}

beforeAll(() => {
  // Without fast-check first: storekeep/testing must work without the optional peer; the
  // describe block at the end installs it for storekeep/testing/arbitraries.
  const packed = packAndInstall("storekeep-pack-");
  work = packed.work;
  consumer = packed.consumer;
  const files = packed.files;
  expect(files).toContain("dist/esm/index.js");
  expect(files).toContain("CHANGELOG.md");
  // No sourcemaps: stack traces point to the shipped dist files themselves.
  expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
  expect(files).toContain("dist/index.cjs");
  expect(files).toContain("LICENSE");
  expect(files.some((f) => f.startsWith("src/") || f.startsWith("tests/"))).toBe(false);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const ESM = `
import { Money, Decimal, StorekeepError, isStorekeepError, isMoney, createStorekeep, memoryStore, amountSchema, parseWith } from "storekeep";
import { ManualClock } from "storekeep/testing";
import { postgresStore } from "storekeep/postgres";
import { Decimal as GlobalDecimal } from "decimal.js";

GlobalDecimal.set({ precision: 5 });
const out = {};
out.total = Money.of("19.99", "EUR").multiply(3).add(Money.of("4.90", "EUR")).round("half-even").toJSON();
out.shares = Money.of("10.00", "EUR").allocate([1, 1, 1]).map(String);
out.third = new Decimal(1).dividedBy(3).toString().length;
out.isMoney = isMoney(Money.zero("JPY"));
try { parseWith(amountSchema, "1e3"); } catch (e) { out.mainError = { brand: isStorekeepError(e), instance: e instanceof StorekeepError, code: e.code }; }
try { new ManualClock("not a date"); } catch (e) { out.testingError = { brand: isStorekeepError(e), instance: e instanceof StorekeepError, code: e.code }; }
try { postgresStore({ client: null }); } catch (e) { out.postgresError = { brand: isStorekeepError(e), instance: e instanceof StorekeepError, code: e.code }; }
const sk = createStorekeep({ clock: new ManualClock("2026-11-27T09:00:00Z"), store: memoryStore() });
await sk.ready();
out.facade = typeof sk.recordEvents;
await sk.close();
console.log(JSON.stringify(out));
`;

const CJS = `
const { Money, StorekeepError, isStorekeepError, createStorekeep } = require("storekeep");
const { ManualClock } = require("storekeep/testing");
const { postgresStore } = require("storekeep/postgres");
const out = {};
out.total = Money.of("0.125", "EUR").round("half-up").toJSON();
out.facade = typeof createStorekeep;
try { Money.of("1", "EUR").add(Money.of("1", "USD")); } catch (e) { out.mainError = { brand: isStorekeepError(e), instance: e instanceof StorekeepError, code: e.code }; }
try { new ManualClock("not a date"); } catch (e) { out.testingError = { brand: isStorekeepError(e), instance: e instanceof StorekeepError, code: e.code }; }
try { postgresStore({ client: 42 }); } catch (e) { out.postgresError = { brand: isStorekeepError(e), instance: e instanceof StorekeepError, code: e.code }; }
console.log(JSON.stringify(out));
`;

const CONSUMER_TS = `
import { Money, type MoneyJson, type Sku, type OrderId, type StorekeepErrorCode, isStorekeepError, createStorekeep, memoryStore, type Storekeep } from "storekeep";
import { ManualClock } from "storekeep/testing";
import { postgresStore, type PostgresStoreOptions } from "storekeep/postgres";

const json: MoneyJson = Money.of("12.34", "EUR").toJSON();
const amount: string = json.amount;
const sku = "MUG-RED" as Sku;
// @ts-expect-error a Sku is not an OrderId
const order: OrderId = sku;
// @ts-expect-error Money.of wants an amount, not an object
Money.of({ amount: "1" }, "EUR");
const sk: Storekeep = createStorekeep({ clock: new ManualClock("2026-11-27T09:00:00Z"), store: memoryStore() });
export async function handle(e: unknown): Promise<StorekeepErrorCode | undefined> {
  await sk.ready();
  return isStorekeepError(e) ? e.code : undefined;
}
export const factory: (options: PostgresStoreOptions) => unknown = postgresStore;
export { amount, order };
`;

describe("the packed package, installed into an empty project without fast-check", () => {
  it("imports from ESM, the global decimal.js config changed and storekeep unaffected", () => {
    writeFileSync(join(consumer, "esm.mjs"), ESM);
    const out = node("esm.mjs");
    expect(out.total).toEqual({ amount: "64.87", currency: "EUR" });
    expect(out.shares).toEqual(["3.34 EUR", "3.33 EUR", "3.33 EUR"]);
    expect(out.third).toBe(82); // "0." + 80 digits: the private clone, not the host's precision 5
    expect(out.isMoney).toBe(true);
    expect(out.mainError).toEqual({ brand: true, instance: true, code: "VALIDATION_FAILED" });
    expect(out.facade).toBe("function");
  });

  it("an error thrown through storekeep/testing or storekeep/postgres is the same class in ESM (one kernel shared by every entry point)", () => {
    const out = node("esm.mjs");
    expect(out.testingError).toEqual({ brand: true, instance: true, code: "VALIDATION_FAILED" });
    expect(out.postgresError).toEqual({ brand: true, instance: true, code: "VALIDATION_FAILED" });
  });

  it("tree-shakes: a bundle of Money alone costs about what decimal.js costs (budget: decimal.js + 8 KB gzip)", () => {
    const esbuild = join(root, "node_modules", ".bin", "esbuild");
    const size = (name: string, source: string): number => {
      writeFileSync(join(consumer, `${name}.mjs`), source);
      run(esbuild, [`${name}.mjs`, "--bundle", "--minify", "--format=esm", "--platform=neutral", "--main-fields=module,main", `--outfile=${name}.bundle.js`, "--log-level=error"], consumer);
      return gzipSync(readFileSync(join(consumer, `${name}.bundle.js`))).length;
    };
    const decimalOnly = size("decimal-only", `import Decimal from "decimal.js";\nconsole.log(new Decimal(1).toString());\n`);
    const moneyOnly = size("money-only", `import { Money } from "storekeep";\nconsole.log(Money.of("1.00", "EUR").toString());\n`);
    const facade = size("facade", `import { createStorekeep } from "storekeep";\nconsole.log(typeof createStorekeep);\n`);
    console.log(JSON.stringify({ gzipBytes: { decimalOnly, moneyOnly, facade } }));
    expect(moneyOnly).toBeLessThanOrEqual(decimalOnly + 8 * 1024);
    // The check has teeth: the whole facade (zod, the event catalog, every module) is far bigger.
    expect(facade).toBeGreaterThan(moneyOnly + 30 * 1024);
  });

  it("requires from CommonJS, with the same brands across bundles", () => {
    writeFileSync(join(consumer, "cjs.cjs"), CJS);
    const out = node("cjs.cjs");
    expect(out.total).toEqual({ amount: "0.13", currency: "EUR" });
    expect(out.facade).toBe("function");
    expect(out.mainError).toEqual({ brand: true, instance: true, code: "CURRENCY_MISMATCH" });
    expect(out.testingError).toEqual({ brand: true, instance: false, code: "VALIDATION_FAILED" });
    expect(out.postgresError).toEqual({ brand: true, instance: false, code: "VALIDATION_FAILED" });
  });

  it("type-checks a NodeNext consumer (ESM and CJS) against the installed declarations", () => {
    writeFileSync(join(consumer, "consumer.mts"), CONSUMER_TS);
    // The same source as a .cts file resolves the "require" conditions and their .d.cts declarations.
    writeFileSync(join(consumer, "consumer-cjs.cts"), CONSUMER_TS);
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({
        // No @types/node: storekeep's declarations must not need it (zod's need DOM's URL).
        compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", lib: ["ES2022", "DOM"], types: [], strict: true, exactOptionalPropertyTypes: true, noEmit: true, skipLibCheck: false },
        files: ["consumer.mts", "consumer-cjs.cts"],
      }),
    );
    const output = (() => {
      try {
        return run(tsc, ["-p", "tsconfig.json"], consumer);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(output.replace(/\s+$/, "")).toBe("");
    // The installed package is the tarball's, with its declarations.
    const installed = JSON.parse(readFileSync(join(consumer, "node_modules", "storekeep", "package.json"), "utf8")) as { exports: Record<string, unknown> };
    expect(Object.keys(installed.exports)).toEqual(expect.arrayContaining([".", "./testing", "./postgres"]));
  });

  it("fails to type-check a consumer that misuses the API (the check has teeth)", () => {
    writeFileSync(join(consumer, "bad.mts"), `import { Money } from "storekeep";\nconst m: number = Money.of("1", "EUR");\nexport { m };\n`);
    writeFileSync(join(consumer, "tsconfig.bad.json"), JSON.stringify({ extends: "./tsconfig.json", files: ["bad.mts"] }));
    expect(() => run(tsc, ["-p", "tsconfig.bad.json"], consumer)).toThrow(/TS2322/);
  });
});

const TESTING_WITHOUT_FAST_CHECK = `
import { ManualClock, sequentialIds, runStoreConformance, conformanceTestNames, failingStore, referenceValuation } from "storekeep/testing";
import { memoryStore } from "storekeep";
const out = {};
out.clock = new ManualClock("2026-11-27T09:00:00Z").now().toISOString();
out.ids = typeof sequentialIds().next;
out.kit = typeof runStoreConformance;
out.names = conformanceTestNames().included.length > 0;
out.failing = typeof failingStore(memoryStore(), { failAtWrite: 1 });
out.reference = referenceValuation("fifo", [{ kind: "in", quantity: "2", value: "10" }, { kind: "out", quantity: "1" }], 2, "half-even").cogs;
try { await import("storekeep/testing/arbitraries"); out.arbitraries = "loaded"; } catch (e) { out.arbitraries = String(e.message); }
console.log(JSON.stringify(out));
`;

describe("storekeep/testing without the optional fast-check peer", () => {
  it("loads the clock, ids, wrappers, checkers and the conformance kit (ESM and CJS)", () => {
    writeFileSync(join(consumer, "testing.mjs"), TESTING_WITHOUT_FAST_CHECK);
    const out = node("testing.mjs");
    expect(out).toMatchObject({ clock: "2026-11-27T09:00:00.000Z", ids: "function", kit: "function", names: true, failing: "object", reference: "5" });
    // The one entry point that needs fast-check says which package is missing.
    expect(String(out.arbitraries)).toMatch(/fast-check/);
    writeFileSync(join(consumer, "testing.cjs"), `const t = require("storekeep/testing"); console.log(JSON.stringify({ kit: typeof t.runStoreConformance, clock: typeof t.ManualClock }));`);
    expect(node("testing.cjs")).toEqual({ kit: "function", clock: "function" });
  });
});

describe("storekeep/testing/arbitraries, with fast-check installed", () => {
  beforeAll(() => {
    run("npm", ["install", "fast-check@4", "--no-audit", "--no-fund", "--prefer-offline"], consumer);
  }, 600_000);

  it("exports the arbitraries (ESM and CJS) and they type-check", () => {
    writeFileSync(
      join(consumer, "arb.mjs"),
      `import fc from "fast-check";\nimport { arbitraries, balancedEntryArbitrary, stockMovementsArbitrary } from "storekeep/testing/arbitraries";\nconst m = fc.sample(arbitraries.money({ currency: "EUR" }), 3);\nconsole.log(JSON.stringify({ n: m.length, currency: m[0].currency, entry: typeof balancedEntryArbitrary, stock: typeof stockMovementsArbitrary }));\n`,
    );
    expect(node("arb.mjs")).toEqual({ n: 3, currency: "EUR", entry: "function", stock: "function" });
    writeFileSync(join(consumer, "arb.cjs"), `const { arbitraries } = require("storekeep/testing/arbitraries"); console.log(JSON.stringify({ money: typeof arbitraries.money }));`);
    expect(node("arb.cjs")).toEqual({ money: "function" });
    writeFileSync(join(consumer, "arb-types.mts"), `import fc from "fast-check";\nimport { arbitraries } from "storekeep/testing/arbitraries";\nimport type { Money } from "storekeep";\nexport const a: fc.Arbitrary<Money> = arbitraries.money({ currency: "EUR" });\n`);
    writeFileSync(join(consumer, "tsconfig.arb.json"), JSON.stringify({ extends: "./tsconfig.json", files: ["arb-types.mts"] }));
    expect(run(tsc, ["-p", "tsconfig.arb.json"], consumer).trim()).toBe("");
  });
});
