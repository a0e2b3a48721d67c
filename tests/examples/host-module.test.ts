import { describe, expect, it } from "vitest";
import { hostModuleDemo } from "../../examples/host-module.js";

describe("examples/host-module.ts (a host module written against the module contract)", () => {
  it("wraps once per idempotency key, refuses a wrap in a locked sales period through the seam, and reacts to a shipment atomically", async () => {
    const lines: string[] = [];
    const sk = await hostModuleDemo((line) => lines.push(line));
    expect(lines).toEqual(["gold wraps on 2026-11-27: 2", "back-dated wrap refused: PERIOD_LOCKED", "shipment shp_1 seen by the gift-wrap desk: true"]);
    expect((await sk.inventory.audit()).ok).toBe(true);
  });
});
