import { handOver } from "../kernel/hand-over.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import type { Digest } from "../ports/digest.js";
import { canonicalJson, jsDigest, jsonString as quote } from "../runner/hash.js";
import type { JournalEntry } from "./journal-entry.js";
import { CHAIN_HEAD_ID, FINANCE_STORE, type PendingPostings, flushPostings, lineSortKey } from "./ledger-store.js";

/*
 * The tamper-evident journal: every entry carries its place in the ledger's chain
 * (`sequence`, zero-padded), the hash of the entry before it (`previousHash`) and its own
 * `hash` = SHA-256 of the previous hash and the entry's canonical JSON (every field but
 * `hash`). Posting reads and advances the chain head inside the posting's transaction, so
 * the chain has no fork and no gap. Editing, deleting or reordering stored entries breaks
 * it; `verifyJournal` finds where.
 */

/**
 * The previous hash of the first entry of a ledger.
 *
 * @example
 * ```ts
 * GENESIS_HASH.length; // 64
 * ```
 */
export const GENESIS_HASH = "0".repeat(64);

/**
 * The width of a zero-padded sequence number.
 *
 * @example
 * ```ts
 * formatSequence(7); // "000000000007"
 * ```
 */
export function formatSequence(n: number): string {
  return String(n).padStart(12, "0");
}

/**
 * The hash of an entry: SHA-256 (hex) of its previous hash, a newline and the canonical
 * JSON of every field but `hash`, through `digest` (every implementation gives the same
 * hash; the default is the core's pure-JavaScript one).
 *
 * @example
 * ```ts
 * entryHash(entry) === entry.hash; // true for an untouched entry
 * ```
 */
export function entryHash(entry: Omit<JournalEntry, "hash"> & { readonly hash?: string }, digest: Digest = jsDigest): string {
  return digest.sha256Hex(`${entry.previousHash ?? GENESIS_HASH}\n${contentText(entry)}`);
}

/**
 * Links a new entry into the chain (inside the posting's transaction): reads the head for
 * update, gives the entry the next sequence, the head's hash and its own hash, and moves
 * the head.
 *
 * @example
 * ```ts
 * const chained = await chainEntry(tx, entry);
 * ```
 */
export async function chainEntry(tx: Transaction, entry: Omit<JournalEntry, "sequence" | "previousHash" | "hash">, digest: Digest = jsDigest, batch?: PendingPostings): Promise<JournalEntry> {
  // In a batch the head is read (and locked) at the command's first posting and written once before it commits.
  let head = batch?.head;
  if (head === undefined) {
    const stored = await tx.documents.getForUpdate<{ sequence: number; hash: string }>(FINANCE_STORE.chain, CHAIN_HEAD_ID);
    head = { sequence: stored?.data.sequence ?? 0, hash: stored?.data.hash ?? GENESIS_HASH, version: stored?.version ?? 0 };
    if (batch !== undefined) batch.head = head;
  }
  const sequence = head.sequence + 1;
  const previousHash = head.hash;
  const chained: JournalEntry = {
    entryId: entry.entryId,
    key: entry.key,
    date: entry.date,
    recordedAt: entry.recordedAt,
    domain: entry.domain,
    kind: entry.kind,
    memo: entry.memo,
    source: entry.source,
    reversalOf: entry.reversalOf,
    functionalCurrency: entry.functionalCurrency,
    lines: entry.lines,
    sequence: formatSequence(sequence),
    previousHash,
    hash: "",
  };
  (chained as { hash: string }).hash = digest.sha256Hex(`${previousHash}\n${postedEntryText(chained)}`);
  if (batch !== undefined) {
    batch.head = { sequence, hash: chained.hash, version: head.version };
    batch.headMoved = true;
  } else await tx.documents.put(FINANCE_STORE.chain, CHAIN_HEAD_ID, handOver({ sequence, hash: chained.hash }), head.version);
  return chained;
}

/*
 * The canonical JSON of an entry as posting builds it (every field but `hash`), written
 * field by field in sorted key order: the same text as `canonicalJson` (a property test),
 * without sorting keys or walking values generically on every posting. `chainEntry` builds
 * the entry's own fields; a line or source of another shape (a field posting does not
 * write) takes `canonicalJson`.
 */
const LINE_KEYS = new Set(["account", "currency", "amount", "functional", "rate", "memo"]);

function postedEntryText(entry: JournalEntry): string {
  let lines = "";
  for (let i = 0; i < entry.lines.length; i++) {
    const l = entry.lines[i]!;
    let fields = 0;
    for (const key in l) {
      if (!LINE_KEYS.has(key)) return contentText(entry);
      fields++;
    }
    if (fields !== (l.memo === undefined ? 5 : 6)) return contentText(entry);
    if (typeof l.account !== "string" || typeof l.currency !== "string" || typeof l.amount !== "string" || typeof l.functional !== "string" || (l.rate !== null && typeof l.rate !== "string")) return contentText(entry);
    lines += `${i > 0 ? "," : ""}{"account":${quote(l.account)},"amount":${quote(l.amount)},"currency":${quote(l.currency)},"functional":${quote(l.functional)},${l.memo === undefined ? "" : `"memo":${quote(l.memo)},`}"rate":${nullable(l.rate)}}`;
  }
  return (
    `{"date":${quote(entry.date)},"domain":${quote(entry.domain)},"entryId":${quote(entry.entryId)},"functionalCurrency":${quote(entry.functionalCurrency)},` +
    `"key":${nullable(entry.key)},"kind":${quote(entry.kind)},"lines":[${lines}],"memo":${nullable(entry.memo)},"previousHash":${quote(entry.previousHash)},` +
    `"recordedAt":${quote(entry.recordedAt)},"reversalOf":${nullable(entry.reversalOf)},"sequence":${quote(entry.sequence)},"source":${sourceText(entry.source)}}`
  );
}

/** An entry's source as canonical JSON, written directly for the two kinds posting makes. */
function sourceText(source: JournalEntry["source"]): string {
  let fields = 0;
  for (const _key in source) fields++;
  if (source.kind === "event" && fields === 5 && typeof source.eventId === "string" && typeof source.eventType === "string" && typeof source.aggregateType === "string" && typeof source.aggregateId === "string") {
    return `{"aggregateId":${quote(source.aggregateId)},"aggregateType":${quote(source.aggregateType)},"eventId":${quote(source.eventId)},"eventType":${quote(source.eventType)},"kind":"event"}`;
  }
  if (source.kind === "command" && fields === 3 && typeof source.commandId === "string" && typeof source.commandName === "string") {
    return `{"commandId":${quote(source.commandId)},"commandName":${quote(source.commandName)},"kind":"command"}`;
  }
  return canonicalJson(source);
}

function nullable(text: string | null): string {
  return text === null ? "null" : quote(text);
}

/** The canonical JSON of every field of an entry but `hash`. */
function contentText(entry: Omit<JournalEntry, "hash"> & { readonly hash?: string }): string {
  const { hash: _hash, ...content } = entry as JournalEntry;
  return canonicalJson(content);
}

/**
 * The text {@link chainEntry} hashes for an entry: the fast writer's, for tests that check
 * it equals `canonicalJson` of the entry without its hash.
 *
 * @internal
 */
export const chainTextOf = (entry: JournalEntry): string => postedEntryText(entry);

/**
 * One break in the chain: which entry (or sequence number) and what is wrong.
 *
 * - `edited`: the entry's content no longer gives its hash;
 * - `broken-link`: its `previousHash` is not the hash of the entry before it (an entry
 *   replaced, or entries reordered);
 * - `missing`: sequence numbers with no entry (deleted entries), `from`..`to`;
 * - `lines`: the lines log does not hold the entry's lines as posted (`lines: true` only).
 *
 * @example
 * ```ts
 * const problem: ChainProblem = { kind: "edited", sequence: "000000000002", entryId: "je_2", message: "..." };
 * ```
 */
export interface ChainProblem {
  readonly kind: "edited" | "broken-link" | "missing" | "lines";
  readonly sequence: string;
  readonly entryId?: string;
  readonly message: string;
}

/**
 * The result of {@link verifyJournal}: `ok` when every entry is where and what it was
 * posted as; the number of entries checked, the head (publish `headHash` somewhere else to
 * detect a rewrite of the whole chain), entries from before chaining, and the problems.
 *
 * @example
 * ```ts
 * const result: JournalVerification = await sk.finance.verifyJournal();
 * if (!result.ok) console.log(result.problems);
 * ```
 */
export interface JournalVerification {
  readonly ok: boolean;
  readonly entries: number;
  readonly headSequence: string | null;
  readonly headHash: string | null;
  readonly unchained: number;
  readonly problems: readonly ChainProblem[];
}

/**
 * Verifies the journal's chain: reads every entry in sequence order, recomputes each hash,
 * follows the links, finds gaps and a head that is ahead of the last entry; with
 * `lines: true` also checks that the lines log holds each entry's lines unchanged.
 *
 * @example
 * ```ts
 * const result = await runtime.read((tx) => verifyJournal(tx));
 * ```
 */
export async function verifyJournal(tx: Transaction, options: { readonly lines?: boolean; readonly onProgress?: ((progress: { done: number; total: number }) => void) | undefined; readonly digest?: Digest } = {}): Promise<JournalVerification> {
  await flushPostings(tx);
  const digest = options.digest ?? jsDigest;
  const problems: ChainProblem[] = [];
  const entries = options.onProgress === undefined ? 0 : await countEntries(tx);
  const head = await tx.documents.get<{ sequence: number; hash: string }>(FINANCE_STORE.chain, CHAIN_HEAD_ID);
  let expected = 1;
  let previousHash = GENESIS_HASH;
  let count = 0;
  let after: { values: string[]; id: string } | undefined;
  for (;;) {
    const page = await tx.documents.find(FINANCE_STORE.entries, { index: "bySequence", limit: 1000, ...(after === undefined ? {} : { after }) });
    for (const doc of page) {
      const entry = doc.data as unknown as JournalEntry;
      count++;
      const n = Number(entry.sequence);
      if (n > expected) {
        problems.push({ kind: "missing", sequence: formatSequence(expected), message: `No entries with sequence ${formatSequence(expected)}${n - 1 > expected ? ` to ${formatSequence(n - 1)}` : ""}: deleted from the journal.` });
        previousHash = "";
      }
      if (entryHash(entry, digest) !== entry.hash) {
        problems.push({ kind: "edited", sequence: entry.sequence, entryId: entry.entryId, message: `Entry ${entry.entryId} (sequence ${entry.sequence}) does not give its hash: it was changed after posting.` });
      }
      if (previousHash !== "" && entry.previousHash !== previousHash) {
        problems.push({ kind: "broken-link", sequence: entry.sequence, entryId: entry.entryId, message: `Entry ${entry.entryId} (sequence ${entry.sequence}) does not follow the entry before it: entries were replaced or reordered.` });
      }
      if (options.lines === true) {
        const problem = await checkLines(tx, entry);
        if (problem !== undefined) problems.push(problem);
      }
      previousHash = entry.hash;
      expected = n + 1;
    }
    if (page.length > 0) options.onProgress?.({ done: count, total: Math.max(entries, count) });
    if (page.length < 1000) break;
    const last = page[page.length - 1]!;
    after = { values: [(last.data as unknown as JournalEntry).sequence], id: last.id };
  }
  if (head !== undefined && head.data.sequence >= expected) {
    problems.push({ kind: "missing", sequence: formatSequence(expected), message: `The chain head is at ${formatSequence(head.data.sequence)} but the last entry is ${formatSequence(expected - 1)}: entries were deleted from the end.` });
  } else if (head !== undefined && count > 0 && head.data.hash !== previousHash) {
    problems.push({ kind: "broken-link", sequence: formatSequence(head.data.sequence), message: "The last entry's hash is not the chain head's: the last entry was replaced." });
  }
  const total = await countEntries(tx);
  return {
    ok: problems.length === 0,
    entries: count,
    headSequence: head === undefined ? null : formatSequence(head.data.sequence),
    headHash: head?.data.hash ?? null,
    unchained: total - count,
    problems,
  };
}

async function countEntries(tx: Transaction): Promise<number> {
  let n = 0;
  let after: { values: string[]; id: string } | undefined;
  for (;;) {
    const page = await tx.documents.find(FINANCE_STORE.entries, { index: "byDate", limit: 1000, ...(after === undefined ? {} : { after }) });
    n += page.length;
    if (page.length < 1000) return n;
    const last = page[page.length - 1]!;
    after = { values: [(last.data as unknown as JournalEntry).date], id: last.id };
  }
}

async function checkLines(tx: Transaction, entry: JournalEntry): Promise<ChainProblem | undefined> {
  for (const [lineNo, line] of entry.lines.entries()) {
    const key = lineSortKey(entry.date, entry.entryId, lineNo);
    const [stored] = await tx.logs.read<JsonObject>(FINANCE_STORE.lines, line.account, { gte: key, lte: key, limit: 1 });
    const data = stored?.data as Record<string, unknown> | undefined;
    if (data === undefined || data["entryId"] !== entry.entryId || data["amount"] !== line.amount || data["functional"] !== line.functional || data["currency"] !== line.currency) {
      return { kind: "lines", sequence: entry.sequence, entryId: entry.entryId, message: `The lines log does not hold line ${lineNo} of entry ${entry.entryId} (account ${line.account}) as posted.` };
    }
  }
  return undefined;
}
