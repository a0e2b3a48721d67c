import { describe, expect, it } from "vitest";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

describe("ManualClock", () => {
  it("stands still until set or advanced, and hands out copies", () => {
    const clock = new ManualClock("2026-11-27T10:00:00.000Z");
    expect(clock.now().toISOString()).toBe("2026-11-27T10:00:00.000Z");
    const t = clock.now();
    t.setTime(0);
    expect(clock.now().toISOString()).toBe("2026-11-27T10:00:00.000Z");
    clock.advance(61_500);
    expect(clock.now().toISOString()).toBe("2026-11-27T10:01:01.500Z");
    clock.advance(-1_500);
    expect(clock.now().toISOString()).toBe("2026-11-27T10:01:00.000Z");
    clock.set(new Date("2025-01-01T00:00:00Z"));
    expect(clock.now().toISOString()).toBe("2025-01-01T00:00:00.000Z");
    clock.set(0);
    expect(clock.now().getTime()).toBe(0);
  });

  it("refuses instants and steps that are not numbers of milliseconds", () => {
    expect(() => new ManualClock("tomorrow")).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(() => new ManualClock("2026-01-01T00:00:00Z").advance(Number.NaN)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});

describe("sequentialIds", () => {
  it("counts per prefix from 000001, deterministically", () => {
    const ids = sequentialIds();
    expect([ids.next("ord"), ids.next("ord"), ids.next("evt"), ids.next("ord")]).toEqual(["ord_000001", "ord_000002", "evt_000001", "ord_000003"]);
    const again = sequentialIds();
    expect(again.next("ord")).toBe("ord_000001");
  });

  it("honours width and start, and never cuts a longer number", () => {
    const ids = sequentialIds({ width: 2, start: 99 });
    expect([ids.next("x"), ids.next("x")]).toEqual(["x_99", "x_100"]);
  });
});
