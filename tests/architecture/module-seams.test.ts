import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { analyticsModule } from "../../src/analytics/index.js";
import { crmModule } from "../../src/crm/index.js";
import { financeModule } from "../../src/finance/index.js";
import { inventoryModule } from "../../src/inventory/index.js";
import { purchasingModule } from "../../src/purchasing/index.js";
import { replenishmentModule } from "../../src/replenishment/index.js";
import { salesModule } from "../../src/sales/index.js";

const SRC = resolve(__dirname, "../../src");
/** Folders of src/ that are not modules: the shared layers every module may use. */
const SHARED = new Set(["kernel", "ports", "runner", "adapters", "testing"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const modules = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory() && !SHARED.has(name));

describe("module seams", () => {
  it("finds the modules", () => {
    expect(modules).toEqual(expect.arrayContaining(["finance", "inventory"]));
  });

  it.each(modules)("module %s imports no other module's files (only their types)", (module) => {
    const offending: string[] = [];
    for (const file of files(join(SRC, module))) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/^(import|export)(\s+type)?\s[^;]*?from\s+"(\.[^"]+)";/gms)) {
        const isTypeOnly = match[2] !== undefined;
        const target = relative(SRC, resolve(join(file, ".."), match[3]!));
        const owner = target.split(sep)[0]!;
        if (owner !== module && modules.includes(owner) && !isTypeOnly) offending.push(`${relative(SRC, file)} -> ${target}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it("inventory checks period locks through the seam, not through finance", () => {
    const text = files(join(SRC, "inventory")).map((f) => readFileSync(f, "utf8")).join("\n");
    expect(text).not.toMatch(/finance\/periods/);
  });
});

describe("module stores", () => {
  const definitions = [financeModule(), inventoryModule(), salesModule(), crmModule(), analyticsModule(), purchasingModule(), replenishmentModule()];
  const owned = new Map<string, string>();
  for (const m of definitions) {
    const r = m.registry ?? {};
    for (const store of [...(r.collections ?? []), ...(r.logs ?? []), ...(r.balances ?? []), ...(r.counters ?? [])]) owned.set(store.name, m.name);
  }

  it("knows each module's stores", () => {
    expect(owned.get("finance.open-items")).toBe("finance");
    expect([...owned.values()]).toEqual(expect.arrayContaining(["finance", "inventory", "sales", "crm", "purchasing"]));
  });

  it.each(modules.filter((m) => definitions.some((d) => d.name === m)))("module %s names no other module's store (it reads them through seams the facade wires)", (module) => {
    const offending: string[] = [];
    for (const file of files(join(SRC, module))) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/"([a-z][a-z-]*\.[a-z][a-z0-9.-]*)"/g)) {
        const owner = owned.get(match[1]!);
        if (owner !== undefined && owner !== module) offending.push(`${relative(SRC, file)}: "${match[1]}" (${owner})`);
      }
    }
    expect(offending).toEqual([]);
  });
});
