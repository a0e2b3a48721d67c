import { Decimal, canonicalDecimal } from "../../kernel/decimal.js";
import { StorekeepError } from "../../kernel/errors.js";
import type { CounterChange, CounterStore } from "../../ports/storage.js";
import type { Catalog, CounterEntry } from "./catalog.js";
import { fromTexts, parseNumericArray, toVector } from "./decimals.js";
import type { Session } from "./queryable.js";
import { checkText, numericArrayLiteral } from "./sql.js";

/*
 * Guarded counters: one row per (family, key) holding a numeric[] (one position per
 * field). A change is ONE conditional UPDATE whose WHERE clause checks, in SQL, every
 * enforced guard the change lowers: `... AND (new guard value) >= floor RETURNING`. An
 * empty RETURNING means the guard would break. Missing rows are inserted first (ON CONFLICT
 * DO NOTHING), changes run in key order so two transactions always lock rows in the same
 * order and never deadlock, and a violation undoes the changes this call already made
 * (exact numeric arithmetic), so `apply` is all or nothing without a savepoint.
 *
 * Across separate `apply` calls of one transaction the order cannot be chosen for the
 * caller. Waiting only ever happens from a smaller held key to a larger one, so no cycle
 * (deadlock) can form: a row whose key sorts before a row this transaction already holds
 * is locked with NOWAIT, and if another transaction has it, this one fails at once with a
 * retryable CONCURRENCY_CONFLICT instead of waiting for PostgreSQL's deadlock detector
 * (deadlock_timeout, 1 s by default, per cycle).
 */

interface Prepared {
  readonly index: number;
  readonly change: CounterChange;
  readonly vector: string[];
  /** Guards this change lowers and must check. */
  readonly checked: string[];
}

/**
 * The counter primitive over one session.
 *
 * @example
 * ```ts
 * const counters = postgresCounters(session, catalog);
 * ```
 */
export function postgresCounters(session: Session, catalog: Catalog): CounterStore {
  const t = catalog.tables;
  /** Rows this transaction locked ("family\u0000key"), and the largest of them. */
  const held = new Set<string>();
  let largestHeld: string | undefined;

  function rowId(family: string, key: string): string {
    return `${family}\u0000${key}`;
  }

  /** True when waiting for this row could close a cycle: it sorts before a row we hold. */
  function inverted(family: string, key: string): boolean {
    const id = rowId(family, key);
    return !held.has(id) && largestHeld !== undefined && id < largestHeld;
  }

  /**
   * Creates (if missing) and locks an out-of-order row without waiting: inside a savepoint,
   * lock_timeout is 1 ms for these statements, and a wait that would be needed fails with
   * 55P03. Rolling back to the savepoint restores lock_timeout and keeps the transaction
   * usable, like every other expected conflict.
   */
  async function lockWithoutWaiting(family: string, key: string, zeros: string): Promise<void> {
    await session.query("SAVEPOINT storekeep_counter_lock");
    let previous = "0";
    try {
      const [row] = await session.query<{ previous: string }>("SELECT current_setting('lock_timeout') AS previous, set_config('lock_timeout', '1ms', true)");
      previous = row?.previous ?? "0";
      await session.query(`INSERT INTO ${t.counters} (family, key, amounts) VALUES ($1, $2, $3::numeric[]) ON CONFLICT (family, key) DO NOTHING`, [family, key, zeros]);
      await session.query(`SELECT 1 FROM ${t.counters} WHERE family = $1 AND key = $2 FOR UPDATE`, [family, key]);
    } catch (error) {
      if ((error as { details?: { sqlState?: string } }).details?.sqlState !== "55P03") throw error;
      await session.query("ROLLBACK TO SAVEPOINT storekeep_counter_lock");
      throw new StorekeepError(
        "CONCURRENCY_CONFLICT",
        `Counter "${key}" of "${family}" is held by another transaction and this one already holds a later row; retry the command.`,
        { family, key, sqlState: "55P03" },
        { cause: error },
      );
    }
    // A released savepoint keeps SET LOCAL changes: put lock_timeout back first.
    await session.query("SELECT set_config('lock_timeout', $1, true)", [previous]);
    await session.query("RELEASE SAVEPOINT storekeep_counter_lock");
  }

  function markHeld(family: string, key: string): void {
    const id = rowId(family, key);
    held.add(id);
    if (largestHeld === undefined || id > largestHeld) largestHeld = id;
  }

  function newValues(spec: CounterEntry): string {
    return `ARRAY[${spec.fields.map((_, i) => `coalesce(amounts[${i + 1}], 0) + $${i + 3}::numeric`).join(", ")}]`;
  }

  function guardExpression(spec: CounterEntry, guard: string): string {
    const terms = spec.guards[guard]?.terms ?? {};
    const parts = Object.entries(terms).map(([field, sign]) => {
      const i = spec.fields.indexOf(field);
      return `${sign === 1 ? "+" : "-"} (coalesce(amounts[${i + 1}], 0) + $${i + 3}::numeric)`;
    });
    return `(0 ${parts.join(" ")}) >= ${new Decimal(spec.guards[guard]?.floor ?? 0).toFixed()}`;
  }

  function updateSql(spec: CounterEntry, checked: readonly string[]): string {
    return catalog.sql("counter", spec.name, `update:${checked.join(",")}`, () => {
      const guards = checked.map((g) => ` AND ${guardExpression(spec, g)}`).join("");
      return `UPDATE ${t.counters} SET amounts = ${newValues(spec)} WHERE family = $1 AND key = $2${guards} RETURNING amounts::text AS amounts`;
    });
  }

  function prepare(spec: CounterEntry, family: string, change: CounterChange, index: number): Prepared {
    checkText(change.key, "counter key");
    const vector = toVector(spec.fields, change.deltas, family, "Counter");
    const checked: string[] = [];
    for (const guard of change.enforce ?? []) {
      const guardSpec = spec.guards[guard];
      if (guardSpec === undefined) {
        throw new StorekeepError("NOT_FOUND", `Counter family "${family}" has no guard "${guard}": declare it in the registry.`, { family, guard });
      }
      let delta = new Decimal(0);
      for (const [field, sign] of Object.entries(guardSpec.terms)) {
        const d = change.deltas[field];
        if (d !== undefined) delta = sign === 1 ? delta.plus(d) : delta.minus(d);
      }
      if (delta.isNegative() && !delta.isZero() && !checked.includes(guard)) checked.push(guard);
    }
    checked.sort();
    return { index, change, vector, checked };
  }

  async function read(spec: CounterEntry, family: string, keys: readonly string[]): Promise<Map<string, Record<string, Decimal>>> {
    const rows = await session.query<{ key: string; amounts: string }>(`SELECT key, amounts::text AS amounts FROM ${t.counters} WHERE family = $1 AND key = ANY($2::text[])`, [
      family,
      [...keys],
    ]);
    const out = new Map<string, Record<string, Decimal>>();
    for (const row of rows) out.set(row.key, fromTexts(spec.fields, parseNumericArray(row.amounts)));
    return out;
  }

  return {
    async apply(family: string, changes: readonly CounterChange[]): Promise<Record<string, Decimal>[]> {
      const spec = await catalog.counter(session, family);
      if (changes.length === 0) return [];
      const prepared = changes.map((change, i) => prepare(spec, family, change, i));
      // Key order (binary, as COLLATE "C"), stable for repeated keys.
      const ordered = [...prepared].sort((a, b) => (a.change.key < b.change.key ? -1 : a.change.key > b.change.key ? 1 : a.index - b.index));
      const zeros = numericArrayLiteral(spec.fields.map(() => "0"));
      const keys = [...new Set(ordered.map((p) => p.change.key))];
      const outOfOrder = new Set(keys.filter((key) => inverted(family, key)));
      const inOrder = keys.filter((key) => !outOfOrder.has(key));
      if (inOrder.length > 0) {
        // Missing rows first, in key order (waiting here only ever goes up the key order).
        await session.query(
          `INSERT INTO ${t.counters} (family, key, amounts) SELECT $1, k, $3::numeric[] FROM unnest($2::text[]) WITH ORDINALITY AS r(k, n) ORDER BY n ON CONFLICT (family, key) DO NOTHING`,
          [family, inOrder, zeros],
        );
      }
      const results: Record<string, Decimal>[] = new Array(changes.length);
      if (outOfOrder.size === 0 && keys.length === ordered.length && ordered.length > 1) {
        await applyTogether(spec, family, ordered, results);
        return results;
      }
      const applied: Prepared[] = [];
      for (const p of ordered) {
        if (outOfOrder.delete(p.change.key)) await lockWithoutWaiting(family, p.change.key, zeros);
        markHeld(family, p.change.key);
        const values = [family, p.change.key, ...p.vector];
        let rows = await session.query<{ amounts: string }>(updateSql(spec, p.checked), values);
        if (rows.length === 0) {
          // A guard would break, or the row changed under us: lock it and decide on stable values.
          const locked = await session.query<{ amounts: string }>(`SELECT amounts::text AS amounts FROM ${t.counters} WHERE family = $1 AND key = $2 FOR UPDATE`, [family, p.change.key]);
          const current = fromTexts(spec.fields, parseNumericArray(locked[0]?.amounts ?? null));
          const violation = findViolation(spec, current, p);
          if (violation !== undefined) {
            await undo(spec, family, applied);
            throw new StorekeepError(
              "GUARD_VIOLATED",
              `Counter "${family}" row "${p.change.key}": guard "${violation.guard}" would drop to ${violation.value}, below its floor ${violation.floor}.`,
              { family, key: p.change.key, guard: violation.guard, value: violation.value, floor: violation.floor },
            );
          }
          rows = await session.query<{ amounts: string }>(updateSql(spec, []), values);
        }
        const row = rows[0];
        if (row === undefined) throw new StorekeepError("STORE_FAILURE", `Counter "${p.change.key}" of "${family}" vanished during the update.`, { family, key: p.change.key });
        results[p.index] = fromTexts(spec.fields, parseNumericArray(row.amounts));
        applied.push(p);
      }
      return results;
    },

    async get(family: string, key: string): Promise<Record<string, Decimal>> {
      const spec = await catalog.counter(session, family);
      const found = await read(spec, family, [checkText(key, "counter key")]);
      return found.get(key) ?? fromTexts(spec.fields, []);
    },

    async getMany(family: string, keys: readonly string[]): Promise<Map<string, Record<string, Decimal>>> {
      const spec = await catalog.counter(session, family);
      for (const key of keys) checkText(key, "counter key");
      const found = keys.length === 0 ? new Map<string, Record<string, Decimal>>() : await read(spec, family, keys);
      const out = new Map<string, Record<string, Decimal>>();
      for (const key of keys) out.set(key, found.get(key) ?? fromTexts(spec.fields, []));
      return out;
    },
  };

  /**
   * Several rows, each changed once, in three statements whatever their number (after the
   * insert of missing rows): the rows are locked in key order (LockRows runs above the Sort,
   * so the locks are taken in that order, as the one-by-one updates take them), every guard
   * is checked on the locked values — a violation changes nothing —, then one UPDATE adds
   * every change.
   */
  async function applyTogether(spec: CounterEntry, family: string, ordered: readonly Prepared[], results: Record<string, Decimal>[]): Promise<void> {
    const keys = ordered.map((p) => p.change.key);
    const locked = await session.query<{ key: string; amounts: string }>(`SELECT key, amounts::text AS amounts FROM ${t.counters} WHERE family = $1 AND key = ANY($2::text[]) ORDER BY key FOR UPDATE`, [family, keys]);
    for (const key of keys) markHeld(family, key);
    const current = new Map(locked.map((row) => [row.key, fromTexts(spec.fields, parseNumericArray(row.amounts))]));
    for (const p of ordered) {
      const row = current.get(p.change.key);
      if (row === undefined) throw new StorekeepError("STORE_FAILURE", `Counter "${p.change.key}" of "${family}" vanished during the update.`, { family, key: p.change.key });
      const violation = findViolation(spec, row, p);
      if (violation !== undefined) {
        throw new StorekeepError(
          "GUARD_VIOLATED",
          `Counter "${family}" row "${p.change.key}": guard "${violation.guard}" would drop to ${violation.value}, below its floor ${violation.floor}.`,
          { family, key: p.change.key, guard: violation.guard, value: violation.value, floor: violation.floor },
        );
      }
    }
    const sql = catalog.sql("counter", spec.name, "update-many", () => {
      const columns = spec.fields.map((_, i) => `d${i + 1}`);
      const sums = spec.fields.map((_, i) => `coalesce(c.amounts[${i + 1}], 0) + v.d${i + 1}`).join(", ");
      const arrays = spec.fields.map((_, i) => `$${i + 3}::numeric[]`).join(", ");
      return `UPDATE ${t.counters} AS c SET amounts = ARRAY[${sums}] FROM unnest($2::text[], ${arrays}) AS v(key, ${columns.join(", ")}) WHERE c.family = $1 AND c.key = v.key RETURNING c.key, c.amounts::text AS amounts`;
    });
    const rows = await session.query<{ key: string; amounts: string }>(sql, [family, keys, ...spec.fields.map((_, i) => ordered.map((p) => p.vector[i]!))]);
    const after = new Map(rows.map((row) => [row.key, row.amounts]));
    for (const p of ordered) {
      const amounts = after.get(p.change.key);
      if (amounts === undefined) throw new StorekeepError("STORE_FAILURE", `Counter "${p.change.key}" of "${family}" vanished during the update.`, { family, key: p.change.key });
      results[p.index] = fromTexts(spec.fields, parseNumericArray(amounts));
    }
  }

  async function undo(spec: CounterEntry, family: string, applied: readonly Prepared[]): Promise<void> {
    for (const p of [...applied].reverse()) {
      const negated = p.vector.map((v) => (v === "0" ? "0" : new Decimal(v).negated().toFixed()));
      await session.query(updateSql(spec, []), [family, p.change.key, ...negated]);
    }
  }
}

function findViolation(spec: CounterEntry, current: Record<string, Decimal>, p: Prepared): { guard: string; value: string; floor: string } | undefined {
  for (const guard of p.checked) {
    const guardSpec = spec.guards[guard];
    if (guardSpec === undefined) continue;
    let value = new Decimal(0);
    for (const [field, sign] of Object.entries(guardSpec.terms)) {
      const after = (current[field] ?? new Decimal(0)).plus(p.change.deltas[field] ?? 0);
      value = sign === 1 ? value.plus(after) : value.minus(after);
    }
    if (value.lessThan(guardSpec.floor)) return { guard, value: canonicalDecimal(value), floor: canonicalDecimal(new Decimal(guardSpec.floor)) };
  }
  return undefined;
}
