import { describe, expect, it } from "vitest";
import { type BenchWorkload, measure } from "./harness.js";

describe("bench harness", () => {
  it("warms up before the rounds and never calls the subject more often than its context allows", async () => {
    let subjectCalls = 0;
    let baselineCalls = 0;
    const workload: BenchWorkload<undefined> = {
      name: "test.limited",
      unit: "ops/s",
      ops: 1,
      rounds: 2,
      maxCalls: 5,
      subject: () => {
        subjectCalls++;
        if (subjectCalls > 5) throw new Error("called beyond maxCalls");
      },
      baseline: () => {
        baselineCalls++;
      },
    };
    const result = await measure(workload);
    // An instant subject warms up until its context runs out: 3 warm-ups, then 2 rounds.
    expect(result.warmups).toBe(3);
    expect(subjectCalls).toBe(5);
    expect(baselineCalls).toBeGreaterThan(2);
    expect(result.subjectMsRounds).toHaveLength(2);
  });

  it("refuses more rounds than the context allows after one warm-up", async () => {
    const workload: BenchWorkload<undefined> = { name: "test.short", unit: "ops/s", ops: 1, rounds: 3, maxCalls: 3, subject: () => undefined, baseline: () => undefined };
    await expect(measure(workload)).rejects.toThrow(/supports 3 calls/);
  });
});
