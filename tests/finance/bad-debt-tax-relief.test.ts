import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import type { FinanceOptions } from "../../src/finance/index.js";
import type { Store } from "../../src/ports/storage.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import { USD_RATES, VAT, balance, booksAgree, sharedPglite, storeOf } from "../sales/setup.js";

/*
 * VAT relief on bad debts: a bad-debt write-off with `taxRelief` takes back the output tax the
 * written-off part contains (per code: the invoice's tax × part / gross), posting it to output
 * tax instead of 6300, and the tax report counts it in the write-off's period; writing the debt
 * back — a late payment, a cancellation's credit note — charges that tax again.
 *
 * The order: MUG ×1 at 100.00 (DE-STD 19% = 19.00) and BOOK ×1 at 20.00 (DE-RED 7% = 1.40),
 * 140.40 for cus_1, invoiced on order on 2 March (INV2026-000001).
 */

const db = sharedPglite();
const INVOICE = "INV2026-000001";

function shop(store: Store, finance: FinanceOptions = {}): { sk: Storekeep; clock: ManualClock } {
  const clock = new ManualClock("2026-03-02T10:00:00.000Z");
  const sk = createStorekeep({ store, clock, ids: sequentialIds(), rates: memoryRates(USD_RATES), config: { functionalCurrency: "EUR", timeZone: "UTC" }, finance, sales: { tax: { codes: VAT, seller: { country: "DE" } } } });
  return { sk, clock };
}

async function placed(store: Store, currency: "EUR" | "USD" = "EUR", finance: FinanceOptions = {}): Promise<{ sk: Storekeep; clock: ManualClock }> {
  const { sk, clock } = shop(store, finance);
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  for (const sku of ["MUG", "BOOK"]) {
    await sk.inventory.defineProduct({ sku, costingMethod: "fifo" });
    await sk.inventory.receive({ sku, warehouseId: "wh", quantity: "10", unitCost: "3" });
  }
  await sk.sales.placeOrder({
    orderId: "ord_1",
    customerId: "cus_1",
    currency,
    warehouseId: "wh",
    lines: [
      { sku: "MUG", quantity: 1, unitPrice: "100" },
      { sku: "BOOK", quantity: 1, unitPrice: "20", taxCategory: "reduced" },
    ],
    shipTo: { country: "DE" },
  });
  return { sk, clock };
}

/** The tax report's output tax per code over [from, to], and whether it reconciles with 2300. */
async function taxOf(sk: Storekeep, from: string, to: string): Promise<{ rows: string[][]; output: string; reconciles: boolean }> {
  const report = await sk.finance.taxReport({ from, to });
  return { rows: report.rows.filter((r) => r.direction === "output").map((r) => [r.code ?? "-", r.base, r.tax]), output: report.outputTax, reconciles: report.reconciles };
}

/** Output tax 2300 as a credit balance (what is owed to the tax authority). */
async function outputTax(sk: Storekeep): Promise<string> {
  return new Decimal(await balance(sk, "2300")).negated().toFixed(2);
}

for (const kind of ["memory", "pglite"] as const) {
  describe(`${kind}: VAT relief on a bad debt`, () => {
    it("a whole invoice written off with taxRelief takes its 20.40 of output tax back in June's return; 6300 gets the net 120", async () => {
      const { sk } = await placed(storeOf(kind, db));
      expect(await outputTax(sk)).toBe("20.40");
      const w = await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-06-30", taxRelief: true });
      expect([w.functional, w.taxRelieved]).toEqual(["140.4", "20.4"]);
      expect(w.taxRelief.map((l) => [l.code, l.base, l.tax]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))).toEqual([
        ["DE-RED", "20", "1.4"],
        ["DE-STD", "100", "19"],
      ]);
      expect(await balance(sk, "6300")).toBe("120.00");
      expect(await outputTax(sk)).toBe("0.00");
      expect(await balance(sk, "1200")).toBe("0.00");
      expect(await taxOf(sk, "2026-03-01", "2026-03-31")).toEqual({ rows: [["DE-RED", "20", "1.4"], ["DE-STD", "100", "19"]], output: "20.4", reconciles: true });
      expect(await taxOf(sk, "2026-06-01", "2026-06-30")).toEqual({ rows: [["DE-RED", "-20", "-1.4"], ["DE-STD", "-100", "-19"]], output: "-20.4", reconciles: true });
      expect(await taxOf(sk, "2026-01-01", "2026-12-31")).toEqual({ rows: [["DE-RED", "0", "0"], ["DE-STD", "0", "0"]], output: "0", reconciles: true });
      // The settlement keeps what it relieved, for a write-back to charge again.
      const [item] = await sk.finance.openItems({ ledger: "receivables", party: "cus_1" });
      expect(item!.settlements.at(-1)!.taxRelief?.map((l) => l.tax).sort()).toEqual(["1.4", "19"]);
      await booksAgree(sk);
    });

    it("after 40.40 paid, the 100.00 written off relieves the tax it contains, per code and rounded to the cent: 13.53 + 1.00", async () => {
      const { sk, clock } = await placed(storeOf(kind, db));
      clock.set("2026-03-05T10:00:00.000Z");
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "40.4" });
      const w = await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-06-30", taxRelief: true });
      // 19 × 100 / 140.40 = 13.532…, 1.40 × 100 / 140.40 = 0.997…; bases 71.225… and 14.245…
      expect(Object.fromEntries(w.taxRelief.map((l) => [l.code, [l.base, l.tax]]))).toEqual({ "DE-STD": ["71.23", "13.53"], "DE-RED": ["14.25", "1"] });
      expect(w.taxRelieved).toBe("14.53");
      expect(await balance(sk, "6300")).toBe("85.47");
      expect(await outputTax(sk)).toBe("5.87");
      expect((await taxOf(sk, "2026-01-01", "2026-12-31")).output).toBe("5.87");
      expect((await taxOf(sk, "2026-01-01", "2026-12-31")).reconciles).toBe(true);
      await booksAgree(sk);
    });

    it("a late payment of half the relieved debt charges half its tax again (10.20) in July's return; the whole of it all of it", async () => {
      const { sk, clock } = await placed(storeOf(kind, db));
      await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-06-30", taxRelief: true });
      clock.set("2026-07-10T10:00:00.000Z");
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "70.2" });
      expect(await taxOf(sk, "2026-07-01", "2026-07-31")).toEqual({ rows: [["DE-RED", "10", "0.7"], ["DE-STD", "50", "9.5"]], output: "10.2", reconciles: true });
      expect(await outputTax(sk)).toBe("10.20");
      expect(await balance(sk, "6300")).toBe("60.00");
      clock.set("2026-07-20T10:00:00.000Z");
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2", amount: "70.2" });
      // Recovered in full: the invoice's tax is owed as invoiced, nothing stays written off.
      expect(await outputTax(sk)).toBe("20.40");
      expect(await balance(sk, "6300")).toBe("0.00");
      expect(await taxOf(sk, "2026-01-01", "2026-12-31")).toEqual({ rows: [["DE-RED", "20", "1.4"], ["DE-STD", "100", "19"]], output: "20.4", reconciles: true });
      expect(await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).toEqual([]);
      await booksAgree(sk);
    });

    it("cancelling the written-off order: its credit note takes the tax off once, the write-back charges the relief again — no tax is relieved twice", async () => {
      const { sk, clock } = await placed(storeOf(kind, db));
      await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-06-30", taxRelief: true });
      clock.set("2026-07-10T10:00:00.000Z");
      await sk.sales.cancelOrder({ orderId: "ord_1" });
      expect(await outputTax(sk)).toBe("0.00");
      expect(await balance(sk, "6300")).toBe("0.00");
      expect(await balance(sk, "1200")).toBe("0.00");
      const july = await taxOf(sk, "2026-07-01", "2026-07-31");
      // The credit note −20.40 and the relief charged again +20.40.
      expect([july.output, july.reconciles]).toEqual(["0", true]);
      expect((await taxOf(sk, "2026-01-01", "2026-12-31")).output).toBe("0");
      expect(await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).toEqual([]);
      await booksAgree(sk);
    });

    it("the shop's default writeOffs.badDebtTaxRelief relieves without asking; taxRelief: false on the write-off overrides it", async () => {
      const { sk } = await placed(storeOf(kind, db), "EUR", { writeOffs: { badDebtTaxRelief: true } });
      const first = await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-06-30", amount: "70.2" });
      expect(first.taxRelieved).toBe("10.2");
      const second = await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-06-30", taxRelief: false });
      expect([second.taxRelieved, second.taxRelief]).toEqual(["0", []]);
      expect(await balance(sk, "6300")).toBe("130.20");
      expect(await outputTax(sk)).toBe("10.20");
      await booksAgree(sk);
    });

    it("refuses relief on a small difference and into a locked tax period, writing nothing; in the next open period it goes through", async () => {
      const { sk, clock } = await placed(storeOf(kind, db));
      clock.set("2026-03-05T10:00:00.000Z");
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "100.4" });
      const small = await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "small-difference", date: "2026-03-31", taxRelief: true }).catch((e: unknown) => e);
      expect(isStorekeepError(small) && small.code).toBe("VALIDATION_FAILED");
      expect((small as Error).message).toMatch(/bad debts only/);
      await sk.finance.lockPeriod({ period: "2026-03", domains: ["tax"] });
      const locked = await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-03-31", taxRelief: true }).catch((e: unknown) => e);
      expect(isStorekeepError(locked) && locked.code).toBe("PERIOD_LOCKED");
      const [item] = await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true });
      expect([item!.openAmount, item!.settlements.length]).toEqual(["40", 1]);
      expect((await taxOf(sk, "2026-01-01", "2026-12-31")).output).toBe("20.4");
      // Dated in the open April it goes through, and April's return takes the relief.
      await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-04-01", taxRelief: true });
      expect(await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).toEqual([]);
      // 19 × 40 / 140.40 = 5.41, 1.40 × 40 / 140.40 = 0.40.
      expect((await taxOf(sk, "2026-04-01", "2026-04-30")).output).toBe("-5.81");
      await booksAgree(sk);
    });

    it("an invoice tracked before invoices kept their tax: relief asked is refused, naming the way out; without it the write-off goes through", async () => {
      const store = storeOf(kind, db);
      const { sk } = await placed(store, "EUR", { writeOffs: { badDebtTaxRelief: true } });
      // The item as it was stored before this release: no `tax`.
      await store.transaction(async (tx) => {
        const doc = await tx.documents.get<Record<string, never>>("finance.open-items", `receivables:${INVOICE}`);
        const { tax: _tax, ...old } = doc!.data as Record<string, unknown>;
        await tx.documents.put("finance.open-items", `receivables:${INVOICE}`, old as never, doc!.version);
      });
      for (const taxRelief of [true, undefined]) {
        const refused = await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-06-30", ...(taxRelief === undefined ? {} : { taxRelief }) }).catch((e: unknown) => e);
        expect(isStorekeepError(refused) && refused.code).toBe("VALIDATION_FAILED");
        expect((refused as Error).message).toMatch(/tracked before invoices kept their tax.*taxRelief: false/);
      }
      expect(await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).toHaveLength(1);
      const w = await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-06-30", taxRelief: false });
      expect([w.functional, w.taxRelieved]).toEqual(["140.4", "0"]);
      expect(await balance(sk, "6300")).toBe("140.40");
      await booksAgree(sk);
    });

    it("reversing a relieved write-off's entry undoes it: the invoice is owed again, its VAT charged again in the reversal's month, and a later payment is no recovery", async () => {
      const { sk, clock } = await placed(storeOf(kind, db));
      const w = await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-06-30", taxRelief: true });
      clock.set("2026-07-02T10:00:00.000Z");
      const reversal = await sk.finance.reverseEntry({ entryId: w.entryId });
      expect(reversal.date).toBe("2026-07-02");
      const [item] = await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true });
      expect([item!.documentId, item!.openAmount, item!.openFunctional]).toEqual([INVOICE, "140.4", "140.4"]);
      expect(item!.settlements.at(-1)).toMatchObject({ kind: "write-back", amount: "-140.4", reverses: w.writeOffId });
      expect(new Decimal(await balance(sk, "6300")).toFixed(2)).toBe("0.00");
      expect(await outputTax(sk)).toBe("20.40");
      expect(await taxOf(sk, "2026-07-01", "2026-07-31")).toEqual({ rows: [["DE-RED", "20", "1.4"], ["DE-STD", "100", "19"]], output: "20.4", reconciles: true });
      let view = (await sk.sales.order("ord_1"))!;
      expect([view.writtenOff, view.leftToPay]).toEqual(["0", "140.4"]);
      // Paid in full now: an ordinary payment, nothing to recover, the tax owed as invoiced.
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "140.4" });
      expect(await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).toEqual([]);
      expect(await outputTax(sk)).toBe("20.40");
      view = (await sk.sales.order("ord_1"))!;
      expect([view.writtenOff, view.leftToPay]).toEqual(["0", "0"]);
      const again = await sk.finance.reverseEntry({ entryId: w.entryId }).catch((e: unknown) => e);
      expect(isStorekeepError(again) && again.code).toBe("ALREADY_REVERSED");
      await booksAgree(sk);
    });

    it("reversing the later of two write-offs leaves the earlier one for a late payment to recover, with its own relief", async () => {
      const { sk, clock } = await placed(storeOf(kind, db));
      const first = await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-06-30", amount: "70.2", taxRelief: true });
      const second = await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-06-30" });
      expect([first.taxRelieved, second.taxRelieved]).toEqual(["10.2", "0"]);
      clock.set("2026-07-02T10:00:00.000Z");
      await sk.finance.reverseEntry({ entryId: second.entryId });
      expect((await sk.sales.order("ord_1"))!.writtenOff).toBe("70.2");
      clock.set("2026-07-10T10:00:00.000Z");
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "140.4" });
      expect(await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).toEqual([]);
      expect(new Decimal(await balance(sk, "6300")).toFixed(2)).toBe("0.00");
      expect(await outputTax(sk)).toBe("20.40");
      expect((await taxOf(sk, "2026-01-01", "2026-12-31")).reconciles).toBe(true);
      await booksAgree(sk);
    });

    it("refuses to reverse a write-off part of which a late payment recovered, changing nothing", async () => {
      const { sk, clock } = await placed(storeOf(kind, db));
      const w = await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-06-30", taxRelief: true });
      clock.set("2026-07-10T10:00:00.000Z");
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "40" });
      const before = [await balance(sk, "6300"), await outputTax(sk), (await taxOf(sk, "2026-01-01", "2026-12-31")).output];
      const refused = await sk.finance.reverseEntry({ entryId: w.entryId }).catch((e: unknown) => e);
      expect(isStorekeepError(refused) && refused.code).toBe("INVALID_TRANSITION");
      expect((refused as Error).message).toMatch(/recovered since/);
      expect([await balance(sk, "6300"), await outputTax(sk), (await taxOf(sk, "2026-01-01", "2026-12-31")).output]).toEqual(before);
      expect(await sk.finance.journal({ from: "2026-07-01", to: "2026-07-31" }).then((es) => es.filter((e) => e.kind === "reversal"))).toEqual([]);
      await booksAgree(sk);
    });

    it("refuses an unknown writeOffs option instead of ignoring it", () => {
      expect(() => shop(storeOf(kind, db), { writeOffs: { badDebtTaxRelef: true } as never })).toThrow(/unknown key "badDebtTaxRelef" \(did you mean "badDebtTaxRelief"\?\)/);
    });
  });
}

describe("memory: VAT relief in a foreign currency", () => {
  it("a USD invoice at 0.90 relieves its tax at the invoice's functional values (18.36 EUR), the net 108 EUR to 6300", async () => {
    const { sk } = await placed(memoryStore(), "USD");
    const w = await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date: "2026-06-30", taxRelief: true });
    expect([w.amount, w.currency, w.functional, w.taxRelieved]).toEqual(["140.4", "USD", "126.36", "18.36"]);
    expect(await balance(sk, "6300")).toBe("108.00");
    expect(await outputTax(sk)).toBe("0.00");
    expect((await taxOf(sk, "2026-01-01", "2026-12-31")).reconciles).toBe(true);
    await booksAgree(sk);
  });
});

describe("memory: VAT relief, property", () => {
  it("whatever is paid, written off with relief and paid late, output tax 2300 equals the tax report, no code is relieved beyond its invoiced tax, and a debt recovered in full owes its tax as invoiced", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ kind: fc.constantFrom("pay", "writeOff"), cents: fc.integer({ min: 1, max: 14_040 }) }), { minLength: 1, maxLength: 6 }),
        async (steps) => {
          const { sk, clock } = await placed(memoryStore());
          let day = 3;
          let paymentNo = 0;
          let captured = new Decimal(0);
          for (const step of steps) {
            clock.set(`2026-03-${String(day).padStart(2, "0")}T10:00:00.000Z`);
            const date = `2026-03-${String(day).padStart(2, "0")}`;
            day += 1;
            const [item] = await sk.finance.openItems({ ledger: "receivables", party: "cus_1" }).then((items) => items.filter((i) => i.documentId === INVOICE));
            const open = new Decimal(item!.openAmount);
            // A capture may pay what was written off too (a late payment recovers it).
            const amount = Decimal.min(new Decimal(step.cents).dividedBy(100), step.kind === "pay" ? new Decimal("140.4").minus(captured) : open);
            if (amount.lte(0)) continue;
            if (step.kind === "pay") {
              await sk.sales.capturePayment({ orderId: "ord_1", paymentId: `ch_${++paymentNo}`, amount: amount.toFixed() });
              captured = captured.plus(amount);
            }
            else await sk.finance.writeOff({ ledger: "receivables", documentId: INVOICE, reason: "bad-debt", date, amount: amount.toFixed(), taxRelief: true });
            const report = await sk.finance.taxReport({ from: "2026-01-01", to: "2026-12-31" });
            expect(report.reconciles).toBe(true);
            expect(await outputTax(sk)).toBe(new Decimal(report.outputTax).toFixed(2));
            const byCode = Object.fromEntries(report.rows.map((r) => [r.code, new Decimal(r.tax)]));
            expect(byCode["DE-STD"]!.gte(0) && byCode["DE-STD"]!.lte(19)).toBe(true);
            expect(byCode["DE-RED"]!.gte(0) && byCode["DE-RED"]!.lte(1.4)).toBe(true);
          }
          // The customer pays whatever is still owed, the write-offs included: all the tax is owed as invoiced.
          clock.set("2026-04-30T10:00:00.000Z");
          const left = new Decimal("140.4").minus(captured);
          if (left.gt(0)) await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_last", amount: left.toFixed() });
          expect(await outputTax(sk)).toBe("20.40");
          expect(new Decimal(await balance(sk, "6300")).toFixed(2)).toBe("0.00");
          await booksAgree(sk);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
