import type { OutboxEvent, PositionedEvent, Store } from "../../ports/storage.js";
import { gate, pause, rejection, visible, within } from "./helpers.js";
import { CELLS } from "./registry.js";
import type { ConformanceExpect, KitGroup } from "./types.js";

/** An outbox event named `id`. */
export function kitEvent(id: string, extra: Partial<OutboxEvent> = {}): OutboxEvent {
  return {
    id,
    type: "KitHappened",
    schemaVersion: 1,
    aggregateType: "kit",
    aggregateId: `agg_${id}`,
    aggregateVersion: 1,
    effectiveDate: "2026-11-27",
    occurredAt: "2026-11-27T10:00:00.123Z",
    causationId: null,
    correlationId: `cmd_${id}`,
    payload: { amount: "12.34", currency: "EUR" },
    ...extra,
  };
}

/** The most pages a reader of the kit reads before it declares the cursor broken. */
const MAX_PAGES = 2_000;

/**
 * Checks one page a cursor reader got: at most `limit` events, and none it has seen before
 * (a `readEvents` that ignores its cursor would otherwise make every reader loop forever).
 */
function checkPage(page: readonly PositionedEvent[], limit: number, cursor: string | null, seen: Set<string>): void {
  if (page.length > limit) throw new Error(`readEvents(${JSON.stringify(cursor)}, ${limit}) returned ${page.length} events: at most the limit may come back.`);
  for (const event of page) {
    if (seen.has(event.position)) {
      throw new Error(
        `readEvents(${JSON.stringify(cursor)}, ${limit}) returned the event at position ${JSON.stringify(event.position)} (id ${event.id}) again: ` +
          "readEvents must return only events after the cursor it is given, so a reader following positions never sees an event twice and always ends.",
      );
    }
    seen.add(event.position);
  }
}

async function readAll(store: Store, pageSize: number): Promise<PositionedEvent[]> {
  const out: PositionedEvent[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page: PositionedEvent[] = await store.readEvents(cursor, pageSize);
    checkPage(page, pageSize, cursor, seen);
    out.push(...page);
    if (page.length === 0) return out;
    cursor = page[page.length - 1]!.position;
  }
  throw new Error(`readEvents never returned an empty page after ${MAX_PAGES} pages of ${pageSize}: the cursor does not advance to the end of the outbox.`);
}

/**
 * A reader that follows the outbox by cursor, remembering every event it saw. Polls are
 * chained, never concurrent; `poll()` does not wait for its poll to finish, so a store that
 * runs one session at a time (and queues reads behind open transactions) cannot deadlock
 * the test.
 */
class Follower {
  cursor: string | null = null;
  readonly seen: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  constructor(private readonly store: Store) {}
  private failure: unknown = undefined;
  poll(): void {
    // A failed read stops the reader and is reported by drain(), never as an unhandled rejection.
    this.chain = this.chain.then(() => (this.failure === undefined ? this.readToEnd() : undefined)).catch((error: unknown) => {
      this.failure ??= error;
    });
  }
  /** Waits for every poll started so far, then reads to the end once more. */
  async drain(): Promise<void> {
    this.poll();
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }
  private readonly positions = new Set<string>();
  private async readToEnd(): Promise<void> {
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = await this.store.readEvents(this.cursor, 3);
      checkPage(page, 3, this.cursor, this.positions);
      if (page.length === 0) return;
      for (const e of page) this.seen.push(e.id);
      this.cursor = page[page.length - 1]!.position;
    }
    throw new Error(`readEvents never returned an empty page after ${MAX_PAGES} pages: the cursor does not advance to the end of the outbox.`);
  }
}

function expectEachOnce(expect: ConformanceExpect, ids: readonly string[]): void {
  expect(ids.length).toBe(new Set(ids).size);
}

/** The outbox: commit order, cursors, no events from rolled-back transactions, late committers. */
export const outboxTests: KitGroup = {
  name: "events outbox",
  tests: [
    {
      name: "events become readable at commit, in commit order, in append order within a transaction, exactly as appended",
      async run({ store, expect }) {
        expect(await store.readEvents(null, 10)).toEqual([]);
        const first = [kitEvent("e1"), kitEvent("e2", { causationId: "e1", idempotencyKey: "key-1", payload: { nested: { list: ["a", 1, null] } } })];
        await store.transaction((tx) => tx.events.append(first));
        await store.transaction(async (tx) => {
          await tx.events.append([kitEvent("e3")]);
          await tx.documents.put(CELLS, "with-event", {}, 0);
          await tx.events.append([kitEvent("e4"), kitEvent("e5")]);
        });
        await visible(store, ["e5"]);
        const events = await store.readEvents(null, 100);
        expect(events.map((e) => e.id)).toEqual(["e1", "e2", "e3", "e4", "e5"]);
        const { position, ...stored } = events[1]!;
        expect(typeof position).toBe("string");
        expect(stored).toEqual(first[1]);
        const { position: p0, ...plainFirst } = events[0]!;
        expect(typeof p0).toBe("string");
        expect(plainFirst).toEqual(first[0]);
      },
    },
    {
      name: "paging by cursor sees every committed event exactly once, in order, whatever the page size",
      async run({ store, expect }) {
        for (let t = 0; t < 6; t++) await store.transaction((tx) => tx.events.append(Array.from({ length: 1 + (t % 3) }, (_, i) => kitEvent(`t${t}e${i}`))));
        await visible(store, ["t5e2"]);
        const expected = (await store.readEvents(null, 1000)).map((e) => e.id);
        expect(expected.length).toBe(12);
        for (const size of [1, 2, 5, 12, 100]) expect((await readAll(store, size)).map((e) => e.id)).toEqual(expected);
        const events = await store.readEvents(null, 1000);
        for (let i = 0; i < events.length; i++) {
          expect((await store.readEvents(events[i]!.position, 2)).map((e) => e.id)).toEqual(expected.slice(i + 1, i + 3));
        }
        expect(await store.readEvents(events[events.length - 1]!.position, 10)).toEqual([]);
      },
    },
    {
      name: "cursors keep commit order across position digit boundaries (150 transactions read by pages of 7)",
      async run({ store, expect }) {
        const ids = Array.from({ length: 150 }, (_, i) => `seq-${String(i).padStart(3, "0")}`);
        for (const id of ids) await store.transaction((tx) => tx.events.append([kitEvent(id)]));
        await visible(store, [ids[ids.length - 1]!]);
        expect((await readAll(store, 7)).map((e) => e.id)).toEqual(ids);
        expect((await store.readEvents(null, 1000)).map((e) => e.id)).toEqual(ids);
      },
    },
    {
      name: "events of a rolled-back transaction never appear",
      async run({ store, expect }) {
        await store.transaction((tx) => tx.events.append([kitEvent("kept-1")]));
        await rejection(
          expect,
          store.transaction(async (tx) => {
            await tx.events.append([kitEvent("lost-1"), kitEvent("lost-2")]);
            throw new Error("roll back");
          }),
        );
        await store.transaction((tx) => tx.events.append([kitEvent("kept-2")]));
        await visible(store, ["kept-2"]);
        expect((await readAll(store, 1)).map((e) => e.id)).toEqual(["kept-1", "kept-2"]);
      },
    },
    {
      name: "a reader following the cursor while overlapping transactions commit in reverse order misses nothing and sees the one global order",
      async run({ store, expect }) {
        const follower = new Follower(store);
        const rounds = 3;
        const writers = 4;
        for (let round = 0; round < rounds; round++) {
          const gates = Array.from({ length: writers }, () => gate());
          const started = Array.from({ length: writers }, () => gate());
          // Writer w starts before writer w+1 and is released after it: commits run in reverse.
          const running: Promise<void>[] = [];
          for (let w = 0; w < writers; w++) {
            running.push(
              store.transaction(async (tx) => {
                await tx.events.append([kitEvent(`r${round}w${w}`)]);
                started[w]!.open();
                await gates[w]!.promise;
                await tx.events.append([kitEvent(`r${round}w${w}b`)]);
              }),
            );
            // A concurrent store starts every writer now; a serialising one runs them one after another.
            await Promise.race([started[w]!.promise, pause(20)]);
          }
          for (let w = writers - 1; w >= 0; w--) {
            gates[w]!.open();
            await pause(5);
            follower.poll();
            await pause(5);
          }
          await within(Promise.all(running), 20_000, "the writers to commit");
          follower.poll();
        }
        await visible(store, Array.from({ length: rounds * writers }, (_, k) => [`r${Math.floor(k / writers)}w${k % writers}`, `r${Math.floor(k / writers)}w${k % writers}b`]).flat());
        await within(follower.drain(), 20_000, "the reader to catch up");
        expectEachOnce(expect, follower.seen);
        const all = (await store.readEvents(null, 10_000)).map((e) => e.id);
        expect(all.length).toBe(rounds * writers * 2);
        expect(follower.seen).toEqual(all);
      },
    },
    {
      name: "readEvents honours its limit and refuses nothing it returned",
      async run({ store, expect }) {
        await store.transaction((tx) => tx.events.append(Array.from({ length: 7 }, (_, i) => kitEvent(`l${i}`))));
        await visible(store, ["l6"]);
        expect((await store.readEvents(null, 3)).map((e) => e.id)).toEqual(["l0", "l1", "l2"]);
        expect(await store.readEvents(null, 0)).toEqual([]);
        const positions = (await store.readEvents(null, 7)).map((e) => e.position);
        expect(new Set(positions).size).toBe(7);
      },
    },
  ],
};
