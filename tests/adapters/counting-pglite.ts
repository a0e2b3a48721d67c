import { PGlite } from "@electric-sql/pglite";

/**
 * A fresh PGlite whose transactions count the statements they run (on a server each is a
 * round trip): `statements()` is the count so far, `perCommand()` counts per named command.
 */
export async function countingPGlite(): Promise<{ db: PGlite; statements(): number; perCommand(): PerCommand }> {
  const db = new PGlite();
  await db.waitReady;
  let statements = 0;
  const original = db.transaction.bind(db);
  (db as { transaction: unknown }).transaction = (fn: (tx: { query: (text: string, values?: unknown[]) => Promise<unknown> }) => Promise<unknown>) =>
    original(async (tx) => {
      const query = tx.query.bind(tx);
      return fn({ ...tx, query: (text: string, values?: unknown[]) => (statements++, query(text, values as never)) } as never);
    });
  return {
    db,
    statements: () => statements,
    perCommand() {
      const counts: Record<string, number> = {};
      return {
        counts,
        async counted(name, work) {
          const before = statements;
          const out = await work();
          counts[name] = statements - before;
          return out;
        },
      };
    },
  };
}

/** Statements per named command: `counted(name, work)` runs `work` and records its count in `counts`. */
export interface PerCommand {
  readonly counts: Record<string, number>;
  counted<T>(name: string, work: () => Promise<T>): Promise<T>;
}
