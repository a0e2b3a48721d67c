import { describe, expect, it } from "vitest";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { eventExamples } from "../../src/kernel/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * One rule for dates ahead: postings, recorded events and every emitted event may be dated
 * at most `config.futureHorizonDays` after today (default 366); stock movements never after
 * now.
 */

function shop(futureHorizonDays?: number) {
  return createStorekeep({
    clock: new ManualClock("2026-03-31T12:00:00.000Z"),
    ids: sequentialIds(),
    config: { functionalCurrency: "EUR", timeZone: "UTC", ...(futureHorizonDays === undefined ? {} : { futureHorizonDays }) },
  });
}

async function code(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => "ok",
    (e: unknown) => (isStorekeepError(e) ? e.code : `raw ${String(e)}`),
  );
}

const entry = (date: string) => ({ date, lines: [{ account: "1100", debit: "10" }, { account: "3100", credit: "10" }] });
const payment = (effectiveDate: string, id: string) => ({ type: "PaymentCaptured" as const, aggregateType: "order", aggregateId: id, effectiveDate, payload: { ...eventExamples.PaymentCaptured, paymentId: `pay_${id}`, orderId: id } });
const invoice = (effectiveDate: string, id: string) => ({ type: "OrderInvoiced" as const, aggregateType: "order", aggregateId: id, effectiveDate, payload: { ...eventExamples.OrderInvoiced, invoiceId: `inv_${id}`, orderId: id } });

describe("the future horizon", () => {
  it("postEntry, PaymentCaptured and OrderInvoiced dated 9999-12-31 are VALIDATION_FAILED naming the horizon; within the default 366 days they post", async () => {
    const sk = shop();
    const error = await sk.finance.postEntry(entry("9999-12-31")).catch((e: unknown) => e);
    expect(isStorekeepError(error) && [error.code, error.details["horizon"]]).toEqual(["VALIDATION_FAILED", "2027-04-01"]);
    expect(String((error as Error).message)).toMatch(/more than 366 days after today \(2026-03-31\).*futureHorizonDays/);
    expect(await code(sk.recordEvents([payment("9999-12-31", "o1")]))).toBe("VALIDATION_FAILED");
    expect(await code(sk.recordEvents([invoice("9999-12-31", "o2")]))).toBe("VALIDATION_FAILED");
    expect(await code(sk.finance.postEntry(entry("2027-04-01")))).toBe("ok");
    expect(await code(sk.finance.postEntry(entry("2027-04-02")))).toBe("VALIDATION_FAILED");
    expect(await code(sk.recordEvents([payment("2027-04-01", "o3")]))).toBe("ok");
    // Nothing of the refused commands was stored.
    expect((await sk.finance.journal()).map((e) => e.date).sort()).toEqual(["2027-04-01", "2027-04-01"]);
  });

  it("the horizon is configurable: 0 refuses tomorrow everywhere, today still posts", async () => {
    const sk = shop(0);
    expect(await code(sk.finance.postEntry(entry("2026-04-01")))).toBe("VALIDATION_FAILED");
    expect(await code(sk.recordEvents([invoice("2026-04-01", "o4")]))).toBe("VALIDATION_FAILED");
    expect(await code(sk.finance.postEntry(entry("2026-03-31")))).toBe("ok");
    expect(await code(sk.recordEvents([invoice("2026-03-31", "o5")]))).toBe("ok");
  });

  it("stock movements are stricter: never after now, whatever the horizon", async () => {
    const sk = shop(1000);
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
    expect(await code(sk.inventory.receive({ sku: "A", warehouseId: "wh", quantity: "1", unitCost: "1", effectiveDate: "2026-04-01" }))).toBe("VALIDATION_FAILED");
    expect(await code(sk.inventory.receive({ sku: "A", warehouseId: "wh", quantity: "1", unitCost: "1", effectiveDate: "2026-03-31" }))).toBe("ok");
  });

  it("the horizon must be a whole number of days from 0 to 36,500", () => {
    for (const futureHorizonDays of [-1, 1.5, 36_501]) expect(() => shop(futureHorizonDays)).toThrow(/futureHorizonDays/);
  });
});
