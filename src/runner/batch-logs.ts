import type { JsonObject, LogEntry, LogReadRequest, Transaction } from "../ports/storage.js";

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
