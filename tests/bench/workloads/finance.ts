import { memoryStore } from "../../../src/adapters/memory/index.js";
import { type AccountInput, createChart } from "../../../src/finance/accounts.js";
import { DEFAULT_ACCOUNTS } from "../../../src/finance/chart.js";
import type { JournalEntry, JournalEntryInput } from "../../../src/finance/journal-entry.js";
import { writeEntry } from "../../../src/finance/ledger-store.js";
import { type BalanceBook, type PostingLine, postToBook, unitsToString } from "../../../src/finance/posting-kernel.js";
import { createStorekeep, type Storekeep } from "../../../src/storekeep.js";
import { ManualClock } from "../../../src/testing/clock.js";
import { sequentialIds } from "../../../src/testing/ids.js";
import type { BenchWorkload } from "../harness.js";

/*
 * Finance benchmarks.
 * - finance.posting-1m: the pure posting path (validate + apply, scaled bigint) over 1M
 *   entries of 2–4 lines on 1,000 accounts, 30% of lines on 10 hot accounts, beside a
 *   bare bigint kernel doing the same balancing and debit/credit/amount updates.
 * - finance.posting-runner: postEntry through the command runner on the in-memory store
 *   (parse, idempotency-free command, locks, accounts, entry document, lines log, two
 *   balance families), beside the pure path for the same entries.
 * - finance.trial-balance-{10k,100k,1m}: a 1,000-account trial balance after that many
 *   lines, beside summing bigint balances held in a Map.
 */

const ACCOUNTS = 1000;
const HOT = 10;

function rng(seed: number): (max: number) => number {
  let state = seed >>> 0 || 1;
  return (max) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % max;
  };
}

const codes = Array.from({ length: ACCOUNTS }, (_, i) => String(10_000 + i));

/** Entries of 2–4 lines; 30% of lines on the 10 hot accounts. Amounts in kernel units (cents × 10^4). */
function generate(count: number, seed: number): { lines: PostingLine[]; index: Int32Array }[] {
  const next = rng(seed);
  const out: { lines: PostingLine[]; index: Int32Array }[] = new Array(count);
  for (let e = 0; e < count; e++) {
    const n = 2 + next(3);
    const lines: PostingLine[] = [];
    const index = new Int32Array(n);
    let sum = 0n;
    for (let i = 0; i < n; i++) {
      const account = next(10) < 3 ? next(HOT) : HOT + next(ACCOUNTS - HOT);
      index[i] = account;
      let amount: bigint;
      if (i < n - 1) {
        amount = BigInt((1 + next(1_000_000)) * (next(2) === 0 ? 1 : -1)) * 10_000n;
        sum += amount;
      } else {
        if (sum === 0n) {
          // keep every line non-zero: flip the first line, so the last one balances it
          const first = lines[0]!;
          lines[0] = { ...first, amount: -first.amount, functional: -first.functional };
          sum = -2n * first.amount;
        }
        amount = -sum;
      }
      lines.push({ account: codes[account]!, currency: "EUR", amount, functional: amount });
    }
    out[e] = { lines, index };
  }
  return out;
}

/** The bare kernel: sum, check zero, add to debit/credit/amount arrays by account index. */
function kernelPost(entries: readonly { lines: PostingLine[]; index: Int32Array }[], debit: bigint[], credit: bigint[], amount: bigint[]): void {
  for (let e = 0; e < entries.length; e++) {
    const { lines, index } = entries[e]!;
    let sum = 0n;
    for (let i = 0; i < lines.length; i++) sum += lines[i]!.functional;
    if (sum !== 0n) throw new Error("unbalanced");
    for (let i = 0; i < lines.length; i++) {
      const a = index[i]!;
      const v = lines[i]!.functional;
      if (v >= 0n) debit[a]! += v;
      else credit[a]! -= v;
      amount[a]! += lines[i]!.amount;
    }
  }
}

const zeros = (): bigint[] => new Array<bigint>(ACCOUNTS).fill(0n);

const benchChart = () =>
  createChart([
    ...DEFAULT_ACCOUNTS,
    { code: "9000", name: "Bench", type: "asset", header: true },
    ...codes.map((code): AccountInput => ({ code, name: `Account ${code}`, type: "asset", parent: "9000" })),
  ]);

function makeSk(): Storekeep {
  return createStorekeep({ store: memoryStore(), clock: new ManualClock("2026-06-30T12:00:00.000Z"), ids: sequentialIds({ width: 9 }), config: { functionalCurrency: "EUR" }, finance: { chart: benchChart() } });
}

/** Dates spread over January to June (`day` 0..167 in order, or any number wrapping around). */
function dateOf(day: number, year = 2026): string {
  const d = day % 168;
  return `${year}-${String(1 + Math.floor(d / 28)).padStart(2, "0")}-${String(1 + (d % 28)).padStart(2, "0")}`;
}

function toInput(lines: readonly PostingLine[], day: number, year?: number): JournalEntryInput {
  return {
    date: dateOf(day, year),
    lines: lines.map((l) => (l.functional >= 0n ? { account: l.account, debit: unitsToString(l.functional) } : { account: l.account, credit: unitsToString(-l.functional) })),
  };
}

async function seedLines(sk: Storekeep, lineCount: number): Promise<BalanceBook> {
  await sk.ready();
  const entries = generate(Math.ceil(lineCount / 3), 7);
  const book: BalanceBook = new Map();
  let lines = 0;
  let i = 0;
  while (lines < lineCount) {
    await sk.store.transaction(async (tx) => {
      for (let b = 0; b < 2000 && lines < lineCount; b++, i++) {
        const { lines: entryLines } = entries[i % entries.length]!;
        const input = toInput(entryLines, i);
        const entry: JournalEntry = {
          entryId: `je_${String(i).padStart(9, "0")}`, key: null, date: input.date, recordedAt: "2026-06-30T12:00:00.000Z", domain: "general", kind: "standard", memo: null,
          source: { kind: "command", commandId: "seed", commandName: "seed" }, reversalOf: null, functionalCurrency: "EUR",
          lines: entryLines.map((l) => ({ account: l.account, currency: "EUR", amount: unitsToString(l.amount), functional: unitsToString(l.functional), rate: null })),
          // Seeded behind the chain (reports do not read it).
          sequence: String(i + 1).padStart(12, "0"), previousHash: "", hash: "",
        };
        await writeEntry(tx, entry, entryLines);
        postToBook(book, entryLines, "EUR");
        lines += entryLines.length;
      }
    });
  }
  return book;
}

function trialBalanceWorkload(name: string, lineCount: number): BenchWorkload<{ sk: Storekeep; book: BalanceBook }> {
  return {
    name,
    unit: "reports/s",
    ops: 1,
    rounds: 7,
    async prepare() {
      const sk = makeSk();
      const book = await seedLines(sk, lineCount);
      return { sk, book };
    },
    async subject({ sk }) {
      const tb = await sk.finance.trialBalance({ asOf: "2026-05-20" });
      if (tb.totals.debit !== tb.totals.credit) throw new Error("trial balance does not balance");
      return { extra: { lines: lineCount, accounts: tb.rows.length } };
    },
    baseline({ book }) {
      // Sum debit and credit per account from bigint balances in a Map.
      let debit = 0n;
      let credit = 0n;
      for (const cell of book.values()) {
        const net = cell.debit - cell.credit;
        if (net >= 0n) debit += net;
        else credit -= net;
      }
      if (debit !== credit) throw new Error("unbalanced");
      return debit;
    },
  };
}

const RUNNER_ENTRIES = 10_000;
/** Years of inputs prepared for finance.posting-runner: one per call, 2001 onwards (the clock is in 2026). */
const RUNNER_YEARS = 12;
const RUNNER_FIRST_YEAR = 2001;

export const workloads: BenchWorkload[] = [
  {
    name: "finance.posting-1m",
    unit: "entries/s",
    ops: 1_000_000,
    rounds: 3,
    prepare: () => generate(1_000_000, 20_261_127),
    subject(entries: ReturnType<typeof generate>) {
      const book: BalanceBook = new Map();
      for (let e = 0; e < entries.length; e++) postToBook(book, entries[e]!.lines, "EUR");
      return { extra: { accounts: book.size, lines: entries.reduce((s, x) => s + x.lines.length, 0) } };
    },
    baseline(entries: ReturnType<typeof generate>) {
      kernelPost(entries, zeros(), zeros(), zeros());
    },
  } as BenchWorkload<ReturnType<typeof generate>> as BenchWorkload,
  {
    name: "finance.posting-runner",
    unit: "entries/s",
    ops: RUNNER_ENTRIES,
    rounds: 3,
    maxCalls: RUNNER_YEARS,
    async prepare() {
      const sk = makeSk();
      await sk.ready();
      const entries = generate(RUNNER_ENTRIES, 99);
      // A shop posts its days in order: each call posts 10k entries over 168 days of the next
      // year, so dates never go back, from one call to the next either (a call reposting the
      // same days would post every entry back-dated behind the previous call's).
      const years = Array.from({ length: RUNNER_YEARS }, (_, y) => entries.map((e, i) => toInput(e.lines, Math.floor((i * 168) / RUNNER_ENTRIES), RUNNER_FIRST_YEAR + y)));
      return { sk, entries, years, calls: 0 };
    },
    async subject(state: { sk: Storekeep; years: JournalEntryInput[][]; calls: number }) {
      const inputs = state.years[state.calls++];
      if (inputs === undefined) throw new Error(`finance.posting-runner has inputs for ${RUNNER_YEARS} calls (warm-ups and rounds together): run it with fewer --rounds`);
      for (const input of inputs) await state.sk.finance.postEntry(input);
    },
    baseline({ entries }: { entries: ReturnType<typeof generate> }) {
      const book: BalanceBook = new Map();
      for (const e of entries) postToBook(book, e.lines, "EUR");
    },
  } as BenchWorkload<{ sk: Storekeep; entries: ReturnType<typeof generate>; years: JournalEntryInput[][]; calls: number }> as BenchWorkload,
  trialBalanceWorkload("finance.trial-balance-10k", 10_000),
  trialBalanceWorkload("finance.trial-balance-100k", 100_000),
  trialBalanceWorkload("finance.trial-balance-1m", 1_000_000),
] as BenchWorkload[];
