/**
 * `npm run demo`: a shop simulated through every module that exists, on the embedded
 * in-memory store by default (`npm run demo -- --store pglite` for embedded PostgreSQL,
 * `-- --store postgres://...` for a server), from two weeks of a real UK online gift shop
 * (UCI Online Retail, CC BY 4.0: examples/data/README.md).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Decimal, createStorekeep, defaultChart, extendChart, renderDashboardHtml, forecastDrivenPolicy, isStorekeepError, memoryRates, simulateReplenishment, type Storekeep } from "../src/index.js";
import { ManualClock, sequentialIds } from "../src/testing/index.js";
import { type RetailInvoice, loadRetailInvoices } from "./online-retail.js";
import { purchasingOptions, shopSalesOptions, simulateShop } from "./shop.js";
import { progressReporter } from "./progress.js";
import { storeFromArgs } from "./store-from-args.js";

const log = (line: string) => console.log(line);
function heading(text: string): void {
  console.log(`\n=== ${text} ${"=".repeat(Math.max(0, 76 - text.length))}`);
}
const money = (amount: string) => new Decimal(amount).toFixed(2).padStart(12);

async function main(): Promise<void> {
  const { store, close } = await storeFromArgs(process.argv.slice(2));
  const invoices = loadRetailInvoices();
  const clock = new ManualClock(new Date("2010-11-30T08:00:00Z"));
  const rates = memoryRates([
    { base: "USD", quote: "GBP", date: "2010-11-01", rate: "0.64" },
    { base: "USD", quote: "GBP", date: "2010-12-10", rate: "0.62" },
  ]);
  const sk: Storekeep = createStorekeep({ store, clock, ids: sequentialIds(), rates, config: { functionalCurrency: "GBP", timeZone: "Europe/London" }, sales: shopSalesOptions, analytics: { automation: { lowStock: { default: 3 } } }, purchasing: purchasingOptions, finance: { chart: extendChart(defaultChart(), [{ code: "4910", name: "Interest income", type: "revenue", parent: "4000" }]), dunning: { levels: [{ afterDays: 3 }, { afterDays: 14 }, { afterDays: 28 }], interest: { annualRate: "0.0925", account: "4910" } } } });
  try {
    heading(`A shop on storekeep (${store.name} store): two weeks of UCI Online Retail`);
    log(`${invoices.length} invoices (${invoices.filter((i) => i.cancellation).length} cancellations) from examples/data/online-retail-2010-12.csv`);
    const run = await simulateShop(sk, clock, invoices, log, progressReporter("trading days"));
    log(`orders sold and shipped: ${run.orders}; refused because the last units were gone: ${run.refusedSoldOut}`);
    log(`customer returns restocked and refunded: ${run.returns}; cancellations of orders before the sample: ${run.returnsSkipped}`);

    await showFoundation(sk);
    await showSales(sk, clock);
    await showInventory(sk, clock);
    await showFinance(sk);
    await showOpenItems(sk, clock);
    await showCrm(sk);
    await showAnalytics(sk);
    await showAutomation(sk, clock);
    await showReplenishment(sk, invoices);
  } finally {
    await sk.close();
    await close();
  }
}

async function showFoundation(sk: Storekeep): Promise<void> {
  heading("Runner: idempotency and the outbox");
  const before = (await sk.events.read(null, 10_000)).length;
  // A web order arrives twice under the same key (a retried HTTP request): one effect.
  const webOrder = (unitPrice: string) => sk.sales.placeOrder({ orderId: "ord_web_1", customerId: "cus_17850", currency: "GBP", warehouseId: "wh_main", shipTo: { country: "GB" }, lines: [{ lineId: "l1", sku: "22423", quantity: 1, unitPrice }] }, { idempotencyKey: "web-order-1" });
  await webOrder("12.75");
  await webOrder("12.750");
  const afterReplay = (await sk.events.read(null, 10_000)).length;
  const mismatch = await webOrder("11.00").catch((e: unknown) => e);
  log(`the same order sent twice under one key: ${afterReplay - before} events written once (OrderPlaced and its reservation); the key with other input: ${isStorekeepError(mismatch) ? mismatch.code : "accepted?!"}`);
  const counts = new Map<string, number>();
  for (const e of await sk.events.read(null, 10_000)) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  log(`outbox: ${afterReplay} events; by type: ${[...counts].map(([t, n]) => `${t} ${n}`).join(", ")}`);
  const crm = sk.events.consumer("demo.crm-timeline", () => undefined, { batchSize: 500 });
  const first = await crm.runOnce();
  const second = await crm.runOnce();
  log(`consumer "${first.name}": processed ${first.processed}, then ${second.processed} on the next run (durable checkpoint at ${first.position})`);
}

async function showSales(sk: Storekeep, clock: ManualClock): Promise<void> {
  heading("Sales: an order's life, statuses, legal numbers, cancellation and expiry");
  const [first] = (await sk.sales.orders({ from: "2010-12-01", to: "2010-12-14", limit: 1000 })).orders.slice(-1);
  if (first !== undefined) {
    const view = (await sk.sales.order(first.orderId))!;
    const o = view.order;
    log(`${o.orderId} (${o.lines.length} lines, ${o.currency} ${o.totals.gross} incl. VAT ${o.totals.tax}): ${JSON.stringify(view.statuses)}`);
    log(`  invoices ${o.invoices.map((i) => `${i.invoiceId} due ${i.dueDate}`).join(", ")}; history ${o.history.map((h) => h.action).join(" → ")}`);
    // The carrier reports the delivery (its webhook arrives twice): the order completes once.
    for (const shipmentId of o.shipments) for (let i = 0; i < 2; i++) await sk.sales.deliverShipment({ shipmentId });
    const delivered = (await sk.sales.order(o.orderId))!;
    log(`  delivered (the carrier's webhook twice, one effect): ${JSON.stringify(delivered.statuses)}; history ${delivered.order.history.map((h) => h.action).join(" → ")}`);
  }
  const page = await sk.sales.orders({ state: "completed", limit: 5 });
  log(`orders completed: first page ${page.orders.map((c) => c.orderId).join(", ") || "none"} (next: ${page.next === null ? "none" : page.next.orderId})`);
  // A phone order is placed, put on hold, and cancelled: its reservation goes back at once.
  clock.set(new Date("2010-12-14T09:00:00.000Z"));
  const before = (await sk.inventory.availability("21479", "wh_main")).available;
  const phone = await sk.sales.placeOrder({ orderId: "ord_phone_1", customerId: "cus_12583", currency: "GBP", warehouseId: "wh_main", shipTo: { country: "GB" }, lines: [{ sku: "21479", quantity: 2, unitPrice: "3.75" }], discounts: [{ kind: "threshold", every: "5", off: "0.50", label: "50p off every £5" }] });
  const held = (await sk.inventory.availability("21479", "wh_main")).available;
  await sk.sales.changeOrderState({ orderId: phone.orderId, action: "hold" });
  const refused = await sk.sales.shipOrder({ orderId: phone.orderId, shipmentId: "shp_phone_1" }).catch((e: unknown) => e);
  await sk.sales.cancelOrder({ orderId: phone.orderId });
  log(`ord_phone_1 totals ${phone.total} GBP after "50p off every £5"; 21479 available ${before} → ${held} while held; shipping it on hold: ${isStorekeepError(refused) ? `${refused.code} (${refused.message})` : "shipped?!"}; cancelled → available ${(await sk.inventory.availability("21479", "wh_main")).available}`);
  // An unpaid web order expires after a day: the expiry command (a host's schedule) cancels it.
  const unpaid = await sk.sales.placeOrder({ customerId: "cus_13047", currency: "GBP", warehouseId: "wh_main", shipTo: { country: "GB" }, lines: [{ sku: "21479", quantity: 1, unitPrice: "3.75" }] });
  clock.set(new Date("2010-12-15T09:30:00.000Z"));
  const expired = await sk.sales.expireOrders({});
  log(`unpaid ${unpaid.orderId} expired a day later: ${expired.expired.join(", ")} (${(await sk.sales.order(unpaid.orderId))!.order.state})`);
  clock.set(new Date("2010-12-14T18:00:00.000Z"));
}

async function showInventory(sk: Storekeep, clock: ManualClock): Promise<void> {
  heading("Inventory: reservations, back-dating, valuation, audit");
  const [row] = await sk.inventory.onHand({ sku: "22423" });
  // A cart holds the last units softly; once its hold expires, nobody counts it.
  clock.set(new Date("2010-12-14T12:00:00.000Z"));
  const available = await sk.inventory.availability("22423", "wh_main");
  const cart = await sk.inventory.reserve({ kind: "soft", lines: [{ sku: "22423", warehouseId: "wh_main", quantity: available.available }], expiresAt: "2010-12-14T12:20:00.000Z" });
  const during = await sk.inventory.availability("22423", "wh_main");
  clock.set(new Date("2010-12-14T12:30:00.000Z"));
  const after = await sk.inventory.availability("22423", "wh_main");
  const expired = await sk.inventory.expireReservations();
  log(`22423 on hand ${row?.quantity ?? "0"}: a cart holds ${cart.reservations[0]!.quantity} (available ${during.available}); after its hold expires, available ${after.available}; expiry released ${expired.expired}`);

  // A delivery of 2 December was keyed in late: only that SKU is re-derived, from that date on.
  clock.set(new Date("2010-12-14T18:00:00.000Z"));
  const cogsBefore = (await sk.finance.incomeStatement({ from: "2010-12-01", to: "2010-12-14" })).expenses.lines.find((l) => l.account === "5100")?.amount ?? "0";
  const late = await sk.inventory.receive({ sku: "21479", warehouseId: "wh_main", locationId: "wh_main/A", quantity: "24", unitCost: "1.05", effectiveDate: "2010-12-02", reference: "grn_late_1" }, { idempotencyKey: "grn_late_1" });
  const cogsAfter = (await sk.finance.incomeStatement({ from: "2010-12-01", to: "2010-12-14" })).expenses.lines.find((l) => l.account === "5100")?.amount ?? "0";
  log(`back-dated receipt ${late.movementId} (24 × 21479 (FIFO) at 1.05, effective 2010-12-02, not yet billed): COGS ${cogsBefore} → ${cogsAfter} GBP, posted as StockRevalued on the affected days`);

  const lastIssue = (await sk.inventory.history({ sku: "21479", limit: 1000 })).filter((h) => h.kind === "sale-issue").at(-1);
  if (lastIssue !== undefined) {
    const why = await sk.inventory.explain(lastIssue.movementId);
    log(`explain ${why.movementId} (${why.method}, ${why.quantity} units for ${why.amount} GBP): ${why.layers.map((l) => `${l.quantity} from ${l.layer} at ${l.unitCost}`).join("; ")}`);
  }

  const valuation = await sk.inventory.valuation({ asOf: "2010-12-14" });
  log("\nvaluation as of 2010-12-14 (GBP)");
  log(`${"sku".padEnd(8)} ${"quantity".padStart(9)} ${"value".padStart(12)}`);
  for (const v of valuation) log(`${v.sku.padEnd(8)} ${v.quantity.padStart(9)} ${money(v.value)}`);
  const total = valuation.reduce((sum, v) => sum.plus(v.value), new Decimal(0));
  log(`${"total".padEnd(8)} ${"".padStart(9)} ${money(total.toFixed())}`);
  const audit = await sk.inventory.audit({ asOf: "2010-12-14" });
  log(`audit as of 2010-12-14: ${audit.ok ? "ok" : "DIFFERENCES"} — ${audit.movements} movements over ${audit.skus} SKUs; stock value ${audit.stockValue} = Inventory account ${audit.inventoryAccount}${audit.differences.map((d) => `\n  ${d.sku ?? "-"} ${d.check}: ${d.cause}`).join("")}`);

  // A stocktake of shelf A for two SKUs: one is a unit short, the other a unit over.
  clock.set(new Date("2010-12-14T19:00:00.000Z"));
  const skus = ["21479", "22423"];
  await sk.inventory.startStocktake({ stocktakeId: "st_demo", warehouseId: "wh_main", locations: ["wh_main/A"], skus, recountAbove: "5" });
  const book = await sk.inventory.onHand();
  const items = skus.map((sku, i) => {
    const held = new Decimal(book.find((r) => r.sku === sku && r.locationId === "wh_main/A")?.quantity ?? "0");
    return { sku, quantity: held.plus(i === 0 ? -1 : 1).toFixed() };
  });
  const counted = await sk.inventory.recordCount({ stocktakeId: "st_demo", locationId: "wh_main/A", items });
  const approved = await sk.inventory.approveStocktake({ stocktakeId: "st_demo" });
  log(`stocktake of wh_main/A (blind, ${counted.items} SKUs counted, ${counted.status}): ${approved.summary.adjusted} adjustments posted in one command, shrinkage ${approved.summary.shrinkage} GBP, gain ${approved.summary.gain} GBP; audit ${(await sk.inventory.audit()).ok ? "ok" : "DIFFERENCES"}`);
}

async function showFinance(sk: Storekeep): Promise<void> {
  heading("Finance: trial balance and statements, 2010-12-01 to 2010-12-14");
  const tb = await sk.finance.trialBalance({ asOf: "2010-12-14" });
  log(`${"account".padEnd(34)} ${"debit".padStart(12)} ${"credit".padStart(12)}`);
  for (const r of tb.rows.filter((r) => !r.header && (r.debit !== "0" || r.credit !== "0"))) log(`${`${r.account} ${r.name}`.padEnd(34)} ${money(r.debit)} ${money(r.credit)}`);
  log(`${"total".padEnd(34)} ${money(tb.totals.debit)} ${money(tb.totals.credit)}`);

  const is = await sk.finance.incomeStatement({ from: "2010-12-01", to: "2010-12-14" });
  log("\nincome statement");
  for (const l of [...is.revenue.lines, ...is.expenses.lines].filter((l) => !l.header && l.amount !== "0")) log(`  ${`${l.account} ${l.name}`.padEnd(32)} ${money(l.amount)}`);
  log(`  ${"net income".padEnd(32)} ${money(is.netIncome)}`);

  const bs = await sk.finance.balanceSheet({ asOf: "2010-12-14" });
  log(`\nbalance sheet as of 2010-12-14: assets ${bs.assets.total}, liabilities ${bs.liabilities.total}, equity ${bs.equity.total} + current earnings ${bs.currentEarnings.amount} → balanced: ${bs.balanced}`);
  const vatReturn = await sk.finance.taxReport({ from: "2010-12-01", to: "2010-12-14" });
  log(`\nVAT return 2010-12-01 to 2010-12-14 (${vatReturn.currency}; from the tax lines of every invoice, credit note and bill)`);
  for (const r of vatReturn.rows) log(`  ${`${r.direction} ${r.code ?? "untagged"} ${r.rate === null ? "" : `${new Decimal(r.rate).times(100).toFixed()}%`} ${r.country ?? ""}`.padEnd(32)} base ${money(r.base)}  tax ${money(r.tax)}  (${r.documents} documents)`);
  log(`  output tax ${vatReturn.outputTax}, input tax ${vatReturn.inputTax}, payable ${vatReturn.payable}; tax accounts agree: ${vatReturn.reconciles}`);
  const hledger = await sk.finance.exportHledger({});
  log(`hledger export: ${hledger.split("\n").length} lines (npm run test:integration checks it against hledger itself)`);
}

async function showOpenItems(sk: Storekeep, clock: ManualClock): Promise<void> {
  heading("Open items: a US customer's invoice settled at another rate, and aging");
  // Two USD orders invoiced with the order (0.64 GBP per USD), due in 7 and 28 days, on account within a 400 GBP credit limit.
  clock.set(new Date("2010-12-01T15:00:00.000Z"));
  await sk.sales.setCreditLimit({ customerId: "cus_us", limit: "400" });
  await sk.sales.placeOrder({ orderId: "ord_us_1", customerId: "cus_us", currency: "USD", warehouseId: "wh_main", shipTo: { country: "US" }, reserveAt: "none", invoicing: "on-order", paymentTermsDays: 7, lines: [{ sku: "22423", quantity: 40, unitPrice: "12.50" }] });
  clock.set(new Date("2010-12-03T15:00:00.000Z"));
  await sk.sales.placeOrder({ orderId: "ord_us_2", customerId: "cus_us", currency: "USD", warehouseId: "wh_main", shipTo: { country: "US" }, reserveAt: "none", invoicing: "on-order", paymentTermsDays: 28, lines: [{ sku: "22423", quantity: 8, unitPrice: "12.50" }] });
  // A third order on account would take the customer beyond its limit.
  const refused = await sk.sales.placeOrder({ orderId: "ord_us_3", customerId: "cus_us", currency: "USD", warehouseId: "wh_main", shipTo: { country: "US" }, reserveAt: "none", invoicing: "on-order", paymentTermsDays: 28, lines: [{ sku: "22423", quantity: 16, unitPrice: "12.50" }] }).then(
    () => "placed",
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
  const credit = await sk.sales.creditStatus("cus_us");
  log(`credit limit of cus_us: ${credit.limit} GBP, owes ${credit.open} GBP, ${credit.available} GBP available; a third order of 200 USD: ${refused.slice(0, 90)}…`);
  // 300 USD arrive at 0.62: sales relieves 300/500 of the 320.00 booked (192.00) and carries the difference for finance.
  clock.set(new Date("2010-12-10T15:00:00.000Z"));
  await sk.sales.capturePayment({ orderId: "ord_us_1", paymentId: "pay_us_1", amount: "300" });
  clock.set(new Date("2010-12-14T18:30:00.000Z"));
  const [entry] = (await sk.finance.journal({ from: "2010-12-10", to: "2010-12-10" })).filter((e) => e.memo?.includes("pay_us_1"));
  for (const l of entry?.lines ?? []) log(`  ${l.account.padEnd(6)} ${l.functional.padStart(9)} GBP ${l.currency === "GBP" ? "" : `(${l.amount} ${l.currency})`}`);
  const aging = await sk.finance.aging({ ledger: "receivables", asOf: "2010-12-14" });
  log(`\nreceivables aging as of 2010-12-14 (transaction currency)`);
  log(`${"customer".padEnd(10)} ${"cur".padEnd(4)} ${aging.labels.map((l) => l.padStart(9)).join(" ")}`);
  for (const r of aging.rows) log(`${r.party.padEnd(10)} ${r.currency.padEnd(4)} ${r.amounts.map((a) => a.padStart(9)).join(" ")}`);
  // Dunning: reminders 3, 14 and 28 days past the due date (the shop's levels).
  const dunning = await sk.finance.runDunning({ asOf: "2010-12-14" });
  for (const n of dunning.notices) log(`dunning: ${n.party} reminder level ${n.level}: ${n.overdue} ${n.currency} overdue (${n.items.map((i) => `${i.documentId} ${i.open} due ${i.dueDate}, ${i.daysOverdue} days`).join("; ")})${n.interest === "0" ? "" : `, default interest at 9.25% a year: ${n.interest} ${n.currency}`}`);
  const [receivables] = await sk.finance.auditSubledgers({ asOf: "2010-12-14" });
  log(`subledger ${receivables!.subledger} GBP = Receivables ${receivables!.control} GBP: ${receivables!.ok ? "ok" : "DIFFERENCE"}`);
}

async function showCrm(sk: Storekeep): Promise<void> {
  heading("CRM: RFM segments and lifetime value as of 2010-12-15");
  const synced = await sk.crm.syncTimeline();
  log(`timeline consumer "crm.timeline": ${synced.processed} outbox events read`);
  const scores = await sk.crm.segments("2010-12-15");
  const bySegment = new Map<string, number>();
  for (const s of scores) bySegment.set(s.segment, (bySegment.get(s.segment) ?? 0) + 1);
  log(`${scores.length} customers with purchases (net of returns and cancellations): ${[...bySegment].sort((a, b) => b[1] - a[1]).map(([seg, n]) => `${seg} ${n}`).join(", ")}`);
  // Two weeks of history: plain maximum likelihood runs to a degenerate model (its warnings
  // say so); a small penalizer keeps the fit within bounds.
  const plain = await sk.crm.customerValue("2010-12-15", { weeks: 52, discountRatePerWeek: 0.002 });
  for (const warning of plain.warnings) log(`plain fit warning: ${warning}`);
  const value = await sk.crm.customerValue("2010-12-15", { weeks: 52, discountRatePerWeek: 0.002, penalizer: 0.01 });
  log(`with penalizer ${value.penalizer}: ${value.warnings.length === 0 ? "no fit warnings" : value.warnings.join(" ")}`);
  log(`BG/NBD (weeks): r ${value.bgNbd.r.toFixed(3)}, alpha ${value.bgNbd.alpha.toFixed(3)}, a ${value.bgNbd.a.toFixed(3)}, b ${value.bgNbd.b.toFixed(3)}; Gamma-Gamma ${value.gammaGamma ? `p ${value.gammaGamma.p.toFixed(2)}, q ${value.gammaGamma.q.toFixed(2)}, gamma ${value.gammaGamma.gamma.toFixed(2)}` : "not fitted (no repeat buyers)"}`);
  log("(two weeks of history is little for BG/NBD: read the fit as a demonstration, not a forecast)");
  const segmentOf = new Map(scores.map((s) => [s.customerId, `${s.cell} ${s.segment}`]));
  log(`${"customer".padEnd(12)} ${"orders".padStart(6)} ${"P(alive)".padStart(8)} ${"E[orders 52w]".padStart(13)} ${"CLV (GBP)".padStart(10)}  segment`);
  for (const c of value.customers.slice(0, 5)) {
    log(`${c.customerId.padEnd(12)} ${String(c.purchases).padStart(6)} ${c.probabilityAlive.toFixed(3).padStart(8)} ${c.expectedPurchases.toFixed(2).padStart(13)} ${c.clv.toFixed(2).padStart(10)}  ${segmentOf.get(c.customerId) ?? "-"}`);
  }
}

async function showAnalytics(sk: Storekeep): Promise<void> {
  heading("Analytics: KPIs for the fortnight, by week, against the books");
  const report = await sk.analytics.kpis({ from: "2010-12-01", to: "2010-12-14", grain: "week", breakdowns: ["sku"] });
  const k = report.kpis;
  log(`GMV ${k.gmv} GBP, net revenue ${k["net-revenue"]} GBP, ${k.orders} orders (AOV ${k.aov}), gross margin ${k["gross-margin"]} (${pct(k["gross-margin-pct"])})`);
  log(`stock value ${k["stock-value"]} GBP, stock turn ${k["stock-turn"]}, days of inventory ${k["days-of-inventory"]}, GMROI ${k.gmroi}, sell-through ${pct(k["sell-through"])}, dead stock ${k["dead-stock-value"]} GBP`);
  log(`fill rate ${pct(k["fill-rate"])}, on time ${pct(k["on-time-shipment"])}, return rate ${pct(k["return-rate"])}, refund rate ${pct(k["refund-rate"])}; DSO ${k.dso ?? "-"} days, DPO ${k.dpo ?? "-"}, cash ${k["cash-position"]} GBP`);
  log(`customers: ${k["new-customers"]} new, ${k["returning-customer-orders"]} orders from returning ones, repeat rate ${pct(k["repeat-rate"])}`);
  for (const p of report.series?.points ?? []) log(`  week of ${p.label}: GMV ${p.kpis.gmv?.padStart(10)}, net revenue ${p.kpis["net-revenue"]?.padStart(10)}, margin ${pct(p.kpis["gross-margin-pct"])}`);
  log(`top SKUs by GMV: ${(report.breakdowns.sku ?? []).slice(0, 3).map((r) => `${r.key} ${r.gmv}`).join(", ")}`);
  log(`ageing: ${report.ageing.map((b) => `${b.label} days ${b.value}`).join(", ")}`);
  const dashboard = await sk.analytics.dashboard({ from: "2010-12-01", to: "2010-12-14" }, { title: "UCI Online Retail on storekeep, 1-14 December 2010" });
  const file = join(dirname(fileURLToPath(import.meta.url)), "output", "dashboard.html");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderDashboardHtml(dashboard));
  log(`dashboard (one self-contained HTML file, inline SVG charts): ${relative(process.cwd(), file)}`);
  const is = await sk.finance.incomeStatement({ from: "2010-12-01", to: "2010-12-14" });
  // Net revenue is the sales accounts' (4100 + 4200 − 4300); the income statement's revenue also holds the dunning's interest income (4910).
  const interest = is.revenue.lines.find((l) => l.account === "4910")?.amount ?? "0";
  const salesRevenue = new Decimal(is.revenue.total).minus(interest).toFixed(2);
  if (salesRevenue !== new Decimal(k["net-revenue"] ?? "0").toFixed(2)) throw new Error(`analytics' net revenue ${k["net-revenue"]} is not the income statement's sales revenue ${salesRevenue}`);
  log(`reconciles: net revenue ${k["net-revenue"]} = income statement revenue ${is.revenue.total} less interest income ${interest}; stock value = Inventory account (see the audit above)`);
}

async function showAutomation(sk: Storekeep, clock: ManualClock): Promise<void> {
  heading("Automation: the scheduled rules, ticked every 6 hours over the fortnight");
  log(`rules: ${(await sk.analytics.rules()).map((r) => `${r.name} (${typeof r.schedule === "string" ? r.schedule : `every ${r.schedule.everyMinutes} min`})`).join(", ")}`);
  const ticks = 14 * 4;
  const counts = new Map<string, number>();
  const tty = process.stdout.isTTY === true;
  for (let i = 0; i < ticks; i++) {
    clock.set(new Date(Date.parse("2010-12-01T06:00:00Z") + i * 6 * 3_600_000));
    const tick = await sk.analytics.runRules();
    for (const r of tick.runs) if (r.status === "ran") counts.set(r.rule, (counts.get(r.rule) ?? 0) + 1);
    const done = i + 1;
    // A progress bar on a terminal; plain lines when the output is a file or a pipe.
    if (tty) process.stdout.write(`\r[${"#".repeat(Math.round((done / ticks) * 40)).padEnd(40, ".")}] ${done}/${ticks} ticks`);
    else if (done % 14 === 0 || done === ticks) log(`ticks ${done}/${ticks}`);
  }
  if (tty) process.stdout.write("\n");
  clock.set(new Date("2010-12-15T09:00:00.000Z"));
  const alerts = (await sk.events.read(null, 10_000)).filter((e) => e.type === "StockAlertRaised");
  log(`ran: ${[...counts].map(([rule, n]) => `${rule} ${n}×`).join(", ")}; ${alerts.length} StockAlertRaised events (low stock ≤ 3 units, daily; dead stock, weekly); a second tick in the same slot does nothing`);
}

function pct(ratio: string | null | undefined): string {
  return ratio === null || ratio === undefined ? "-" : `${(Number(ratio) * 100).toFixed(1)}%`;
}

async function showReplenishment(sk: Storekeep, invoices: readonly RetailInvoice[]): Promise<void> {
  heading("Replenishment: this week's purchase suggestions, explained");
  // Daily demand of the six best sellers, 2010-12-01 .. 2010-12-14, from the sales above.
  const days = Array.from({ length: 14 }, (_, i) => `2010-12-${String(i + 1).padStart(2, "0")}`);
  const demand = new Map<string, { units: number[]; cost: string }>();
  for (const invoice of invoices) {
    if (invoice.cancellation) continue;
    const day = days.indexOf(invoice.at.slice(0, 10));
    if (day < 0) continue;
    for (const line of invoice.lines) {
      const d = demand.get(line.stockCode) ?? { units: new Array<number>(14).fill(0), cost: new Decimal(line.unitPrice).times("0.5").toFixed(2) };
      d.units[day] = (d.units[day] as number) + Math.max(0, line.quantity);
      demand.set(line.stockCode, d);
    }
  }
  const top = [...demand.entries()].sort((a, b) => b[1].units.reduce((x, y) => x + y, 0) - a[1].units.reduce((x, y) => x + y, 0)).slice(0, 6);
  // The supplier's terms live in purchasing; sk.replenishment reads them with the sales, stock, reservations and open orders.
  await sk.purchasing.defineSupplier({ supplierId: "uk-wholesale", currency: "GBP", leadTimeDays: 5, paymentTerms: { netDays: 30 }, taxParty: { country: "GB" } });
  for (const [sku, d] of top) await sk.purchasing.setSupplierItem({ supplierId: "uk-wholesale", sku, minimumOrderQuantity: 24, packMultiple: 12, prices: [{ unitPrice: d.cost }] });
  const plan = { asOf: "2010-12-15", skus: top.map(([sku]) => sku), warehouses: ["wh_main"], periodDays: 1, historyPeriods: 14, orderCost: "15.00" };
  const result = await sk.replenishment.suggest(plan);
  log(`${"sku".padEnd(8)} ${"class".padEnd(12)} ${"method".padEnd(14)} ${"per day".padStart(8)} ${"ROP".padStart(7)} ${"order".padStart(6)}  stock-out without it`);
  for (const s of result.suggestions) {
    const e = s.explanation;
    log(`${s.sku.padEnd(8)} ${e.method.classification.demandClass.padEnd(12)} ${e.method.model.padEnd(14)} ${(e.forecast.perPeriod[0] ?? 0).toFixed(1).padStart(8)} ${e.formula.reorderPoint.toFixed(0).padStart(7)} ${String(s.quantity).padStart(6)}  ${e.projectedStockoutDate ?? "-"}`);
  }
  for (const n of result.noOrder) log(`${n.sku.padEnd(8)} no order: ${n.reason.slice(0, 90)}`);
  const first = result.suggestions[0];
  if (first) log(`why ${first.sku}: on hand ${first.explanation.inputs.onHand}, reserved ${first.explanation.inputs.reserved}, on order ${first.explanation.inputs.onOrder}, ${first.explanation.inputs.historyPeriods} days of sales; ${first.explanation.method.reason}; ${first.explanation.formula.text}${first.explanation.adjustments.length ? `; ${first.explanation.adjustments.join("; ")}` : ""}`);
  // The suggestions become one standing draft per supplier and warehouse: a second run the same day changes nothing.
  const drafted = await sk.replenishment.draftOrders(plan);
  const rerun = await sk.replenishment.draftOrders(plan);
  log(`draft orders: ${drafted.orders.map((o) => `${o.purchaseOrderId} ${o.outcome}`).join(", ")}; run again: ${rerun.orders.map((o) => `${o.purchaseOrderId} ${o.outcome}`).join(", ")}`);
  for (const order of drafted.orders) {
    await sk.purchasing.approveOrder({ purchaseOrderId: order.purchaseOrderId, approver: "buyer" });
    await sk.purchasing.sendOrder({ purchaseOrderId: order.purchaseOrderId });
    log(`purchase order ${order.purchaseOrderId}: ${order.lines.length} lines, ${order.net} GBP net, sent${order.adjustments.length ? `; rounded to the supplier's MOQ 24 / packs of 12: ${order.adjustments.map((a) => `${a.sku} ${a.suggested}→${a.ordered}`).join(", ")}` : ""}`);
  }
  const incoming = await sk.purchasing.incoming({ warehouseId: "wh_main" });
  log(`incoming to wh_main: ${incoming.map((i) => `${i.sku} ${i.quantity} by ${i.nextExpectedDate}`).join(", ")}`);
  // The simulator reports progress: a bar while it replays the best seller's fortnight.
  const [sku, best] = top[0] ?? ["-", { units: [0, 0] }];
  let bar = "";
  const sim = simulateReplenishment(
    { demand: best.units, warmupPeriods: 7, leadTimePeriods: 2, initialStock: 0, unitCost: 1, orderCost: 15, holdingRatePerPeriod: 0.001, onProgress: (p) => (bar = `[${"#".repeat(p.done).padEnd(p.total, ".")}]`) },
    forecastDrivenPolicy({ fillRate: 0.95, leadTimePeriods: 2, orderQuantity: (f) => Math.max(1, Math.round(f * 3)) }),
  );
  log(`${bar} replayed ${sku} day by day from an empty shelf: fill rate ${(sim.fillRate * 100).toFixed(1)}%, ${sim.orders} orders`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
