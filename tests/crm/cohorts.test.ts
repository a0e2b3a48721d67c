import { describe, expect, it } from "vitest";
import { cohortAnalysis } from "../../src/crm/cohorts.js";
import { localDate } from "../../src/kernel/local-date.js";

describe("cohortAnalysis", () => {
  it("groups customers by first-purchase month with a retention matrix and repeat-purchase rates", () => {
    const d = localDate;
    const r = cohortAnalysis([
      { customerId: "a", purchaseId: "1", date: d("2024-01-05") },
      { customerId: "a", purchaseId: "1", date: d("2024-01-05") }, // a second line of order 1
      { customerId: "a", purchaseId: "2", date: d("2024-03-01") },
      { customerId: "b", purchaseId: "3", date: d("2024-01-20") },
      { customerId: "c", purchaseId: "4", date: d("2024-02-02") },
      { customerId: "c", purchaseId: "5", date: d("2024-02-20") },
      { customerId: "d", purchaseId: "6", date: d("2023-12-31") },
      { customerId: "d", purchaseId: "7", date: d("2024-02-01") },
    ]);
    expect(r.customers).toBe(4);
    expect(r.cohorts.map((c) => [c.month, c.customers, c.active, c.retention, c.repeatPurchaseRate])).toEqual([
      ["2023-12", 1, [1, 0, 1, 0], [1, 0, 1, 0], 1],
      ["2024-01", 2, [2, 0, 1], [1, 0, 0.5], 0.5],
      ["2024-02", 1, [1, 0], [1, 0], 1],
    ]);
    expect(r.repeatPurchaseRate).toBe(0.75);
  });

  it("is empty for no purchases", () => {
    expect(cohortAnalysis([])).toEqual({ cohorts: [], customers: 0, repeatPurchaseRate: 0 });
  });
});
