import { describe, expect, it } from "vitest";
import { giftWrapModule } from "../../examples/host-module.js";
import { SimulationFailure, simulateShop } from "../../src/testing/index.js";

describe("the whole-shop simulator", () => {
  it.each([1, 2, 3])("seed %i: after every step the books balance, the audit is ok, stock is conserved and never oversold, the outbox holds each event once and nothing of a refused command, replays have no second effect", async (seed) => {
    const report = await simulateShop({ seed, steps: 60 });
    expect(report.steps).toBe(60);
    expect(report.events).toBeGreaterThan(0);
    expect(Object.values(report.outcomes).reduce((s, o) => s + o.ok + o.refused, 0)).toBe(60);
  });

  it("one seed replays exactly: the same outcomes, the same events with the same ids", async () => {
    const a = await simulateShop({ seed: 7, steps: 40 });
    const b = await simulateShop({ seed: 7, steps: 40 });
    expect(b).toEqual(a);
    expect(a.outboxDigest).toMatch(/^[0-9a-f]{64}$/);
    expect((await simulateShop({ seed: 8, steps: 40 })).outboxDigest).not.toBe(a.outboxDigest);
  });

  it("a host module plugs in its commands and invariants through ModuleDefinition.simulation", async () => {
    const report = await simulateShop({ seed: 11, steps: 80, modules: [giftWrapModule()] });
    expect(report.outcomes["giftwrap.wrapItem"]?.ok ?? 0).toBeGreaterThan(0);
  });

  it("a broken invariant fails the seed with the step, the command and a replay line", async () => {
    const broken = { ...giftWrapModule(), simulation: { invariants: [{ name: "always broken", check: async () => ["broken on purpose"] }] } };
    const error = await simulateShop({ seed: 5, steps: 10, modules: [broken] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulationFailure);
    expect((error as SimulationFailure).replay).toBe("npm run sim -- --seed 5 --steps 10");
    expect((error as SimulationFailure).message).toMatch(/always broken: broken on purpose/);
  });
});
