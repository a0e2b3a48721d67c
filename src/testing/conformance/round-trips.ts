import { Decimal, canonicalDecimal } from "../../kernel/decimal.js";
import type { JsonObject } from "../../ports/storage.js";
import { dec, plain, rejection, visible } from "./helpers.js";
import { kitEvent } from "./outbox.js";
import { CELLS, ENTRIES, ITEMS, LEDGER, STOCK } from "./registry.js";
import type { KitGroup } from "./types.js";

const MAX_AMOUNT = "999999999999999.999999";
const MAX_QUANTITY = "999999999999.999999";
const MAX_RATE = "999999.999999999999";

/** Decimals at the bounds and beyond what bounded products reach. */
const DECIMALS: readonly string[] = [
  "0",
  "1",
  "-1",
  "0.000001",
  "-0.000001",
  "0.1",
  "12.34",
  MAX_AMOUNT,
  `-${MAX_AMOUNT}`,
  "100000000000000",
  "123456789012345.123456",
  new Decimal(MAX_AMOUNT).times(MAX_QUANTITY).times(MAX_RATE).toFixed(),
  new Decimal(`-${MAX_AMOUNT}`).times(MAX_QUANTITY).toFixed(),
  new Decimal("0.000001").times("0.000001").times("0.000000000001").toFixed(),
  new Decimal(1).dividedBy(3).toDecimalPlaces(30).toFixed(),
];

/** Strings that break naive quoting, encoding or collation. */
const NASTY: readonly string[] = [
  "",
  " ",
  "plain",
  "'; DROP TABLE x; --",
  "Robert'); DROP TABLE students;--",
  '"double" and \'single\' quotes',
  "back\\slash \\\\ and \\u0041",
  "line\nbreak\r\nand\ttab",
  "ünïcødé ÄÖÜ ß",
  "中文 日本語 한국어",
  "emoji 😀👍🏽 family 👨‍👩‍👧",
  "combining e\u0301 vs é",
  "right-to-left שלום مرحبا",
  "$1 $$ %s %d {0} ${x}",
  "null",
  "2026-11-27T10:00:00.123Z",
  "x".repeat(100_000),
];

const INSTANTS: readonly string[] = ["2026-11-27T10:00:00.000Z", "2026-11-27T10:00:00.123Z", "1999-12-31T23:59:59.999Z", "2026-03-29T01:30:00.000+01:00", "2026-11-27T10:00:00Z"];

/** Decimal, timestamp, JSON and key round-trips; refusal of what no store can keep. */
export const roundTripTests: KitGroup = {
  name: "round-trips",
  tests: [
    {
      name: "decimals round-trip exactly through balances and counters: bounds, negatives, zero, many digits after multiplication",
      async run({ store, expect }) {
        await store.transaction(async (tx) => {
          await tx.balances.add(
            LEDGER,
            DECIMALS.map((value, i) => ({ key: `dec-${i}`, bucket: "2026-01", amounts: { debit: new Decimal(value), credit: new Decimal(value).negated() } })),
          );
          await tx.counters.apply(STOCK, DECIMALS.map((value, i) => ({ key: `dec-${i}`, deltas: { onHand: new Decimal(value) } })));
        });
        for (let i = 0; i < DECIMALS.length; i++) {
          const value = DECIMALS[i]!;
          const sum = await store.transaction((tx) => tx.balances.sum(LEDGER, `dec-${i}`));
          expect({ value, sum: plain(expect, sum) }).toEqual({ value, sum: { credit: dec(new Decimal(value).negated().toFixed()), debit: dec(value) } });
          const row = await store.transaction((tx) => tx.counters.get(STOCK, `dec-${i}`));
          expect({ value, row: plain(expect, row) }).toEqual({ value, row: { onHand: dec(value), reserved: "0" } });
        }
        // Sums beyond one bounded amount stay exact.
        await store.transaction((tx) =>
          tx.balances.add(LEDGER, [
            { key: "big", bucket: "2026-01", amounts: { debit: new Decimal(MAX_AMOUNT) } },
            { key: "big", bucket: "2026-02", amounts: { debit: new Decimal(MAX_AMOUNT) } },
            { key: "big", bucket: "2026-03", amounts: { debit: new Decimal("0.000001") } },
          ]),
        );
        const big = await store.transaction((tx) => tx.balances.sum(LEDGER, "big"));
        expect(plain(expect, big).debit).toBe(canonicalDecimal(new Decimal(MAX_AMOUNT).times(2).plus("0.000001")));
        const tenths = await store.transaction(async (tx) => {
          await tx.balances.add(LEDGER, [
            { key: "tenths", bucket: "2026-01", amounts: { debit: new Decimal("0.1") } },
            { key: "tenths", bucket: "2026-01", amounts: { debit: new Decimal("0.2") } },
          ]);
          return tx.balances.sum(LEDGER, "tenths");
        });
        expect(plain(expect, tenths).debit).toBe("0.3");
      },
    },
    {
      name: "JSON round-trips exactly through documents, log entries, event payloads and idempotency results (quotes, SQL, unicode, long strings, numbers, nesting)",
      async run({ store, expect }) {
        const data: JsonObject = {
          strings: [...NASTY],
          instants: [...INSTANTS],
          numbers: [0, 1, -1, 0.1, 1.5, -2.25, 123456789, 9007199254740991, -9007199254740991, 1e-7, 1e21],
          booleans: [true, false],
          nothing: null,
          empty: { object: {}, array: [] },
          deep: { a: { b: { c: { d: [[["deep"]]] } } } },
          "key with 'quotes' and \"double\"": "v",
          "ключ": "значение",
          "": "empty key",
          amount: "0.000001",
        };
        await store.transaction(async (tx) => {
          await tx.documents.put(CELLS, "json", data, 0);
          await tx.logs.append(ENTRIES, [{ stream: "json", sortKey: "1", data }]);
          await tx.events.append([kitEvent("json", { payload: data })]);
          await tx.idempotency.claim("json", "h", "2099-01-01T00:00:00.000Z");
          await tx.idempotency.complete("json", data);
        });
        expect((await store.transaction((tx) => tx.documents.get(CELLS, "json")))?.data).toEqual(data);
        expect((await store.transaction((tx) => tx.logs.read(ENTRIES, "json")))[0]?.data).toEqual(data);
        await visible(store, ["json"]);
        expect((await store.readEvents(null, 1))[0]?.payload).toEqual(data);
        expect(await store.transaction((tx) => tx.idempotency.claim("json", "h", "2099-01-01T00:00:00.000Z"))).toEqual({ status: "replay", result: data });
      },
    },
    {
      name: "ISO instants come back as the same strings and order as strings in indexes and sort keys",
      async run({ store, expect }) {
        const instants = ["2026-11-27T10:00:00.000Z", "2026-11-27T09:59:59.999Z", "2026-11-27T10:00:00.001Z", "2025-01-01T00:00:00.000Z"];
        await store.transaction(async (tx) => {
          for (const [i, at] of instants.entries()) await tx.documents.put(ITEMS, `t${i}`, { group: "time", rank: at, at }, 0);
          await tx.logs.append(ENTRIES, instants.map((at) => ({ stream: "time", sortKey: `${at}|x`, data: { at } })));
        });
        const sorted = [...instants].sort();
        const found = await store.transaction((tx) => tx.documents.find(ITEMS, { index: "byGroup", equals: ["time"], range: { gte: "2026-11-27T00:00:00.000Z" } }));
        expect(found.map((d) => d.data.at)).toEqual(sorted.filter((s) => s >= "2026-11-27"));
        const entries = await store.transaction((tx) => tx.logs.read(ENTRIES, "time", { lt: "2026-11-27T10:00:00.000Z" }));
        expect(entries.map((e) => e.data.at)).toEqual(sorted.filter((s) => s < "2026-11-27T10:00:00.000Z"));
        const events = INSTANTS.map((at, i) => kitEvent(`time-${i}`, { occurredAt: at, effectiveDate: at.slice(0, 10) }));
        await store.transaction((tx) => tx.events.append(events));
        await visible(store, events.map((e) => e.id));
        expect((await store.readEvents(null, 100)).map((e) => [e.occurredAt, e.effectiveDate])).toEqual(events.map((e) => [e.occurredAt, e.effectiveDate]));
      },
    },
    {
      name: "ids, stream names, sort keys, balance keys, buckets, counter keys and idempotency keys keep quotes, SQL and unicode",
      async run({ store, expect }) {
        const keys = NASTY.filter((s) => s.length < 1000);
        await store.transaction(async (tx) => {
          for (const [i, k] of keys.entries()) {
            await tx.documents.put(ITEMS, k, { group: "nasty", rank: k, i }, 0);
            await tx.logs.append(ENTRIES, [{ stream: k, sortKey: k, data: { i } }]);
            await tx.balances.add(LEDGER, [{ key: k, bucket: k, amounts: { debit: new Decimal(i + 1) } }]);
            await tx.counters.apply(STOCK, [{ key: k, deltas: { onHand: new Decimal(i + 1) } }]);
            await tx.idempotency.claim(k, k, "2099-01-01T00:00:00.000Z");
            await tx.idempotency.complete(k, i);
          }
        });
        for (const [i, k] of keys.entries()) {
          expect((await store.transaction((tx) => tx.documents.get(ITEMS, k)))?.data).toEqual({ group: "nasty", rank: k, i });
          expect((await store.transaction((tx) => tx.logs.read(ENTRIES, k))).map((e) => [e.stream, e.sortKey, e.data])).toEqual([[k, k, { i }]]);
          expect((await store.transaction((tx) => tx.balances.buckets(LEDGER, k))).map((b) => [b.bucket, plain(expect, b.amounts)])).toEqual([[k, { credit: "0", debit: String(i + 1) }]]);
          expect(plain(expect, await store.transaction((tx) => tx.counters.get(STOCK, k)))).toEqual({ onHand: String(i + 1), reserved: "0" });
          expect(await store.transaction((tx) => tx.idempotency.claim(k, k, "2099-01-01T00:00:00.000Z"))).toEqual({ status: "replay", result: i });
        }
        const found = await store.transaction((tx) => tx.documents.find(ITEMS, { index: "byGroup", equals: ["nasty"] }));
        expect(found.map((d) => d.id)).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        const streams = await store.transaction((tx) => tx.logs.streams(ENTRIES));
        expect(streams).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      },
    },
    {
      name: "keys compare exactly, by code unit: ids, streams, sort keys, balance keys and buckets, counter keys and idempotency keys that differ only by case, Unicode normalisation or a trailing space are different keys",
      async run({ store, expect }) {
        // A case-insensitive or normalising collation (the default on several SQL servers) would
        // merge each pair: two SKUs sharing one stock row oversell, two checkouts share one key.
        const pairs: readonly (readonly [string, string])[] = [
          ["SKU-1", "sku-1"],
          ["\u00e9", "e\u0301"],
          ["a", "a "],
          ["stra\u00dfe", "strasse"],
          ["\uff21", "A"],
        ];
        const keys = pairs.flat();
        await store.transaction(async (tx) => {
          for (const [i, k] of keys.entries()) {
            await tx.documents.put(ITEMS, `exact:${k}`, { group: "exact", rank: k, i }, 0);
            await tx.logs.append(ENTRIES, [
              { stream: `exact:${k}`, sortKey: "1", data: { i } },
              { stream: "exact", sortKey: k, data: { i } },
            ]);
            await tx.balances.add(LEDGER, [{ key: `exact:${k}`, bucket: k, amounts: { debit: new Decimal(i + 1) } }]);
            await tx.counters.apply(STOCK, [{ key: `exact:${k}`, deltas: { onHand: new Decimal(i + 1) } }]);
            expect(await tx.idempotency.claim(`exact:${k}`, `h${i}`, "2099-01-01T00:00:00.000Z")).toEqual({ status: "claimed" });
            await tx.idempotency.complete(`exact:${k}`, i);
          }
        });
        for (const [i, k] of keys.entries()) {
          expect({ k, data: (await store.transaction((tx) => tx.documents.get(ITEMS, `exact:${k}`)))?.data }).toEqual({ k, data: { group: "exact", rank: k, i } });
          expect({ k, data: (await store.transaction((tx) => tx.logs.read(ENTRIES, `exact:${k}`))).map((e) => e.data) }).toEqual({ k, data: [{ i }] });
          expect({ k, data: (await store.transaction((tx) => tx.logs.read(ENTRIES, "exact", { gte: k, lte: k }))).map((e) => e.data) }).toEqual({ k, data: [{ i }] });
          expect({ k, buckets: (await store.transaction((tx) => tx.balances.buckets(LEDGER, `exact:${k}`))).map((b) => [b.bucket, b.amounts.debit?.toFixed()]) }).toEqual({ k, buckets: [[k, String(i + 1)]] });
          expect({ k, onHand: (await store.transaction((tx) => tx.counters.get(STOCK, `exact:${k}`))).onHand?.toFixed() }).toEqual({ k, onHand: String(i + 1) });
          expect({ k, claim: await store.transaction((tx) => tx.idempotency.claim(`exact:${k}`, `h${i}`, "2099-01-01T00:00:00.000Z")) }).toEqual({ k, claim: { status: "replay", result: i } });
        }
        const found = await store.transaction((tx) => tx.documents.find(ITEMS, { index: "byGroup", equals: ["exact", "SKU-1"] }));
        expect(found.map((d) => d.id)).toEqual(["exact:SKU-1"]);
        // Reserving 15 of "exact:sku-1" (2 on hand) may not draw on "exact:SKU-1" (1 on hand) or anything else.
        await rejection(expect, store.transaction((tx) => tx.counters.apply(STOCK, [{ key: "exact:sku-1", deltas: { reserved: new Decimal(15) }, enforce: ["available"] }])), "GUARD_VIOLATED");
      },
    },
    {
      name: "a string no store can keep (U+0000, a lone surrogate) is refused with VALIDATION_FAILED and leaves nothing",
      async run({ store, expect }) {
        await rejection(expect, store.transaction((tx) => tx.documents.put(CELLS, "nul", { text: "a\u0000b" }, 0)), "VALIDATION_FAILED");
        await rejection(expect, store.transaction((tx) => tx.documents.put(CELLS, "nul\u0000id", { text: "ok" }, 0)), "VALIDATION_FAILED");
        await rejection(expect, store.transaction((tx) => tx.logs.append(ENTRIES, [{ stream: "nul", sortKey: "1", data: { ["k\u0000"]: 1 } }])), "VALIDATION_FAILED");
        expect(await store.transaction((tx) => tx.documents.get(CELLS, "nul"))).toBeUndefined();
        expect(await store.transaction((tx) => tx.logs.read(ENTRIES, "nul"))).toEqual([]);
        // A lone surrogate is not text: UTF-8 drivers would turn it into U+FFFD, changing the data.
        for (const bad of ["a\ud800b", "tail\udc00", "\udbff"]) {
          await rejection(expect, store.transaction((tx) => tx.documents.put(CELLS, "lone", { text: bad }, 0)), "VALIDATION_FAILED");
          await rejection(expect, store.transaction((tx) => tx.documents.put(CELLS, `lone${bad}`, { text: "ok" }, 0)), "VALIDATION_FAILED");
          await rejection(expect, store.transaction((tx) => tx.logs.append(ENTRIES, [{ stream: "lone", sortKey: "1", data: { [bad]: 1 } }])), "VALIDATION_FAILED");
          await rejection(expect, store.transaction((tx) => tx.events.append([kitEvent("lone", { payload: { text: bad } })])), "VALIDATION_FAILED");
        }
        expect(await store.transaction((tx) => tx.documents.get(CELLS, "lone"))).toBeUndefined();
        expect(await store.transaction((tx) => tx.logs.read(ENTRIES, "lone"))).toEqual([]);
        expect(await store.readEvents(null, 10)).toEqual([]);
        // A well-formed pair is text, and comes back as it went in.
        await store.transaction((tx) => tx.documents.put(CELLS, "pair", { text: "\ud83d\ude00" }, 0));
        expect((await store.transaction((tx) => tx.documents.get(CELLS, "pair")))?.data).toEqual({ text: "😀" });
      },
    },
  ],
};
