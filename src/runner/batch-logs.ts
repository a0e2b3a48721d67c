import type { JsonObject, LogEntry, LogRead, LogReadRequest, Transaction } from "../ports/storage.js";

/**
 * Several reads of one log family: the store's one-call form when it has one
 * (`logs.readMany`), else a loop of `read` with the same answer — one list per read, in the
 * order given. On a SQL store a return of ten lines then reads its ledger in one round trip.
 *
 * @example
 * ```ts
 * const [first, second] = await readLogs(ctx.tx, "inventory.movements", [{ stream: "MUG", range: { gte: p, lte: p } }, { stream: "CUP" }]);
 * ```
 */
export async function readLogs<T extends JsonObject = JsonObject>(tx: Transaction, family: string, reads: readonly LogReadRequest[]): Promise<LogEntry<T>[][]> {
  if (reads.length > 1 && tx.logs.readMany !== undefined) return tx.logs.readMany<T>(family, reads);
  const out: LogEntry<T>[][] = [];
  for (const { stream, range } of reads) out.push(await tx.logs.read<T>(family, stream, range));
  return out;
}

/**
 * A stream's entries in `range`, page by page (`range.limit` entries a page, in its order),
 * starting from `first` when the caller read the first page already (with {@link readLogs}
 * for many streams at once); each next page is read after the last entry of the one before.
 * The caller stops early by leaving the loop.
 *
 * @example
 * ```ts
 * for await (const page of logPages(tx, "inventory.movements", "MUG", { gte: since, limit: 1000 })) for (const e of page) use(e);
 * ```
 */
export async function* logPages<T extends JsonObject = JsonObject>(
  tx: Transaction,
  family: string,
  stream: string,
  range: LogRead & { readonly limit: number },
  first?: readonly LogEntry<T>[],
): AsyncGenerator<readonly LogEntry<T>[]> {
  let page = first ?? (await tx.logs.read<T>(family, stream, range));
  for (;;) {
    yield page;
    if (page.length < range.limit) return;
    const last = page[page.length - 1]!.sortKey;
    // Past the last entry read: the bound on the side the pages move towards stays as it was.
    const { gt, gte, lt, lte, ...rest } = range;
    const next: LogRead =
      range.order === "desc"
        ? { ...rest, ...(gt === undefined ? {} : { gt }), ...(gte === undefined ? {} : { gte }), lt: last }
        : { ...rest, ...(lt === undefined ? {} : { lt }), ...(lte === undefined ? {} : { lte }), gt: last };
    page = await tx.logs.read<T>(family, stream, next);
  }
}
