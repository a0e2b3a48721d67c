import { Decimal } from "../../kernel/decimal.js";
import { isStorekeepError } from "../../kernel/errors.js";
import type { PositionedEvent } from "../../ports/storage.js";
import type { BreakdownRow } from "../../analytics/kpis.js";
import type { ModulePart, ShopContext, SimStep } from "./context.js";

/*
 * Analytics' part of the whole-shop simulation: the KPI report over the run so far and the
 * scheduled rules (`runRules`: hold expiry, low- and dead-stock alerts raised with
 * `analytics.raiseStockAlerts`), ticked now and then and at once again. Checked against what
 * the simulator drove and the ledgers it checks elsewhere, to the minor unit where analytics
 * promises it: orders = the orders placed in the range (the outbox's OrderPlaced); stock
 * value = the Inventory account at the range's end; the ageing buckets hold every unit on
 * hand; the SKU rows of the breakdown add up to the GMV and to the income statement's COGS,
 * the warehouse rows (stock in transit included) to the Inventory account plus the stock in
 * transit; each stock alert's units on hand equal the SKU's (the simulator's stock model), a
 * low-stock tick raises the alerts of every SKU that had stock and is at or below its
 * threshold (3 units; 1 for the pens) and of no other; a second tick in the same slot raises
 * nothing, and no alert is ever raised twice for one rule, slot and SKU. Rules that meet an injected store failure are
 * reported failed and run at the next tick; any other failure fails the seed.
 */

const TRANSIENT = new Set(["STORE_FAILURE", "COMMIT_OUTCOME_UNKNOWN"]);

/** Analytics' commands and invariants for the simulator; `from` is the run's first day, `lowStock` the shop's thresholds. */
export function analyticsPart(shop: ShopContext, from: string, lowStock: { readonly default: string; readonly skus: Readonly<Record<string, string>> }): ModulePart {
  const { sk } = shop;
  const pending: string[] = [];
  // SKUs seen with stock on hand (at a check), so ever stocked.
  const stocked = new Set<string>();

  const outboxEvents = async (types: ReadonlySet<string>): Promise<PositionedEvent[]> => {
    const out: PositionedEvent[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page: readonly PositionedEvent[] = await shop.store.readEvents(cursor, 10_000);
      for (const e of page) if (types.has(e.type)) out.push(e);
      if (page.length < 10_000) return out;
      cursor = page[page.length - 1]!.position;
    }
  };
  const retried = async <T>(run: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (!(isStorekeepError(error) && TRANSIENT.has(error.code)) || attempt > 1000) throw error;
      }
    }
  };

  /** The KPI report's promises over [from, today]. */
  const kpiViolations = async (): Promise<string[]> => {
    const violations: string[] = [];
    const today = shop.today();
    const report = await retried(() => sk.analytics.kpis({ from, to: today, breakdowns: ["sku", "warehouse"] }));
    const placed = (await outboxEvents(new Set(["OrderPlaced"]))).filter((e) => e.effectiveDate >= from && e.effectiveDate <= today).length;
    if (String(report.kpis["orders"]) !== String(placed)) violations.push(`analytics counts ${report.kpis["orders"]} orders placed from ${from} to ${today}; the outbox holds ${placed}`);
    const tb = await sk.finance.trialBalance({ asOf: today });
    const inventoryAccount = tb.rows.filter((r) => r.account === "1300").reduce((sum, r) => sum.plus(r.debit).minus(r.credit), new Decimal(0));
    if (report.kpis["stock-value"] !== inventoryAccount.toFixed(2)) violations.push(`analytics' stock value is ${report.kpis["stock-value"]}; the Inventory account 1300 holds ${inventoryAccount.toFixed(2)}`);
    const aged = report.ageing.reduce((sum, b) => sum.plus(b.quantity), new Decimal(0));
    const onHand = [...shop.expectedOnHand.values()].reduce((sum, q) => sum + q, 0);
    if (!aged.eq(onHand)) violations.push(`analytics' ageing buckets hold ${aged.toFixed()} units; ${onHand} are on hand`);
    // The breakdowns add up: the SKU rows to the GMV and to the income statement's COGS over the
    // range (the year-end close's entries left out); the warehouse rows, stock in transit
    // included, to the Inventory account plus the stock in transit (1310).
    const sum = (rows: readonly BreakdownRow[], field: "gmv" | "cogs" | "stockValue") => rows.reduce((total, r) => total.plus(r[field] ?? "0"), new Decimal(0));
    const skuRows = report.breakdowns.sku ?? [];
    if (!sum(skuRows, "gmv").eq(report.kpis["gmv"] ?? "0")) violations.push(`analytics' SKU rows' GMV adds up to ${sum(skuRows, "gmv").toFixed(2)}; its GMV is ${report.kpis["gmv"]}`);
    const income = await sk.finance.incomeStatement({ from, to: today });
    const cogs = new Decimal(income.expenses.lines.find((l) => l.account === "5100")?.amount ?? "0");
    if (!sum(skuRows, "cogs").eq(cogs)) violations.push(`analytics' SKU rows' COGS adds up to ${sum(skuRows, "cogs").toFixed(2)}; the income statement's COGS from ${from} to ${today} is ${cogs.toFixed(2)}`);
    const inTransit = tb.rows.filter((r) => r.account === "1310").reduce((total, r) => total.plus(r.debit).minus(r.credit), new Decimal(0));
    const warehouses = report.breakdowns.warehouse ?? [];
    if (!sum(warehouses, "stockValue").eq(inventoryAccount.plus(inTransit))) violations.push(`analytics' warehouse rows' stock adds up to ${sum(warehouses, "stockValue").toFixed(2)}; the Inventory account and stock in transit to ${inventoryAccount.plus(inTransit).toFixed(2)}`);
    return violations;
  };

  const steps = (): SimStep[] => [
    {
      name: "analytics.kpis",
      weight: 0.4,
      run: async () => {
        if (shop.concurrent()) {
          await retried(() => sk.analytics.kpis({ from, to: shop.today() }));
          return undefined;
        }
        pending.push(...(await kpiViolations()));
        shop.tally("analytics.kpis-checked");
        return undefined;
      },
    },
    {
      name: "analytics.runRules",
      weight: 0.4,
      run: async () => {
        const alone = !shop.concurrent();
        const before = alone ? (await outboxEvents(new Set(["StockAlertRaised"]))).length : 0;
        // A tick whose bookkeeping commit is reported lost is ticked again, as a host's scheduler would (the slot ran once).
        const tick = await retried(() => sk.analytics.runRules());
        for (const r of tick.runs) {
          if (r.status === "failed" && !TRANSIENT.has(r.error?.code ?? "")) pending.push(`rule ${r.rule} failed in slot ${r.slot}: ${r.error?.code} ${r.error?.message}`);
          if (r.status === "ran") shop.tally(`analytics.rules.${r.rule}`);
        }
        if (!alone) return tick;
        const alerts = (await outboxEvents(new Set(["StockAlertRaised"]))).slice(before);
        const lowStockRun = tick.runs.find((r) => r.rule === "inventory.low-stock-alerts" && r.status === "ran");
        if (lowStockRun !== undefined) {
          const raised = alerts.filter((a) => (a.payload as { kind: string }).kind === "low-stock");
          // The thresholds cover every SKU that ever had stock (src/analytics/stock-alerts.ts).
          const threshold = (sku: string): number => Number(lowStock.skus[sku] ?? lowStock.default);
          const low = [...shop.expectedOnHand.entries()].filter(([sku, q]) => q <= threshold(sku) && stocked.has(sku)).map(([sku]) => sku).sort();
          const named = raised.map((a) => (a.payload as { sku: string }).sku).sort();
          const wrong = named.filter((sku) => (shop.expectedOnHand.get(sku) ?? 0) > threshold(sku));
          const missed = low.filter((sku) => !named.includes(sku));
          if (wrong.length + missed.length > 0) pending.push(`the low-stock rule raised alerts for ${JSON.stringify(named)}; the SKUs that had stock and are at or below their threshold are ${JSON.stringify(low)}`);
          shop.tally("analytics.low-stock-alerts", raised.length);
        }
        for (const a of alerts) {
          const p = a.payload as { sku: string; onHand: string; kind: string };
          const expected = shop.expectedOnHand.get(p.sku);
          if (expected !== undefined && !new Decimal(p.onHand).eq(expected)) pending.push(`a ${p.kind} alert says ${p.sku} has ${p.onHand} on hand; the stock model says ${expected}`);
        }
        // The same slot again: nothing is raised twice.
        const again = await retried(() => sk.analytics.runRules());
        // (a rule reported failed — an injected store failure — runs again and may raise then, once).
        const all = await outboxEvents(new Set(["StockAlertRaised"]));
        const failed = tick.runs.some((r) => r.status === "failed");
        if (!failed && all.length !== before + alerts.length) pending.push(`ticking the rules again in the same slot raised ${all.length - before - alerts.length} more alerts`);
        const raisedOnce = new Set<string>();
        for (const a of all) {
          const p = a.payload as { rule: string; slot: string; kind: string; sku: string };
          const key = `${p.rule} ${p.slot} ${p.kind} ${p.sku}`;
          if (raisedOnce.has(key)) pending.push(`the alert ${key} was raised twice`);
          raisedOnce.add(key);
        }
        if (failed) shop.tally("analytics.rules.failed-and-ticked-again");
        for (const r of again.runs) if (r.status === "ran" && tick.runs.some((t) => t.rule === r.rule && t.slot === r.slot && t.status === "ran")) pending.push(`rule ${r.rule} ran twice in slot ${r.slot}`);
        return tick;
      },
    },
  ];

  const invariants = async (full: boolean): Promise<string[]> => {
    const violations = pending.splice(0);
    for (const [sku, q] of shop.expectedOnHand) if (q !== 0) stocked.add(sku);
    if (full) violations.push(...(await kpiViolations()));
    return violations;
  };

  return { name: "analytics", steps, invariants };
}
