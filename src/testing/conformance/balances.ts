import { Decimal, canonicalDecimal } from "../../kernel/decimal.js";
import type { BalanceDelta, BucketRange } from "../../ports/storage.js";
import { byCodeUnit, plain, settle } from "./helpers.js";
import { LEDGER } from "./registry.js";
import type { ConformanceExpect, KitGroup } from "./types.js";

interface Row {
  readonly key: string;
  readonly bucket: string;
  readonly debit: string;
  readonly credit: string;
}

function month(m: number): string {
  return `2026-${String(m).padStart(2, "0")}`;
}

/** Deterministic deltas over keys and months, with negative amounts and many decimals. */
function rows(): Row[] {
  const out: Row[] = [];
  const keys = ["1000|EUR", "1200|EUR", "1200|USD", "2000|EUR", "4000|EUR"];
  for (let i = 0; i < 60; i++) {
    const key = keys[(i * 7) % keys.length]!;
    const bucket = month(1 + ((i * 5) % 12));
    out.push({ key, bucket, debit: `${(i * 37) % 1000}.${String((i * 13) % 100).padStart(2, "0")}`, credit: i % 4 === 0 ? `-${i}.000001` : `${i % 7}` });
  }
  return out;
}

function deltas(list: readonly Row[]): BalanceDelta[] {
  return list.map((r) => ({ key: r.key, bucket: r.bucket, amounts: { debit: new Decimal(r.debit), credit: new Decimal(r.credit) } }));
}

function inBuckets(bucket: string, range: BucketRange | undefined): boolean {
  return (range?.from === undefined || bucket >= range.from) && (range?.to === undefined || bucket <= range.to);
}

function modelSum(list: readonly Row[], key: string, range: BucketRange | undefined): Record<string, string> {
  let debit = new Decimal(0);
  let credit = new Decimal(0);
  for (const r of list) {
    if (r.key !== key || !inBuckets(r.bucket, range)) continue;
    debit = debit.plus(r.debit);
    credit = credit.plus(r.credit);
  }
  return { credit: canonicalDecimal(credit), debit: canonicalDecimal(debit) };
}

function plainMap(expect: ConformanceExpect, map: Map<string, Record<string, Decimal>>): [string, Record<string, string>][] {
  return [...map.entries()].map(([k, v]) => [k, plain(expect, v)]);
}

const RANGES: readonly (BucketRange | undefined)[] = [undefined, { to: "2026-06" }, { from: "2026-03", to: "2026-05" }, { from: "2026-11" }, { from: "2026-04", to: "2026-04" }, { to: "2025-12" }];

/** Bucketed balances: sums as of a bucket and for a period, per key and by key. */
export const balanceTests: KitGroup = {
  name: "balances",
  tests: [
    {
      name: "sum of a key with nothing added is zero in every field",
      async run({ store, expect }) {
        const sum = await store.transaction((tx) => tx.balances.sum(LEDGER, "nothing"));
        expect(plain(expect, sum)).toEqual({ credit: "0", debit: "0" });
        expect(await store.transaction((tx) => tx.balances.buckets(LEDGER, "nothing"))).toEqual([]);
        expect((await store.transaction((tx) => tx.balances.sumByKey(LEDGER))).size).toBe(0);
      },
    },
    {
      name: "sum over a key as of a bucket and for a period equals the model; fields a delta leaves out add zero",
      async run({ store, expect }) {
        const list = rows();
        await store.transaction((tx) => tx.balances.add(LEDGER, deltas(list.slice(0, 30))));
        await store.transaction((tx) => tx.balances.add(LEDGER, deltas(list.slice(30))));
        await store.transaction((tx) => tx.balances.add(LEDGER, [{ key: "1000|EUR", bucket: "2026-02", amounts: { debit: new Decimal("0.5") } }]));
        const all = [...list, { key: "1000|EUR", bucket: "2026-02", debit: "0.5", credit: "0" }];
        for (const key of ["1000|EUR", "1200|EUR", "1200|USD", "2000|EUR", "4000|EUR", "9999"]) {
          for (const range of RANGES) {
            const sum = await store.transaction((tx) => tx.balances.sum(LEDGER, key, range));
            expect({ key, range, sum: plain(expect, sum) }).toEqual({ key, range, sum: modelSum(all, key, range) });
          }
        }
      },
    },
    {
      name: "sumByKey sums many keys at once, filtered by prefix, by a key list and by buckets, leaving out keys with no rows in range",
      async run({ store, expect }) {
        const list = rows();
        await store.transaction((tx) => tx.balances.add(LEDGER, deltas(list)));
        // A key whose rows cancel out still has rows, so it is listed.
        await store.transaction((tx) =>
          tx.balances.add(LEDGER, [
            { key: "3000|EUR", bucket: "2026-07", amounts: { debit: new Decimal("5") } },
            { key: "3000|EUR", bucket: "2026-07", amounts: { debit: new Decimal("-5") } },
          ]),
        );
        const withZero = [...list, { key: "3000|EUR", bucket: "2026-07", debit: "0", credit: "0" }];
        const keysOf = (rs: readonly Row[], range: BucketRange | undefined, pick: (k: string) => boolean): string[] =>
          [...new Set(rs.filter((r) => pick(r.key) && inBuckets(r.bucket, range)).map((r) => r.key))].sort();
        for (const range of RANGES) {
          const everything = await store.transaction((tx) => tx.balances.sumByKey(LEDGER, range ? { buckets: range } : {}));
          const expectedKeys = keysOf(withZero, range, () => true);
          expect([...everything.keys()].sort()).toEqual(expectedKeys);
          expect(plainMap(expect, everything).sort()).toEqual(expectedKeys.map((k) => [k, modelSum(withZero, k, range)]));
          const prefixed = await store.transaction((tx) => tx.balances.sumByKey(LEDGER, { keyPrefix: "1200|", ...(range ? { buckets: range } : {}) }));
          expect(plainMap(expect, prefixed).sort()).toEqual(keysOf(withZero, range, (k) => k.startsWith("1200|")).map((k) => [k, modelSum(withZero, k, range)]));
          const chosen = await store.transaction((tx) => tx.balances.sumByKey(LEDGER, { keys: ["4000|EUR", "1000|EUR", "missing"], ...(range ? { buckets: range } : {}) }));
          expect(plainMap(expect, chosen).sort()).toEqual(keysOf(withZero, range, (k) => k === "4000|EUR" || k === "1000|EUR").map((k) => [k, modelSum(withZero, k, range)]));
        }
        const zero = await store.transaction((tx) => tx.balances.sumByKey(LEDGER, { keys: ["3000|EUR"] }));
        expect(plainMap(expect, zero)).toEqual([["3000|EUR", { credit: "0", debit: "0" }]]);
      },
    },
    {
      name: "sumByKey's keyPrefix is a literal, case-sensitive prefix: _ and % are plain characters, and the prefix bounds are exact",
      async run({ store, expect }) {
        // A prefix done with SQL LIKE (case-insensitive, _ and % wildcards) or a careless range bound would match these.
        const keys = ["A_B|1", "AxB|1", "a_b|1", "A%|1", "A%Z|1", "A|1", "A_B", "A_C|1", "A_B|\uffff", "A_C"];
        await store.transaction((tx) => tx.balances.add(LEDGER, keys.map((key, i) => ({ key, bucket: "2026-01", amounts: { debit: new Decimal(i + 1) } }))));
        const withPrefix = async (keyPrefix: string) => [...(await store.transaction((tx) => tx.balances.sumByKey(LEDGER, { keyPrefix }))).keys()].sort(byCodeUnit);
        for (const prefix of ["A_B|", "A%", "A_", "a_", "A", "A_B|\uffff", "Z"]) {
          expect({ prefix, keys: await withPrefix(prefix) }).toEqual({ prefix, keys: keys.filter((k) => k.startsWith(prefix)).sort(byCodeUnit) });
        }
      },
    },
    {
      name: "buckets lists one key's per-bucket totals in bucket order within a range",
      async run({ store, expect }) {
        const list = rows();
        await store.transaction((tx) => tx.balances.add(LEDGER, deltas(list)));
        for (const range of RANGES) {
          const got = await store.transaction((tx) => tx.balances.buckets(LEDGER, "1200|EUR", range));
          const expectedBuckets = [...new Set(list.filter((r) => r.key === "1200|EUR" && inBuckets(r.bucket, range)).map((r) => r.bucket))].sort();
          expect(got.map((b) => b.bucket)).toEqual(expectedBuckets);
          expect(got.map((b) => plain(expect, b.amounts))).toEqual(expectedBuckets.map((b) => modelSum(list.filter((r) => r.bucket === b), "1200|EUR", undefined)));
        }
      },
    },
    {
      name: "concurrent additions to one key never conflict and lose nothing",
      async run({ store, expect, contention }) {
        const outcomes = await settle(
          Array.from({ length: contention }, (_, i) =>
            store.transaction(async (tx) => {
              await tx.balances.add(LEDGER, [{ key: "hot", bucket: month(1 + (i % 2)), amounts: { debit: new Decimal("1.01"), credit: new Decimal(i) } }]);
            }),
          ),
        );
        expect(outcomes.codes).toEqual([]);
        const sum = await store.transaction((tx) => tx.balances.sum(LEDGER, "hot"));
        expect(plain(expect, sum)).toEqual({ credit: canonicalDecimal(new Decimal((contention * (contention - 1)) / 2)), debit: canonicalDecimal(new Decimal("1.01").times(contention)) });
      },
    },
    {
      name: "a transaction reads its own additions",
      async run({ store, expect }) {
        await store.transaction(async (tx) => {
          await tx.balances.add(LEDGER, [{ key: "own", bucket: "2026-01", amounts: { debit: new Decimal(2) } }]);
          expect(plain(expect, await tx.balances.sum(LEDGER, "own"))).toEqual({ credit: "0", debit: "2" });
          expect((await tx.balances.sumByKey(LEDGER, { keyPrefix: "ow" })).size).toBe(1);
        });
      },
    },
  ],
};
