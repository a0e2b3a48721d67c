import { memoryRates, memoryStore } from "../../../src/adapters/memory/index.js";
import { type OpenItem, createFinanceApi, financeModule } from "../../../src/finance/index.js";
import { resolveConfig } from "../../../src/runner/config.js";
import { createRuntime } from "../../../src/runner/runner.js";
import { ManualClock } from "../../../src/testing/clock.js";
import { sequentialIds } from "../../../src/testing/ids.js";
import type { BenchWorkload } from "../harness.js";

/*
 * finance.aging-100k: `sk.finance.aging` over 100,000 open receivables (2,000 customers,
 * EUR and USD, a third partly settled) stored in the in-memory store — reading the items
 * through the byParty index and bucketing their open amounts as of a date — beside a plain
 * kernel bucketing the same items held in arrays (bigint amounts, day numbers). The value
 * is items/s; the median time per aging is in the table (subject ms).
 */

const ITEMS = 100_000;

function rng(seed: number): (max: number) => number {
  let state = seed >>> 0 || 1;
  return (max) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % max;
  };
}

function day(n: number): string {
  return new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
}

function makeItems(): OpenItem[] {
  const next = rng(2026_12_04);
  const out: OpenItem[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const date = next(700);
    const cents = 100 + next(100_000);
    const currency = next(4) === 0 ? "USD" : "EUR";
    const functionalCents = currency === "EUR" ? cents : Math.round(cents * 0.9);
    const settled = next(3) === 0 ? Math.floor(cents / 2) : 0;
    const settledFunctional = currency === "EUR" ? settled : Math.round(settled * 0.9);
    const text = (c: number) => (c / 100).toFixed(2);
    out.push({
      itemId: `receivables:inv_${i}`, ledger: "receivables", party: `cus_${next(2000)}`, documentId: `inv_${i}`, documentType: "invoice",
      date: day(date), dueDate: day(date + 30), currency, amount: text(cents), functional: text(functionalCents),
      openAmount: text(cents - settled), openFunctional: text(functionalCents - settledFunctional),
      settlements: settled === 0 ? [] : [{ date: day(date + 10 + next(60)), documentId: `pay_${i}`, kind: "payment", amount: text(settled), booked: text(settledFunctional), settled: text(settledFunctional) }],
    });
  }
  return out;
}

interface Context {
  readonly finance: ReturnType<typeof createFinanceApi>;
  readonly plain: { party: string[]; currency: string[]; date: number[]; due: number[]; amount: bigint[]; settledOn: number[]; settledAmount: bigint[] };
}

const AS_OF = "2026-06-30";
const AS_OF_DAY = Math.round((Date.UTC(2026, 5, 30) - Date.UTC(2025, 0, 1)) / 86_400_000);

async function prepare(): Promise<Context> {
  const items = makeItems();
  const store = memoryStore();
  const options = {};
  const runtime = createRuntime({ store, clock: new ManualClock("2026-07-01T00:00:00.000Z"), ids: sequentialIds(), rates: memoryRates([]), config: resolveConfig({ functionalCurrency: "EUR", timeZone: "UTC" }), modules: [financeModule(options)] });
  await runtime.ready();
  await store.transaction(async (tx) => {
    for (const item of items) await tx.documents.put("finance.open-items", item.itemId, item as never, 0);
  });
  const cents = (s: string) => BigInt(Math.round(Number(s) * 100));
  const dayOf = (s: string) => Math.round((Date.parse(`${s}T00:00:00Z`) - Date.UTC(2025, 0, 1)) / 86_400_000);
  const plain = {
    party: items.map((i) => i.party),
    currency: items.map((i) => i.currency),
    date: items.map((i) => dayOf(i.date)),
    due: items.map((i) => dayOf(i.dueDate)),
    amount: items.map((i) => cents(i.amount)),
    settledOn: items.map((i) => (i.settlements.length === 0 ? Number.MAX_SAFE_INTEGER : dayOf(i.settlements[0]!.date))),
    settledAmount: items.map((i) => (i.settlements.length === 0 ? 0n : cents(i.settlements[0]!.amount))),
  };
  return { finance: createFinanceApi(runtime, options), plain };
}

/** The plain kernel: open amount as of the date, days past due, bucket, sum per party and currency. */
function plainAging(p: Context["plain"]): Map<string, bigint[]> {
  const rows = new Map<string, bigint[]>();
  for (let i = 0; i < p.party.length; i++) {
    if (p.date[i]! > AS_OF_DAY) continue;
    const open = p.amount[i]! - (p.settledOn[i]! <= AS_OF_DAY ? p.settledAmount[i]! : 0n);
    if (open === 0n) continue;
    const overdue = AS_OF_DAY - p.due[i]!;
    const bucket = overdue <= 0 ? 0 : overdue <= 30 ? 1 : overdue <= 60 ? 2 : overdue <= 90 ? 3 : 4;
    const key = `${p.party[i]}|${p.currency[i]}`;
    let row = rows.get(key);
    if (row === undefined) {
      row = [0n, 0n, 0n, 0n, 0n];
      rows.set(key, row);
    }
    row[bucket]! += open;
  }
  return rows;
}

export const workloads: BenchWorkload[] = [
  {
    name: "finance.aging-100k",
    unit: "items/s",
    ops: ITEMS,
    rounds: 5,
    prepare,
    async subject(ctx: Context) {
      const table = await ctx.finance.aging({ ledger: "receivables", asOf: AS_OF });
      return { extra: { rows: table.rows.length, total: table.total } };
    },
    baseline(ctx: Context) {
      return plainAging(ctx.plain).size;
    },
  } as BenchWorkload<Context> as BenchWorkload,
];
