import { afterEach, describe, expect, it, vi } from "vitest";
import { financeDemo } from "../../examples/finance.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock } from "../../src/testing/clock.js";
import { sequentialIds } from "../../src/testing/ids.js";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the finance demo", () => {
  it("posts a day of a shop's events through the whole facade (inventory reacting) and prints balanced statements", async () => {
    const printed: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      printed.push(args.join(" "));
    });
    const sk = createStorekeep({ clock: new ManualClock("2026-11-27T18:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR" } });
    await financeDemo(sk, "2026-11-27");
    const text = printed.join("\n");
    expect(text).toContain("Trial balance as of 2026-11-27");
    expect(text).toContain("balanced: true");
    const tb = await sk.finance.trialBalance({ asOf: "2026-11-27" });
    expect(tb.totals.debit).toBe(tb.totals.credit);
    const row = (code: string) => tb.rows.find((r) => r.account === code)!;
    // 100 received at 4, 4 shipped at 4, 0.10 a unit billed on top: 96 on hand at 4.10, 4 sold at 4.10.
    expect(row("1300").debit).toBe("393.6");
    expect(row("5100").debit).toBe("16.4");
    expect(row("2150").debit).toBe("0");
    expect(row("1100").debit).toBe("570.46"); // 1000 + 58.36 - 487.9
    const is = await sk.finance.incomeStatement({ from: "2026-11-27", to: "2026-11-27" });
    expect(is.netIncome).toBe("32.46");
  });
});
