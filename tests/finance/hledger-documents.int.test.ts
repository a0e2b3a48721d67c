import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { defaultChart } from "../../src/finance/chart.js";
import { hledgerAccountName } from "../../src/finance/export.js";
import { toUnits } from "../../src/finance/posting-kernel.js";
import type { Storekeep } from "../../src/storekeep.js";
import { VAT, shop } from "../sales/setup.js";
import { asText, hledgerBalances, hledgerStatement, nextDay, requireHledger } from "./hledger-helpers.js";

/*
 * The hledger differential with tax and foreign currency in the journal (Finance II): not
 * random balanced entries this time but the books a shop's documents post — orders in EUR,
 * USD and GBP at two VAT rates, captures before and after invoicing at moving rates (exchange
 * differences computed by finance, IFRIC 22 advances, VAT on advances), partial returns with
 * credit notes and refunds, payouts with fees — exported and compared with hledger: the trial
 * balance per commodity and at cost, the balance sheet and the income statement.
 */

const chart = defaultChart();
const dir = mkdtempSync(join(tmpdir(), "storekeep-hledger-docs-"));
const journalPath = join(dir, "documents.journal");
let sk: Storekeep;
let counts = { orders: 0, advances: 0, returns: 0, foreign: 0 };

/** A deterministic daily rate walk for USD and GBP from March to July 2026. */
function rates(): { base: string; quote: string; date: string; rate: string }[] {
  const out: { base: string; quote: string; date: string; rate: string }[] = [];
  let usd = 9200;
  let gbp = 11600;
  for (let t = Date.parse("2026-03-01T00:00:00Z"); t <= Date.parse("2026-07-31T00:00:00Z"); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    usd += ((t / 86_400_000) % 7) - 3;
    gbp += ((t / 86_400_000) % 5) - 2;
    out.push({ base: "USD", quote: "EUR", date, rate: (usd / 10_000).toFixed(4) }, { base: "GBP", quote: "EUR", date, rate: (gbp / 10_000).toFixed(4) });
  }
  return out;
}

const orderArbitrary = fc.record({
  currency: fc.constantFrom("EUR", "USD", "GBP"),
  lines: fc.array(fc.record({ sku: fc.constantFrom("MUG", "BOOK"), quantity: fc.integer({ min: 1, max: 3 }), cents: fc.integer({ min: 99, max: 9_999 }) }), { minLength: 1, maxLength: 3 }),
  shipping: fc.integer({ min: 0, max: 900 }),
  advance: fc.boolean(),
  returnFirst: fc.boolean(),
  gapDays: fc.integer({ min: 0, max: 2 }),
});

describe("hledger agrees with the books a shop's taxed, foreign-currency documents post", () => {
  beforeAll(async () => {
    requireHledger();
    const made = shop(memoryStore(), { invoicing: "on-shipment", tax: { codes: VAT, seller: { country: "DE" }, taxOnAdvances: true } }, rates());
    sk = made.sk;
    const clock = made.clock;
    clock.set("2026-03-02T09:00:00.000Z");
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.inventory.defineProduct({ sku: "BOOK", costingMethod: "moving-average" });
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "2000", unitCost: "3.17" });
    await sk.inventory.receive({ sku: "BOOK", warehouseId: "wh", quantity: "2000", unitCost: "4.05" });
    const orders = fc.sample(orderArbitrary, { seed: 20261204, numRuns: 120 });
    let day = Date.parse("2026-03-02T10:00:00Z");
    const captures = new Map<string, string[]>();
    for (const [i, o] of orders.entries()) {
      const orderId = `ord_${i}`;
      day += o.gapDays * 86_400_000;
      clock.set(new Date(day).toISOString());
      await sk.sales.placeOrder({
        orderId,
        customerId: `cus_${i % 17}`,
        currency: o.currency,
        warehouseId: "wh",
        lines: o.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: (l.cents / 100).toFixed(2), ...(l.sku === "BOOK" ? { taxCategory: "reduced" } : {}) })),
        ...(o.shipping > 0 ? { shipping: { amount: (o.shipping / 100).toFixed(2) } } : {}),
        shipTo: { country: "DE" },
      });
      const list = captures.get(o.currency) ?? [];
      if (o.advance) {
        await sk.sales.capturePayment({ orderId, paymentId: `ch_${i}` });
        list.push(`ch_${i}`);
        counts.advances += 1;
      }
      clock.set(new Date(day + 86_400_000).toISOString());
      await sk.sales.shipOrder({ orderId, shipmentId: `shp_${i}` });
      if (!o.advance) {
        clock.set(new Date(day + 2 * 86_400_000).toISOString());
        await sk.sales.capturePayment({ orderId, paymentId: `ch_${i}` });
        list.push(`ch_${i}`);
      }
      captures.set(o.currency, list);
      if (o.returnFirst) {
        await sk.sales.deliverShipment({ shipmentId: `shp_${i}` });
        await sk.sales.requestReturn({ orderId, returnId: `ret_${i}`, lines: [{ lineId: "1", quantity: "1" }] });
        await sk.sales.receiveReturn({ returnId: `ret_${i}` });
        const view = (await sk.sales.order(orderId))!;
        const credit = view.order.receivable.amount.startsWith("-") ? view.order.receivable.amount.slice(1) : "0";
        if (credit !== "0") await sk.sales.refundPayment({ orderId, refundId: `re_${i}`, amount: credit, returnId: `ret_${i}` });
        counts.returns += 1;
      }
      counts.orders += 1;
      if (o.currency !== "EUR") counts.foreign += 1;
    }
    clock.set(new Date(day + 3 * 86_400_000).toISOString());
    for (const [currency, ids] of captures) {
      // Settle what the captures and refunds left in clearing, per currency, with a fee.
      const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
      const clearing = tb.rows.find((r) => r.account === "1150")!.byCurrency.find((c) => c.currency === currency);
      if (clearing === undefined || toUnits(clearing.amount) === 0n) continue;
      await sk.sales.settlePayout({ payoutId: `po_${currency}`, currency, gross: clearing.amount, fees: "1.25", paymentIds: ids });
    }
    writeFileSync(journalPath, await sk.finance.exportHledger());
  }, 600_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("the journal holds tax, exchange differences, advances and three currencies, and hledger checks it", async () => {
    expect(counts.orders).toBe(120);
    expect(counts.advances).toBeGreaterThan(20);
    expect(counts.returns).toBeGreaterThan(20);
    expect(counts.foreign).toBeGreaterThan(40);
    const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
    const moved = (code: string) => tb.rows.some((r) => r.account === code && (r.debit !== "0" || r.credit !== "0"));
    for (const code of ["2300", "6800", "4300", "6100", "5100"]) expect(moved(code), `account ${code} moved`).toBe(true);
    const currencies = new Set(tb.rows.flatMap((r) => r.byCurrency.map((c) => c.currency)));
    expect(currencies).toEqual(new Set(["EUR", "USD", "GBP"]));
    // Every advance's VAT was released by its invoice: 1410 is back to zero.
    expect(moved("1410")).toBe(false);
  });

  for (const asOf of ["2026-03-15", "2026-04-30", "2026-12-31"]) {
    it(`the trial balance per commodity and at cost in EUR as of ${asOf}`, async () => {
      const tb = await sk.finance.trialBalance({ asOf });
      const ours = new Map<string, Map<string, bigint>>();
      const oursAtCost = new Map<string, Map<string, bigint>>();
      for (const row of tb.rows) {
        if (row.header) continue;
        const name = hledgerAccountName(chart, row.account);
        ours.set(name, new Map(row.byCurrency.map((c) => [c.currency, toUnits(c.amount)] as const)));
        oursAtCost.set(name, new Map([["EUR", toUnits(row.debit) - toUnits(row.credit)]]));
      }
      expect(asText(hledgerBalances(journalPath, ["-e", nextDay(asOf)]))).toEqual(asText(ours));
      expect(asText(hledgerBalances(journalPath, ["-B", "-e", nextDay(asOf)]))).toEqual(asText(oursAtCost));
    });
  }

  it("the balance sheet and the income statement", async () => {
    const bs = await sk.finance.balanceSheet({ asOf: "2026-12-31" });
    const is = await sk.finance.incomeStatement({ from: "2026-01-01", to: "2026-12-31" });
    const section = (lines: readonly { account: string; header: boolean; amount: string }[]) =>
      asText(new Map(lines.filter((l) => !l.header).map((l) => [hledgerAccountName(chart, l.account), new Map([["EUR", toUnits(l.amount)]])] as const)));
    const bse = hledgerStatement(journalPath, "bse", ["-e", "2027-01-01"]);
    const their = (report: typeof bse, title: string) => asText(new Map([...report.get(title)!.rows].map(([name, v]) => [name, new Map([["EUR", v]])] as const)));
    expect(their(bse, "Assets")).toEqual(section(bs.assets.lines));
    expect(their(bse, "Liabilities")).toEqual(section(bs.liabilities.lines));
    const income = hledgerStatement(journalPath, "is", ["-b", "2026-01-01", "-e", "2027-01-01"]);
    expect(their(income, "Revenues")).toEqual(section(is.revenue.lines));
    expect(their(income, "Expenses")).toEqual(section(is.expenses.lines));
  });

  it("the VAT return reconciles with the tax accounts for each month", async () => {
    for (const [from, to] of [["2026-03-01", "2026-03-31"], ["2026-04-01", "2026-04-30"], ["2026-05-01", "2026-05-31"]] as const) {
      const report = await sk.finance.taxReport({ from, to });
      expect(report.reconciles, `${from}..${to}`).toBe(true);
    }
  });
});
