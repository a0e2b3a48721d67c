import { describe, expect, it } from "vitest";
import { ACCOUNT_ROLES } from "../../src/kernel/events/account-roles.js";
import { ancestorsOf, createChart, extendChart, normalBalanceOf } from "../../src/finance/accounts.js";
import { DEFAULT_ACCOUNT_MAP, defaultChart, resolveAccountMap } from "../../src/finance/chart.js";
import {
  OPEN_PERIODS,
  addMonths,
  checkPeriodOpen,
  domainOfEvent,
  fiscalPeriods,
  fiscalYear,
  fiscalYearOf,
  isPeriodOpen,
  lockedThrough,
  periodRange,
  withHardLock,
  withSoftLock,
  withSoftUnlock,
} from "../../src/finance/periods.js";
import { postingRules, reactedEventTypes } from "../../src/finance/posting-rules.js";
import { checkEntryBalanced, toUnits, unitsToString } from "../../src/finance/posting-kernel.js";
import { EVENT_TYPES } from "../../src/kernel/events/definitions.js";

describe("chart of accounts", () => {
  it("types have normal balances and contra accounts flip them", () => {
    expect(normalBalanceOf("asset")).toBe("debit");
    expect(normalBalanceOf("expense")).toBe("debit");
    expect(normalBalanceOf("liability")).toBe("credit");
    expect(normalBalanceOf("equity")).toBe("credit");
    expect(normalBalanceOf("revenue")).toBe("credit");
    expect(normalBalanceOf("revenue", true)).toBe("debit");
    expect(normalBalanceOf("asset", true)).toBe("credit");
    expect(defaultChart().byCode.get("4300")).toMatchObject({ type: "revenue", contra: true, normalBalance: "debit" });
  });

  it("the default chart holds an account for every role the posting table names", () => {
    const chart = defaultChart();
    for (const role of ACCOUNT_ROLES) {
      const account = chart.byCode.get(DEFAULT_ACCOUNT_MAP[role]);
      expect(account, role).toBeDefined();
      expect(account!.header, role).toBe(false);
    }
    expect(resolveAccountMap(chart)).toEqual(DEFAULT_ACCOUNT_MAP);
  });

  it("validates codes, parents, types and cycles, and extends or replaces accounts", () => {
    expect(() => createChart([{ code: "1", name: "a", type: "asset" }, { code: "1", name: "b", type: "asset" }])).toThrow(/declared twice/);
    expect(() => createChart([{ code: "1", name: "a", type: "asset", parent: "0" }])).toThrow(/not in the chart/);
    expect(() => createChart([{ code: "0", name: "h", type: "asset" }, { code: "1", name: "a", type: "asset", parent: "0" }])).toThrow(/header/);
    expect(() => createChart([{ code: "0", name: "h", type: "liability", header: true }, { code: "1", name: "a", type: "asset", parent: "0" }])).toThrow(/type/);
    expect(() => createChart([{ code: "a|b", name: "x", type: "asset" }])).toThrow();
    expect(() => createChart([{ code: "x", name: "x", type: "asset", header: true, parent: "y" }, { code: "y", name: "y", type: "asset", header: true, parent: "x" }])).toThrow(/cycle/);
    const extended = extendChart(defaultChart(), [{ code: "1100", name: "Main bank", type: "asset", parent: "1000" }, { code: "1110", name: "Bank USD", type: "asset", parent: "1000", currency: "USD" }]);
    expect(extended.byCode.get("1100")!.name).toBe("Main bank");
    expect(extended.byCode.get("1110")!.currency).toBe("USD");
    expect(ancestorsOf(extended, "1110")).toEqual(["1110", "1000"]);
  });

  it("account map overrides must name postable accounts of the chart", () => {
    expect(resolveAccountMap(defaultChart(), { bank: "1150" }).bank).toBe("1150");
    expect(() => resolveAccountMap(defaultChart(), { bank: "1000" })).toThrow(/header/);
    expect(() => resolveAccountMap(defaultChart(), { bank: "9999" })).toThrow(/not in the chart/);
    expect(() => resolveAccountMap(defaultChart(), { nonsense: "1100" } as never)).toThrow(/unknown role/);
  });
});

describe("posting kernel", () => {
  it("converts decimal strings to scaled bigints and back exactly", () => {
    for (const text of ["0", "1", "-1", "0.000001", "123456789012345.123456", "-0.5", "12.3"]) expect(unitsToString(toUnits(text))).toBe(text);
    expect(toUnits("12.34")).toBe(12_340_000n);
  });

  it("reports the difference and side of an unbalanced entry", () => {
    const line = (account: string, v: bigint, currency = "EUR") => ({ account, currency, amount: v, functional: v });
    expect(() => checkEntryBalanced([line("a", 5n), line("b", -5n)], "EUR")).not.toThrow();
    try {
      checkEntryBalanced([line("a", 2_000_000n), line("b", -1_500_000n)], "EUR");
      throw new Error("expected");
    } catch (e) {
      expect((e as { code: string; details: unknown }).code).toBe("UNBALANCED_ENTRY");
      expect((e as { details: unknown }).details).toEqual({ difference: "0.5", currency: "EUR", basis: "functional" });
      expect((e as Error).message).toContain("debits exceed credits by 0.5 EUR");
    }
    expect(() => checkEntryBalanced([{ account: "a", currency: "EUR", amount: 1n, functional: 2n }, line("b", -2n)], "EUR")).toThrow(/must be equal/);
  });
});

describe("periods", () => {
  it("fiscal years, periods and month arithmetic", () => {
    expect(fiscalYear(2026, 4)).toEqual({ year: 2026, start: "2026-04-01", end: "2027-03-31" });
    expect(fiscalYearOf("2026-02-10", 4).year).toBe(2025);
    expect(fiscalYearOf("2026-02-10").year).toBe(2026);
    expect(fiscalPeriods(fiscalYear(2026, 4))).toEqual(["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03"]);
    expect(periodRange("2028-02")).toEqual({ start: "2028-02-01", end: "2028-02-29" });
    expect(addMonths("2026-03-31", -1)).toBe("2026-02-28");
    expect(addMonths("2026-01-15", -13)).toBe("2024-12-15");
  });

  it("soft locks per domain, the general domain takes the latest, and a hard lock only moves forward", () => {
    let state = withSoftLock(OPEN_PERIODS, ["sales"], "2026-03-31");
    expect(isPeriodOpen(state, "sales", "2026-03-31")).toBe(false);
    expect(isPeriodOpen(state, "stock", "2026-03-31")).toBe(true);
    expect(isPeriodOpen(state, "general", "2026-03-31")).toBe(false);
    expect(lockedThrough(state, "purchases")).toBeNull();
    state = withSoftLock(state, ["sales"], "2026-02-28");
    expect(state.soft.sales).toBe("2026-03-31"); // locking never moves a lock back
    state = withSoftUnlock(state, "sales", "2026-01-31");
    expect(state.soft.sales).toBe("2026-01-31");
    state = withHardLock(state, "2025-12-31");
    expect(isPeriodOpen(state, "stock", "2025-12-31")).toBe(false);
    expect(() => withHardLock(state, "2025-11-30")).toThrow(/cannot be lifted/);
    expect(() => checkPeriodOpen(state, "stock", "2025-06-01")).toThrow(/hard-locked/);
    expect(isPeriodOpen(withSoftLock(OPEN_PERIODS, ["tax"], "2026-03-31"), "sales", "2026-03-01", true)).toBe(false);
  });

  it("maps every catalog event to a domain and has a posting rule for each", () => {
    for (const type of EVENT_TYPES) {
      expect(typeof postingRules[type], type).toBe("function");
      if (type.startsWith("Stock")) expect(domainOfEvent(type)).toBe("stock");
    }
    expect(domainOfEvent("OrderInvoiced")).toBe("sales");
    expect(reactedEventTypes({})).not.toContain("StockReserved");
    expect(reactedEventTypes({})).toContain("StockRevalued");
    expect(reactedEventTypes({ StockReserved: () => [] })).toContain("StockReserved");
    expect(domainOfEvent("SupplierPaid")).toBe("purchases");
  });
});
