import { describe, expect, it } from "vitest";
import { USD_RATES, balance, booksAgree, sharedPglite, shop, stock, storeOf } from "./setup.js";

const db = sharedPglite();

/** A USD order of 2 × 10.00 + 19% VAT = 23.80 USD, placed at 0.90 and captured at 0.92 (21.90 EUR in clearing). */
async function capturedUsdOrder(kind: "memory" | "pglite") {
  const { sk, clock } = shop(storeOf(kind, db), {}, USD_RATES);
  await stock(sk);
  await sk.sales.placeOrder({ orderId: "ord_us", customerId: "cus_us", currency: "USD", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }], shipTo: { country: "DE" } });
  clock.set("2026-03-05T10:00:00.000Z");
  await sk.sales.capturePayment({ orderId: "ord_us", paymentId: "ch_us" });
  expect(await balance(sk, "1150")).toBe("21.90");
  expect(await balance(sk, "6800")).toBe("-0.48");
  clock.set("2026-03-10T10:00:00.000Z");
  return { sk, clock };
}

const clearingByCurrency = async (sk: Awaited<ReturnType<typeof capturedUsdOrder>>["sk"]) =>
  (await sk.finance.trialBalance({ asOf: "2026-12-31" })).rows.find((r) => r.account === "1150")?.byCurrency.filter((c) => c.amount !== "0" && c.amount !== "0.00") ?? [];

for (const kind of ["memory", "pglite"] as const) {
  describe(`a payout in EUR of USD captures, converted by the provider (${kind})`, () => {
    it("relieves the USD clearing balance at its booked value, pays the bank in EUR and books the provider's conversion as an exchange difference", async () => {
      const { sk } = await capturedUsdOrder(kind);
      // The provider converted 23.80 USD into 21.70 EUR (its rate ≈ 0.9118) and kept 0.30 EUR fees.
      const result = await sk.sales.settlePayout({ payoutId: "po_1", currency: "EUR", gross: "21.70", fees: "0.30", paymentIds: ["ch_us"], converted: { currency: "USD", gross: "23.80" } });
      expect(result).toEqual({ payoutId: "po_1", net: "21.4" });
      expect(await balance(sk, "1150")).toBe("0.00");
      expect(await clearingByCurrency(sk)).toEqual([]);
      expect(await balance(sk, "1100")).toBe("21.40");
      expect(await balance(sk, "6100")).toBe("0.30");
      // 21.90 booked less 21.70 received: a 0.20 loss against the capture's 0.48 gain.
      expect(await balance(sk, "6800")).toBe("-0.28");
      await booksAgree(sk);
      const events = await sk.events.read(null, 1000);
      const payout = events.find((e) => e.type === "PayoutSettled")!;
      expect(payout.payload).toMatchObject({ currency: "EUR", settled: { currency: "USD", gross: { amount: "23.8", currency: "USD" }, functional: { amount: "21.9", currency: "EUR" } }, exchangeDifference: { amount: "0.2", currency: "EUR" } });
      // The webhook again replays; the capture is paid out.
      expect(await sk.sales.settlePayout({ payoutId: "po_1", currency: "EUR", gross: "21.70", fees: "0.30", paymentIds: ["ch_us"], converted: { currency: "USD", gross: "23.80" } })).toEqual(result);
      await expect(sk.sales.settlePayout({ payoutId: "po_2", currency: "EUR", gross: "21.70", fees: "0", paymentIds: ["ch_us"], converted: { currency: "USD", gross: "23.80" } })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("paid out in payout po_1") });
      expect(await balance(sk, "1100")).toBe("21.40");
      await sk.close();
    }, 60_000);

    it("without captures named, relieves the USD clearing account at today's rate and books the rest as the difference", async () => {
      const { sk } = await capturedUsdOrder(kind);
      await sk.sales.settlePayout({ payoutId: "po_1", currency: "EUR", gross: "21.70", fees: "0.30", converted: { currency: "USD", gross: "23.80" } });
      // 23.80 USD at 0.95 = 22.61 EUR out of clearing; 22.61 − 21.70 = 0.91 loss. Clearing keeps
      // the USD at zero and the capture's 21.90 less 22.61 (−0.71 EUR) for revaluation to settle.
      expect(await clearingByCurrency(sk)).toEqual([]);
      expect(await balance(sk, "1150")).toBe("-0.71");
      expect(await balance(sk, "6800")).toBe("0.43");
      await booksAgree(sk);
      await sk.close();
    }, 60_000);

    it("refuses what does not add up, before anything is written", async () => {
      const { sk } = await capturedUsdOrder(kind);
      const base = { payoutId: "po_1", currency: "EUR", gross: "21.70", fees: "0.30", paymentIds: ["ch_us"] };
      // USD captures in a EUR payout without converted: the message says to pass it.
      await expect(sk.sales.settlePayout(base)).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining('converted: { currency: "USD", gross }') });
      // converted in the payout's own currency.
      await expect(sk.sales.settlePayout({ ...base, converted: { currency: "EUR", gross: "21.70" } })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("the payout's own currency") });
      // More USD converted than the captures named hold.
      await expect(sk.sales.settlePayout({ ...base, converted: { currency: "USD", gross: "30.00" } })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/converted.gross 30(\.00)? USD does not match the 23.8 USD/) });
      // Signs that disagree.
      await expect(sk.sales.settlePayout({ ...base, gross: "-1.00", fees: "0", converted: { currency: "USD", gross: "23.80" } })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("same sign") });
      // Captures in GBP converted as USD.
      await expect(sk.sales.settlePayout({ ...base, converted: { currency: "GBP", gross: "23.80" } })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("is in USD, the payout converted GBP") });
      expect(await balance(sk, "1150")).toBe("21.90");
      expect(await balance(sk, "1100")).toBe("0");
      // Nothing was marked paid out: the right payout still goes through.
      await sk.sales.settlePayout({ ...base, converted: { currency: "USD", gross: "23.80" } });
      expect(await balance(sk, "1150")).toBe("0.00");
      await sk.close();
    }, 60_000);
  });
}
