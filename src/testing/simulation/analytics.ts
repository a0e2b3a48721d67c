import { Decimal } from "../../kernel/decimal.js";
import type { BreakdownRow } from "../../analytics/kpis.js";
import { type ModulePart, type ShopContext, type SimStep, retryingInjected } from "./context.js";

/*
 * Analytics' part of the whole-shop simulation: its scheduled rules (`runRules`: expire soft
 * holds, low-stock and dead-stock alerts) run now and then — alone, a low-stock run for a new
 * day alerts exactly the SKUs the stock model says are at or below the default threshold (0)
 * among those that ever had stock (a stock movement in the outbox), each with the model's on
 * hand — and at full checks its KPI report over the whole run read against what the
 * simulation knows and what the other modules keep:
 * - `orders` is the number of orders the sales part placed, and `new-customers` the number
 *   of customers they were placed for: an order counts for the customer its id resolved to
 *   when it was placed (through CRM merges) and stays with it when they are split again;
 *   customers merged into one another count once;
 * - the SKU rows of the breakdown add up to the shop's GMV and units, and their COGS to the
 *   income statement's COGS over the run; each SKU's units and orders are those of every
 *   order as it stands now (edits restate their order);
 * - the stock-value KPI is the Inventory account's balance, and the warehouse rows (stock in
 *   transit included) add up to it plus the stock in transit.
 */

const LOW_STOCK = "inventory.low-stock-alerts";
const MOVEMENTS = new Set(["StockReceived", "StockIssued", "StockAdjusted", "StockTransferred"]);

/** Analytics' commands and invariants for the simulator. */
export function analyticsPart(shop: ShopContext): ModulePart {
  const { sk } = shop;
  const from = shop.daysAgo(3);

  // SKUs that ever moved (the outbox's stock movements, read as they come): the low-stock rule looks at every SKU that ever had stock.
  const moved = new Set<string>();
  const alerts: { sku: string; onHand: string; rule: string; slot: string }[] = [];
  let cursor: string | null = null;
  const readOutbox = async (): Promise<void> => {
    for (;;) {
      const page = await shop.store.readEvents(cursor, 10_000);
      for (const e of page) {
        const p = e.payload as { sku?: string; onHand?: string; rule?: string; slot?: string; kind?: string };
        if (MOVEMENTS.has(e.type) && p.sku !== undefined) moved.add(p.sku);
        if (e.type === "StockAlertRaised" && p.kind === "low-stock") alerts.push({ sku: p.sku!, onHand: p.onHand!, rule: p.rule!, slot: p.slot! });
      }
      if (page.length === 0) break;
      cursor = page[page.length - 1]!.position;
      if (page.length < 10_000) break;
    }
  };

  const steps = (): SimStep[] => [
    {
      name: "analytics.runRules",
      weight: 0.5,
      run: async () => {
        const alone = !shop.concurrent();
        if (alone) await retryingInjected(readOutbox);
        const result = await sk.analytics.runRules();
        if (!alone) return result;
        // Alone, a low-stock run for a new slot alerts exactly the SKUs the stock model says are at or
        // below the threshold (0 by default) among those that ever had stock, each with the model's on hand.
        const run = result.runs.find((r) => r.rule === LOW_STOCK && r.status === "ran");
        if (run === undefined || (run.result as { raisedEarlier?: boolean } | undefined)?.raisedEarlier === true) return result;
        await retryingInjected(readOutbox);
        // Every alert of the slot, whenever raised: a run of the slot that raised its alerts and then
        // failed to record itself (an injected failure) is replayed by this one, which raises nothing new.
        const raised = alerts.filter((a) => a.rule === LOW_STOCK && a.slot === run.slot);
        const expected = [...moved].filter((sku) => (shop.expectedOnHand.get(sku) ?? 0) <= 0).sort();
        const got = raised.map((a) => a.sku).sort();
        const wrongOnHand = raised.filter((a) => Number(a.onHand) !== (shop.expectedOnHand.get(a.sku) ?? 0));
        if (got.join(",") !== expected.join(",") || wrongOnHand.length > 0) {
          throw new Error(`low-stock alerts for ${run.slot} name ${got.join(",") || "no SKU"}${wrongOnHand.length > 0 ? ` (on hand ${wrongOnHand.map((a) => `${a.sku}=${a.onHand}`).join(", ")})` : ""}; the stock model says ${expected.join(",") || "none"} (on hand ${expected.map((sku) => `${sku}=${shop.expectedOnHand.get(sku) ?? 0}`).join(", ")}) are at or below 0`);
        }
        shop.tally("analytics.low-stock-runs-checked");
        shop.tally("analytics.low-stock-alerts", raised.length);
        return result;
      },
    },
  ];

  const invariants = async (full: boolean): Promise<string[]> => {
    if (!full) return [];
    const violations: string[] = [];
    const to = shop.today();
    // A report catches analytics' projection up first, which writes: it meets injected failures, so the check retries it.
    const report = await retryingInjected(() => sk.analytics.kpis({ from, to, breakdowns: ["sku", "warehouse"] }));
    const k = report.kpis;
    const placed = shop.ordersPlaced();
    if (k["orders"] !== String(placed)) violations.push(`the orders KPI is ${k["orders"]}, the sales part placed ${placed}`);
    const customers = shop.customersWithOrders();
    if (k["new-customers"] !== String(customers)) violations.push(`the new-customers KPI is ${k["new-customers"]}, orders were placed for ${customers} customers (merged ones counted once)`);
    const sum = (rows: readonly BreakdownRow[], field: "gmv" | "cogs" | "stockValue") => rows.reduce((s, r) => s.plus(new Decimal(r[field] ?? "0")), new Decimal(0));
    const skuRows = report.breakdowns.sku ?? [];
    if (!sum(skuRows, "gmv").eq(k["gmv"] ?? "0")) violations.push(`the SKU rows' GMV adds up to ${sum(skuRows, "gmv").toFixed(2)}, the GMV KPI is ${k["gmv"]}`);
    // Units and orders per SKU are those of every order as it stands now: an edit (OrderEdited) restates its order.
    const want = new Map<string, { units: Decimal; orders: number }>();
    for (let after: { placedAt: string; orderId: string } | null | undefined; after !== null; ) {
      const query = after === undefined ? { limit: 1000 } : { limit: 1000, after };
      const page = await retryingInjected(() => sk.sales.orders(query));
      for (const row of page.orders) {
        if (row.state === "draft") continue;
        const order = (await retryingInjected(() => sk.sales.order(row.orderId)))?.order;
        const held = new Set<string>();
        for (const line of order?.lines ?? []) {
          const w = want.get(line.sku) ?? { units: new Decimal(0), orders: 0 };
          want.set(line.sku, { units: w.units.plus(line.quantity), orders: w.orders + (held.has(line.sku) ? 0 : 1) });
          held.add(line.sku);
        }
      }
      after = page.next;
    }
    for (const sku of new Set([...want.keys(), ...skuRows.map((r) => r.key)])) {
      const row = skuRows.find((r) => r.key === sku);
      const w = want.get(sku) ?? { units: new Decimal(0), orders: 0 };
      if (!new Decimal(row?.units ?? "0").eq(w.units) || Number(row?.orders ?? "0") !== w.orders) {
        violations.push(`SKU ${sku}: analytics counts ${row?.units ?? "0"} units in ${row?.orders ?? "0"} orders, the orders as they stand hold ${w.units.toString()} in ${w.orders}`);
      }
    }
    const tb = await sk.finance.trialBalance({ asOf: to });
    const net = (rows: typeof tb.rows, account: string) => {
      const row = rows.find((r) => r.account === account);
      return row === undefined ? new Decimal(0) : new Decimal(row.debit).minus(row.credit);
    };
    // The income statement's COGS over the run (the year-end close's entries left out).
    const income = await sk.finance.incomeStatement({ from, to });
    const cogs = new Decimal(income.expenses.lines.find((l) => l.account === "5100")?.amount ?? "0");
    if (!sum(skuRows, "cogs").eq(cogs)) violations.push(`the SKU rows' COGS adds up to ${sum(skuRows, "cogs").toFixed(2)}, the income statement's COGS over the run is ${cogs.toFixed(2)}`);
    const inventory = net(tb.rows, "1300");
    if (!new Decimal(k["stock-value"] ?? "0").eq(inventory)) violations.push(`the stock-value KPI is ${k["stock-value"]}, the Inventory account ${inventory.toFixed(2)}`);
    // The warehouse rows, in transit included, share out each SKU's value: they add up to the
    // Inventory account plus the stock in transit (which the books keep apart).
    const warehouses = report.breakdowns.warehouse ?? [];
    const stock = inventory.plus(net(tb.rows, "1310"));
    if (!sum(warehouses, "stockValue").eq(stock)) violations.push(`the warehouse rows' stock adds up to ${sum(warehouses, "stockValue").toFixed(2)}, the Inventory account and stock in transit to ${stock.toFixed(2)}`);
    return violations;
  };

  return { name: "analytics", steps, invariants };
}
