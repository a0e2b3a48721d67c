import { describe, expect, it } from "vitest";
import type { PGlite } from "@electric-sql/pglite";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Store } from "../../src/ports/storage.js";
import type { OrderDoc } from "../../src/sales/order.js";
import type { Storekeep } from "../../src/storekeep.js";
import { balance, booksAgree, sharedPglite, shop, stock, storeOf } from "./setup.js";

/*
 * A credit note mirrors the invoice it credits: its rate, its id, its figures for what it
 * credits. An order in USD, books in EUR, DE VAT 19%; USD at 0.90 from 1 March and 0.95 from
 * 10 March. On an on-shipment shop the order ships in two parts across the change, so its
 * goods are on two invoices at two rates; a credit of goods of both (an edit's correction, a
 * return, a cancellation) is one credit note per invoice, each at its invoice's rate.
 *
 * Before, one credit note at the first invoice's rate (0.90) credited everything and named the
 * first invoice: the second invoice's goods were taken off revenue and output tax at 0.90
 * though they went on at 0.95, and the difference surfaced as an exchange loss.
 *
 * Accounts as debit − credit: revenue 4100 and output tax 2300 negative, Sales returns 4300 and
 * an exchange loss on 6800 positive, receivables 1200.
 */

const RATES = [
  { base: "USD", quote: "EUR", date: "2026-03-01", rate: "0.9" },
  { base: "USD", quote: "EUR", date: "2026-03-10", rate: "0.95" },
];

const db = sharedPglite();

/** ord_1 for cus_1 in USD: line 1 MUG ×1 at 10.00, line 2 TEE ×1 at 20.00, line 3 TEE ×2 at 20.00 (+19% VAT), placed on 2 March. */
async function placed(store: Store, invoicing: "on-shipment" | "on-order" = "on-shipment"): Promise<{ sk: Storekeep; clock: ReturnType<typeof shop>["clock"] }> {
  const { sk, clock } = shop(store, { invoicing }, RATES);
  await stock(sk, ["MUG", "TEE"]);
  await sk.sales.placeOrder({
    orderId: "ord_1", customerId: "cus_1", currency: "USD", warehouseId: "wh", shipTo: { country: "DE" },
    lines: [{ sku: "MUG", quantity: 1, unitPrice: "10" }, { sku: "TEE", quantity: 1, unitPrice: "20" }, { sku: "TEE", quantity: 2, unitPrice: "20" }],
  });
  return { sk, clock };
}

/** The accounts the figures are about, as decimal strings. */
async function books(sk: Storekeep): Promise<Record<"4100" | "4300" | "2300" | "6800" | "1200", string>> {
  const at = async (account: string) => new Decimal(await balance(sk, account)).toFixed(2);
  return { "4100": await at("4100"), "4300": await at("4300"), "2300": await at("2300"), "6800": await at("6800"), "1200": await at("1200") };
}

/** The credit notes issued so far: id, the invoice it names, the invoices it settles, its rate and functional figures. */
async function creditNotes(sk: Storekeep): Promise<unknown[]> {
  return (await sk.events.read(null, 10_000))
    .filter((e) => e.type === "CreditNoteIssued")
    .map((e) => {
      const p = e.payload as { creditNoteId: string; invoiceId?: string; invoiceIds?: string[]; rate: string; gross: { amount: string }; functional: { net: { amount: string }; tax: { amount: string }; gross: { amount: string } } };
      return [p.creditNoteId, p.invoiceId, p.invoiceIds, p.rate, p.gross.amount, `${p.functional.net.amount}/${p.functional.tax.amount}/${p.functional.gross.amount}`];
    });
}

/** The output tax the VAT report shows for March: base/tax. */
async function vatReport(sk: Storekeep): Promise<string[]> {
  const report = await sk.finance.taxReport({ from: "2026-03-01", to: "2026-03-31" });
  return report.rows.map((r) => `${r.base}/${r.tax}`);
}

/** The receivables open for cus_1: document, open amount (USD), open functional (EUR). */
async function open(sk: Storekeep): Promise<string[][]> {
  return (await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).map((i) => [i.documentId, i.openAmount, i.openFunctional]);
}

/** Two shipments across the change: the MUG on 2 March (INV…1 at 0.90), then `second` on 10 March (INV…2 at 0.95). */
async function shippedInTwo(sk: Storekeep, clock: ReturnType<typeof shop>["clock"], first: { lineId: string; quantity: string }[], second?: { lineId: string; quantity: string }[]): Promise<void> {
  await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: first });
  clock.set("2026-03-10T10:00:00.000Z");
  await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2", ...(second === undefined ? {} : { lines: second }) });
}

for (const kind of ["memory", "pglite"] as const) {
  const storeFor = (d: () => PGlite) => storeOf(kind, d);

  describe(`${kind}: credit notes mirror the invoice they credit, rate and figures`, () => {
    it("(a) an edit of an unshipped line after two shipments at 0.90 and 0.95: one correction credit note per invoice, each at its rate — revenue 28.50, output tax 5.42, no exchange difference", async () => {
      const { sk, clock } = await placed(storeFor(db));
      // INV…1 (MUG): 10.00 + 1.90 = 11.90 USD at 0.90 = 9.00 + 1.71 = 10.71 EUR.
      // INV…2 (TEE, line 2): 20.00 + 3.80 = 23.80 USD at 0.95 = 19.00 + 3.61 = 22.61 EUR.
      await shippedInTwo(sk, clock, [{ lineId: "1", quantity: "1" }], [{ lineId: "2", quantity: "1" }]);
      expect(await books(sk)).toEqual({ "4100": "-28.00", "4300": "0.00", "2300": "-5.32", "6800": "0.00", "1200": "33.32" });

      // Line 3 (nothing of it shipped) goes from 2 to 1 on 10 March.
      const edited = await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "3", quantity: "1" }] });
      // CN…1 mirrors INV…1 (9.00 + 1.71 = 10.71 EUR at 0.90), CN…2 mirrors INV…2 (19.00 + 3.61 = 22.61 EUR at 0.95); each
      // settles its own invoice at the value it was booked at, so nothing is realised on 6800. INV…3 re-invoices what shipped
      // on the edit's day: 30.00 + 5.70 = 35.70 USD at 0.95 = 28.50 + 5.42 (5.415) = 33.92 EUR.
      // Revenue −28.00 + 9.00 + 19.00 − 28.50 = −28.50; output tax −5.32 + 1.71 + 3.61 − 5.42 = −5.42.
      // (Before: one CN at 0.90 for 35.70 = 27.00 + 5.13 = 32.13 EUR naming INV…1 — revenue 29.50, output tax 5.61, and a
      // 1.19 loss: INV…2's 23.80, booked at 22.61, settled by 21.42 of the 0.90 credit.)
      expect(await books(sk)).toEqual({ "4100": "-28.50", "4300": "0.00", "2300": "-5.42", "6800": "0.00", "1200": "33.92" });
      expect(await vatReport(sk)).toEqual(["28.5/5.42"]);
      expect(await creditNotes(sk)).toEqual([
        ["CN2026-000001", "INV2026-000001", ["INV2026-000001", "INV2026-000002"], "0.9", "11.9", "9/1.71/10.71"],
        ["CN2026-000002", "INV2026-000002", ["INV2026-000002", "INV2026-000001"], "0.95", "23.8", "19/3.61/22.61"],
      ]);
      expect(await open(sk)).toEqual([["INV2026-000003", "35.7", "33.92"]]);
      expect(edited).toMatchObject({ creditNoteId: "CN2026-000001", creditNoteIds: ["CN2026-000001", "CN2026-000002"], invoiceId: "INV2026-000003", total: "59.5" });

      // 35.70 USD captured on 10 March at 0.95 = 33.92 EUR pays INV…3 exactly.
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "35.70" });
      expect(await books(sk)).toEqual({ "4100": "-28.50", "4300": "0.00", "2300": "-5.42", "6800": "0.00", "1200": "0.00" });
      expect(await open(sk)).toEqual([]);
      expect((await sk.sales.order("ord_1"))!.order.receivable).toEqual({ amount: "0", functional: "0" });
      await booksAgree(sk);
    });

    it("(a) paid before the edit: the invoices' credit notes stay credits and the new invoice takes them — revenue 28.50, output tax 5.42, the capture's 0.60 gain on INV…1 realised back, receivables 0", async () => {
      const { sk, clock } = await placed(storeFor(db));
      await shippedInTwo(sk, clock, [{ lineId: "1", quantity: "1" }], [{ lineId: "2", quantity: "1" }]);
      // 35.70 USD at 0.95 = 33.92 EUR: INV…1's 11.90 (booked 10.71) is paid with 11.31 (a 0.60 gain), INV…2's 23.80 with 22.61.
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "35.70" });
      expect(await books(sk)).toEqual({ "4100": "-28.00", "4300": "0.00", "2300": "-5.32", "6800": "-0.60", "1200": "0.00" });

      const edited = await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "3", quantity: "1" }] });
      // CN…1 (11.90 USD at 10.71) and CN…2 (23.80 at 22.61) are credits of 33.32 EUR; INV…3 (35.70 at 33.92) replaces CN…1 — its
      // 11.90 share of INV…3 is 11.31, 0.60 more than CN…1 was booked at: a 0.60 loss — and takes CN…2, booked as its share (22.61).
      // (Before: one CN at 0.90, 27.00 + 5.13 = 32.13 EUR, replaced by INV…3's 33.92: revenue 29.50, output tax 5.61, a 1.79 loss — 6800 at +1.19.)
      expect(await books(sk)).toEqual({ "4100": "-28.50", "4300": "0.00", "2300": "-5.42", "6800": "0.00", "1200": "0.00" });
      expect(await vatReport(sk)).toEqual(["28.5/5.42"]);
      expect(await open(sk)).toEqual([]);
      expect(edited).toMatchObject({ creditNoteId: "CN2026-000001", creditNoteIds: ["CN2026-000001", "CN2026-000002"], invoiceId: "INV2026-000003", balanceDue: "23.8" });
      expect((await sk.sales.order("ord_1"))!.order.receivable).toEqual({ amount: "0", functional: "0" });
      await booksAgree(sk);
    });

    it("(b) a return of goods from the second shipment: its credit note mirrors INV…2 at 0.95 (19.00 + 3.61), the refund at 0.95 realises nothing", async () => {
      const { sk, clock } = await placed(storeFor(db));
      // INV…1 (MUG) 11.90 USD at 0.90 = 10.71 EUR; INV…2 (the three TEEs) 60.00 + 11.40 = 71.40 USD at 0.95 = 57.00 + 10.83 = 67.83 EUR.
      await shippedInTwo(sk, clock, [{ lineId: "1", quantity: "1" }]);
      // 83.30 USD at 0.95 = 79.14 EUR (79.135): 11.31 of it pays INV…1 booked at 10.71 (a 0.60 gain), 67.83 pays INV…2.
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
      expect(await books(sk)).toEqual({ "4100": "-66.00", "4300": "0.00", "2300": "-12.54", "6800": "-0.60", "1200": "0.00" });

      clock.set("2026-03-12T10:00:00.000Z");
      await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret_1", lines: [{ lineId: "2", quantity: "1" }] });
      const received = await sk.sales.receiveReturn({ returnId: "ret_1" });
      // The TEE went on INV…2 at 0.95: 20.00 + 3.80 = 23.80 USD = 19.00 + 3.61 = 22.61 EUR comes off, not 18.00 + 3.42 at 0.90.
      // Output tax −12.54 + 3.61 = −8.93; the credit is the customer's 23.80 USD booked at 22.61.
      expect(await books(sk)).toEqual({ "4100": "-66.00", "4300": "19.00", "2300": "-8.93", "6800": "-0.60", "1200": "-22.61" });
      expect(await creditNotes(sk)).toEqual([["CN2026-000001", "INV2026-000002", ["INV2026-000002", "INV2026-000001"], "0.95", "23.8", "19/3.61/22.61"]]);
      expect(await vatReport(sk)).toEqual(["47/8.93"]);
      expect(received).toEqual({ returnId: "ret_1", state: "received", creditNoteId: "CN2026-000001", creditNoteIds: ["CN2026-000001"] });

      // 23.80 USD paid back at 0.95 = 22.61 EUR: the credit's booked value, no exchange difference (before: 22.61 against 21.42, a 1.19 loss).
      await sk.sales.refundPayment({ orderId: "ord_1", refundId: "re_1", amount: "23.80", returnId: "ret_1" });
      expect(await books(sk)).toEqual({ "4100": "-66.00", "4300": "19.00", "2300": "-8.93", "6800": "-0.60", "1200": "0.00" });
      expect(await open(sk)).toEqual([]);
      expect((await sk.sales.order("ord_1"))!.order.receivable).toEqual({ amount: "0", functional: "0" });
      await booksAgree(sk);
    });

    it("(b) a return of a line shipped half in each shipment: a credit note per invoice (18.00 + 3.42 at 0.90, 19.00 + 3.61 at 0.95), refunded in one against the return", async () => {
      const { sk, clock } = await placed(storeFor(db));
      // INV…1: MUG + one TEE of line 3 = 30.00 + 5.70 = 35.70 USD at 0.90 = 27.00 + 5.13 = 32.13 EUR.
      // INV…2: line 2 + the other TEE of line 3 = 40.00 + 7.60 = 47.60 USD at 0.95 = 38.00 + 7.22 = 45.22 EUR.
      await shippedInTwo(sk, clock, [{ lineId: "1", quantity: "1" }, { lineId: "3", quantity: "1" }]);
      // 83.30 USD at 0.95 = 79.14: 33.92 of it pays INV…1 booked at 32.13 (a 1.79 gain), 45.22 pays INV…2.
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
      expect(await books(sk)).toEqual({ "4100": "-65.00", "4300": "0.00", "2300": "-12.35", "6800": "-1.79", "1200": "0.00" });

      await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret_1", lines: [{ lineId: "3", quantity: "2" }] });
      const received = await sk.sales.receiveReturn({ returnId: "ret_1" });
      // Line 3's units are credited in the order they were invoiced: the first from INV…1 (at 0.90), the second from INV…2 (at 0.95).
      // Sales returns 18.00 + 19.00 = 37.00; output tax −12.35 + 3.42 + 3.61 = −5.32; a credit of 47.60 USD booked at 44.03.
      // (Before: one CN at 0.90, 36.00 + 6.84 = 42.84 EUR.)
      expect(await books(sk)).toEqual({ "4100": "-65.00", "4300": "37.00", "2300": "-5.32", "6800": "-1.79", "1200": "-44.03" });
      expect(await creditNotes(sk)).toEqual([
        ["CN2026-000001", "INV2026-000001", ["INV2026-000001", "INV2026-000002"], "0.9", "23.8", "18/3.42/21.42"],
        ["CN2026-000002", "INV2026-000002", ["INV2026-000002", "INV2026-000001"], "0.95", "23.8", "19/3.61/22.61"],
      ]);
      expect(received).toEqual({ returnId: "ret_1", state: "received", creditNoteId: "CN2026-000001", creditNoteIds: ["CN2026-000001", "CN2026-000002"] });

      // 47.60 USD paid back at 0.95 = 45.22 EUR against the 44.03 the two credits were booked at: a 1.19 loss
      // (the TEE credited at INV…1's 0.90 is paid back at 0.95); the return is refunded by its two credit notes together.
      await sk.sales.refundPayment({ orderId: "ord_1", refundId: "re_1", amount: "47.60", returnId: "ret_1" });
      expect(await books(sk)).toEqual({ "4100": "-65.00", "4300": "37.00", "2300": "-5.32", "6800": "-0.60", "1200": "0.00" });
      expect(await open(sk)).toEqual([]);
      const view = (await sk.sales.order("ord_1"))!;
      expect(view.order.receivable).toEqual({ amount: "0", functional: "0" });
      expect(view.refundDue).toBe("0");
      await booksAgree(sk);
    });

    it("a cancellation after an edit credits the edit's invoice, at its rate, and names it (not the first invoice)", async () => {
      const { sk, clock } = await placed(storeFor(db), "on-order");
      // INV…1 on 2 March: 70.00 + 13.30 = 83.30 USD at 0.90 = 63.00 + 11.97 = 74.97 EUR.
      clock.set("2026-03-10T10:00:00.000Z");
      await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "3", quantity: "1" }] });
      // CN…1 mirrors INV…1; INV…2: 50.00 + 9.50 = 59.50 USD at 0.95 = 47.50 + 9.03 (9.025) = 56.53 EUR.
      const cancelled = await sk.sales.cancelOrder({ orderId: "ord_1" });
      expect(await creditNotes(sk)).toEqual([
        ["CN2026-000001", "INV2026-000001", ["INV2026-000001"], "0.9", "83.3", "63/11.97/74.97"],
        ["CN2026-000002", "INV2026-000002", ["INV2026-000002", "INV2026-000001"], "0.95", "59.5", "47.5/9.03/56.53"],
      ]);
      expect(cancelled).toMatchObject({ state: "cancelled", creditNoteId: "CN2026-000002", creditNoteIds: ["CN2026-000002"] });
      expect(await books(sk)).toEqual({ "4100": "0.00", "4300": "0.00", "2300": "0.00", "6800": "0.00", "1200": "0.00" });
      await booksAgree(sk);
    });

    it("an order whose first invoice was stored before invoices kept their rate and quantities: what it billed is credited at the order's invoiceRate as before, the later invoice's goods at their own rate", async () => {
      const store = storeFor(db);
      const { sk, clock } = await placed(store);
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "1" }] });
      // As stored before: the invoice record without its rate, lines and shipping.
      await store.transaction(async (tx) => {
        const stored = (await tx.documents.get("sales.orders", "ord_1"))!;
        const order = stored.data as unknown as OrderDoc;
        const invoices = order.invoices.map(({ invoiceId, number, gross, dueDate }) => ({ invoiceId, number, gross, dueDate }));
        await tx.documents.put("sales.orders", "ord_1", { ...order, invoices } as never, stored.version);
      });
      clock.set("2026-03-10T10:00:00.000Z");
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2", lines: [{ lineId: "2", quantity: "1" }] });
      await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "3", quantity: "1" }] });
      // The MUG at the order's invoiceRate (INV…1's 0.90), named after the first invoice as before; the TEE mirrors INV…2.
      expect(await creditNotes(sk)).toEqual([
        ["CN2026-000001", "INV2026-000001", ["INV2026-000001", "INV2026-000002"], "0.9", "11.9", "9/1.71/10.71"],
        ["CN2026-000002", "INV2026-000002", ["INV2026-000002", "INV2026-000001"], "0.95", "23.8", "19/3.61/22.61"],
      ]);
      expect(await books(sk)).toEqual({ "4100": "-28.50", "4300": "0.00", "2300": "-5.42", "6800": "0.00", "1200": "33.92" });
      await booksAgree(sk);
    });
  });
}
