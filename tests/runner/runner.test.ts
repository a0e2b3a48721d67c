import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Decimal, amountSchema, isStorekeepError, StorekeepError } from "../../src/kernel/index.js";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { defineCommand, type ModuleDefinition } from "../../src/runner/index.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

// A tiny "wallet" module: a document per wallet, a balance family, a reaction.
const walletModule: ModuleDefinition = {
  name: "wallet",
  registry: {
    collections: [{ name: "wallet.wallets" }],
    balances: [{ name: "wallet.totals", fields: ["amount"], bucket: "day" }],
  },
  reactions: [
    {
      name: "wallet.audit",
      on: ["WalletCredited"],
      async handle(ctx, event) {
        await ctx.tx.balances.add("wallet.totals", [{ key: "all", bucket: event.effectiveDate, amounts: { amount: new Decimal(event.payload["amount"] as string) } }]);
        return [{ type: "WalletAudited", aggregateType: "wallet", aggregateId: event.aggregateId, effectiveDate: event.effectiveDate, payload: { credited: event.payload["amount"] as string } }];
      },
    },
  ],
};

let calls = 0;
const credit = defineCommand({
  name: "wallet.credit",
  input: z.object({ walletId: z.string(), amount: amountSchema, fail: z.boolean().optional() }),
  async handle(ctx, input) {
    calls++;
    const doc = await ctx.tx.documents.getForUpdate<{ balance: string }>("wallet.wallets", input.walletId);
    const balance = new Decimal(doc?.data.balance ?? "0").plus(input.amount);
    await ctx.tx.documents.put("wallet.wallets", input.walletId, { balance: balance.toFixed() }, doc?.version ?? 0);
    if (input.fail) throw new StorekeepError("INVALID_TRANSITION", "asked to fail", {});
    return {
      result: { balance: balance.toFixed() },
      events: [{ type: "WalletCredited", aggregateType: "wallet", aggregateId: input.walletId, effectiveDate: ctx.today, payload: { amount: input.amount.toFixed() } }],
    };
  },
});

function make() {
  const clock = new ManualClock(new Date("2026-11-27T10:00:00Z"));
  const store = memoryStore();
  const sk = createStorekeep({ store, clock, ids: sequentialIds(), modules: [walletModule] });
  return { sk, clock, store };
}

async function balanceOf(sk: ReturnType<typeof make>["sk"], id: string) {
  return sk.runtime.read(async (tx) => (await tx.documents.get<{ balance: string }>("wallet.wallets", id))?.data.balance);
}

describe("command runner", () => {
  it("runs the handler and its reactions in one transaction and appends every event in order", async () => {
    const { sk } = make();
    const result = await sk.run(credit, { walletId: "w1", amount: "10.50" });
    expect(result).toEqual({ balance: "10.5" });
    const events = await sk.events.read(null);
    expect(events.map((e) => e.type)).toEqual(["WalletCredited", "WalletAudited"]);
    expect(events[1]!.causationId).toBe(events[0]!.id);
    expect(events[1]!.correlationId).toBe(events[0]!.correlationId);
    expect(events[0]!.effectiveDate).toBe("2026-11-27");
    expect(events[0]!.occurredAt).toBe("2026-11-27T10:00:00.000Z");
    const total = await sk.runtime.read((tx) => tx.balances.sum("wallet.totals", "all"));
    expect(total["amount"]!.toFixed()).toBe("10.5");
  });

  it("rejects bad input with VALIDATION_FAILED naming the path, and writes nothing", async () => {
    const { sk } = make();
    const error = await sk.run(credit, { walletId: "w1", amount: "1e3" }).catch((e: unknown) => e);
    expect(isStorekeepError(error) && error.code).toBe("VALIDATION_FAILED");
    expect(JSON.stringify((error as StorekeepError).details)).toContain("amount");
    expect(await sk.events.read(null)).toHaveLength(0);
  });

  it("replays the first result for the same key and canonical input, with no second effect", async () => {
    const { sk } = make();
    calls = 0;
    const first = await sk.run(credit, { walletId: "w1", amount: "10" }, { idempotencyKey: "k1" });
    const again = await sk.run(credit, { walletId: "w1", amount: "10.00" }, { idempotencyKey: "k1" });
    expect(again).toEqual(first);
    expect(calls).toBe(1);
    expect(await balanceOf(sk, "w1")).toBe("10");
    expect(await sk.events.read(null)).toHaveLength(2);
  });

  it("refuses the same key with other input as IDEMPOTENCY_MISMATCH", async () => {
    const { sk } = make();
    await sk.run(credit, { walletId: "w1", amount: "10" }, { idempotencyKey: "k1" });
    await expect(sk.run(credit, { walletId: "w1", amount: "11" }, { idempotencyKey: "k1" })).rejects.toMatchObject({ code: "IDEMPOTENCY_MISMATCH" });
    expect(await balanceOf(sk, "w1")).toBe("10");
  });

  it("leaves no claim, no document and no event when the command fails, so it can be retried", async () => {
    const { sk } = make();
    await expect(sk.run(credit, { walletId: "w1", amount: "5", fail: true }, { idempotencyKey: "k2" })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    expect(await balanceOf(sk, "w1")).toBeUndefined();
    expect(await sk.events.read(null)).toHaveLength(0);
    const retried = await sk.run(credit, { walletId: "w1", amount: "5" }, { idempotencyKey: "k2" });
    expect(retried).toEqual({ balance: "5" });
  });

  it("a concurrent duplicate waits for the first and replays it", async () => {
    const { sk } = make();
    calls = 0;
    const [a, b] = await Promise.all([
      sk.run(credit, { walletId: "w1", amount: "3" }, { idempotencyKey: "dup" }),
      sk.run(credit, { walletId: "w1", amount: "3" }, { idempotencyKey: "dup" }),
    ]);
    expect(a).toEqual(b);
    expect(calls).toBe(1);
    expect(await balanceOf(sk, "w1")).toBe("3");
  });

  it("concurrent commands on one document lose no update", async () => {
    const { sk } = make();
    await Promise.all(Array.from({ length: 25 }, () => sk.run(credit, { walletId: "w1", amount: "1" })));
    expect(await balanceOf(sk, "w1")).toBe("25");
  });

  it("retries the whole command on CONCURRENCY_CONFLICT a bounded number of times", async () => {
    const { sk } = make();
    let attempts = 0;
    const flaky = defineCommand({
      name: "test.flaky",
      input: z.object({ failures: z.number() }),
      async handle() {
        attempts++;
        if (attempts <= 0 + (flakyFailures ?? 0)) throw new StorekeepError("CONCURRENCY_CONFLICT", "stale", {});
        return { result: attempts };
      },
    });
    let flakyFailures = 3;
    expect(await sk.run(flaky, { failures: 3 })).toBe(4);
    attempts = 0;
    flakyFailures = 100;
    await expect(sk.run(flaky, { failures: 100 })).rejects.toMatchObject({ code: "CONCURRENCY_CONFLICT" });
    expect(attempts).toBe(6); // the first try and config.maxRetries (5) retries
  });

  it("stops a reaction loop at the configured depth", async () => {
    const loop: ModuleDefinition = {
      name: "loop",
      registry: {},
      reactions: [{ name: "loop.ping", on: ["Ping"], async handle(ctx, e) { return [{ type: "Ping", aggregateType: "x", aggregateId: "x", effectiveDate: e.effectiveDate, payload: {} }]; } }],
    };
    const sk = createStorekeep({ clock: new ManualClock(new Date("2026-01-01T00:00:00Z")), ids: sequentialIds(), modules: [loop] });
    const ping = defineCommand({ name: "loop.start", input: z.object({}), async handle(ctx) { return { result: null, events: [{ type: "Ping", aggregateType: "x", aggregateId: "x", effectiveDate: ctx.today, payload: {} }] }; } });
    await expect(sk.run(ping, {})).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    expect(await sk.events.read(null)).toHaveLength(0);
  });

  it("dates events in the shop's time zone", async () => {
    const clock = new ManualClock(new Date("2026-03-31T22:30:00Z"));
    const sk = createStorekeep({ clock, ids: sequentialIds(), modules: [walletModule], config: { timeZone: "Europe/Berlin" } });
    await sk.run(credit, { walletId: "w", amount: "1" });
    const [event] = await sk.events.read(null);
    expect(event!.effectiveDate).toBe("2026-04-01");
  });
});

describe("after-commit consumers", () => {
  it("deliver every committed event once in order and keep a durable checkpoint", async () => {
    const { sk } = make();
    for (let i = 0; i < 5; i++) await sk.run(credit, { walletId: "w1", amount: "1" });
    const seen: string[] = [];
    const consumer = sk.events.consumer("projection", (e) => void seen.push(e.id), { batchSize: 3 });
    const run = await consumer.runOnce();
    expect(run.processed).toBe(10);
    expect(seen).toEqual((await sk.events.read(null, 100)).map((e) => e.id));
    await sk.run(credit, { walletId: "w1", amount: "1" });
    const second = await consumer.runOnce();
    expect(second.processed).toBe(2);
    expect(new Set(seen).size).toBe(12);
  });

  it("a failing consumer never fails a command and resumes where it stopped", async () => {
    const { sk } = make();
    let failOn = 3;
    const seen: number[] = [];
    let n = 0;
    const consumer = sk.events.consumer("flaky", () => {
      n++;
      if (n === failOn) throw new Error("webhook down");
      seen.push(n);
    });
    for (let i = 0; i < 3; i++) await sk.run(credit, { walletId: "w1", amount: "1" });
    const first = await consumer.runOnce();
    expect(first.error).toBeInstanceOf(Error);
    expect(first.processed).toBe(2);
    // Commands still succeed while the consumer is failing.
    await sk.run(credit, { walletId: "w1", amount: "1" });
    failOn = -1;
    const second = await consumer.runOnce();
    expect(second.error).toBeUndefined();
    // 8 events in all: 2 before the failure, then the failed one again and the other 5.
    expect(first.processed + second.processed).toBe(8);
  });
});

describe("recordEvents and the event catalog", () => {
  it("validates host events against the catalog and refuses unknown types", async () => {
    const { sk } = make();
    // @ts-expect-error an unknown event type is a compile error too
    await expect(sk.recordEvents([{ type: "PaymentCapturd", aggregateType: "order", aggregateId: "o1", effectiveDate: "2026-11-27", payload: {} }])).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    // @ts-expect-error a payload missing required fields is a compile error too
    await expect(sk.recordEvents([{ type: "PaymentCaptured", aggregateType: "order", aggregateId: "o1", effectiveDate: "2026-11-27", payload: { orderId: "o1" } }])).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await sk.events.read(null)).toHaveLength(0);
  });
});

describe("createRuntime without an explicit validator", () => {
  it("validates catalog events by default, so a module cannot emit a malformed payload", async () => {
    const { createRuntime, resolveConfig } = await import("../../src/runner/index.js");
    const { memoryRates } = await import("../../src/adapters/memory/index.js");
    const runtime = createRuntime({ store: memoryStore(), clock: new ManualClock(new Date("2026-11-27T10:00:00Z")), ids: sequentialIds(), rates: memoryRates([]), config: resolveConfig(), modules: [] });
    const emit = defineCommand({
      name: "test.emit",
      input: z.object({}),
      async handle(ctx) {
        return { result: null, events: [{ type: "PaymentCaptured", aggregateType: "order", aggregateId: "o1", effectiveDate: ctx.today, payload: { orderId: "o1" } }] };
      },
    });
    await expect(runtime.execute(emit, {})).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await runtime.store.readEvents(null, 10)).toHaveLength(0);
  });
});
