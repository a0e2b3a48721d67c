import { InvariantError, StorekeepError } from "../../kernel/errors.js";
import { isLocalDate } from "../../kernel/local-date.js";
import type { EventAppender, OutboxEvent, PositionedEvent } from "../../ports/storage.js";
import type { Tables } from "./catalog.js";
import { toJsonText } from "./json.js";
import type { Session } from "./queryable.js";
import { checkText } from "./sql.js";

/*
 * The outbox. A plain sequence skips events: transaction A takes seq 10, B takes seq 11
 * and commits first, a reader returns 11 and moves its cursor past 10, then A commits.
 * Here every event records the id of the transaction that wrote it (`txid`, an xid8 that
 * never wraps) and its position is (txid, seq). A reader only returns events whose txid is
 * below the xmin of its own snapshot: every transaction with a smaller id has finished
 * (committed or rolled back), and every transaction that starts later gets a larger id.
 * So nothing can ever appear behind a cursor. The price: events of a transaction wait for
 * every older transaction still running to finish before they are readable (latency, not
 * loss), and no serialising lock is taken at commit, so writers never queue on the outbox.
 */

/** The most events one `readEvents` call returns (as the memory store). */
const READ_EVENTS_MAX = 10_000;
const POSITION = /^(\d{1,20})\.(\d{1,20})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The outbox appender over one session.
 *
 * @example
 * ```ts
 * await postgresOutbox(session, tables).append([event]);
 * ```
 */
export function postgresOutbox(session: Session, t: Tables): EventAppender {
  return {
    async append(events: readonly OutboxEvent[]): Promise<void> {
      if (events.length === 0) return;
      const ids: string[] = [];
      const types: string[] = [];
      const aggregateTypes: string[] = [];
      const aggregateIds: string[] = [];
      const occurredAt: (string | null)[] = [];
      const effectiveDates: (string | null)[] = [];
      const envelopes: string[] = [];
      for (const event of events) {
        if (typeof event?.id !== "string" || typeof event.type !== "string") throw new InvariantError("an outbox event needs a string id and type");
        ids.push(checkText(event.id, "event id"));
        types.push(checkText(event.type, "event type"));
        aggregateTypes.push(checkText(event.aggregateType, "aggregate type"));
        aggregateIds.push(checkText(event.aggregateId, "aggregate id"));
        occurredAt.push(isInstant(event.occurredAt) ? event.occurredAt : null);
        effectiveDates.push(isLocalDate(event.effectiveDate) ? event.effectiveDate : null);
        envelopes.push(toJsonText(event as unknown as Parameters<typeof toJsonText>[0], `event ${event.id}`));
      }
      await session.query(
        `INSERT INTO ${t.outbox} (id, type, aggregate_type, aggregate_id, occurred_at, effective_date, envelope)
         SELECT i, ty, at, ai, oa, ed, e::json FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::date[], $7::text[])
           WITH ORDINALITY AS v(i, ty, at, ai, oa, ed, e, n) ORDER BY n`,
        [ids, types, aggregateTypes, aggregateIds, occurredAt, effectiveDates, envelopes],
      );
    },
  };
}

/**
 * Committed events after `cursor`, in (txid, seq) order, never past a running transaction.
 *
 * @example
 * ```ts
 * const page = await readOutbox(session, tables, null, 100);
 * ```
 */
export async function readOutbox(session: Session, t: Tables, cursor: string | null, limit: number): Promise<PositionedEvent[]> {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new InvariantError(`readEvents limit must be a non-negative integer, got ${limit}`);
  const values: unknown[] = [Math.min(limit, READ_EVENTS_MAX)];
  let after = "";
  if (cursor !== null) {
    const match = POSITION.exec(cursor);
    if (match === null) {
      throw new StorekeepError("VALIDATION_FAILED", `"${cursor}" is not an outbox position of this store; pass null or a position it returned.`, {
        issues: [{ path: "cursor", message: "not a position", code: "custom" }],
      });
    }
    values.push(match[1], match[2]);
    after = " AND (txid, seq) > ($2::xid8, $3::bigint)";
  }
  if (limit === 0) return [];
  // The output aliases must not shadow the columns: ORDER BY a text alias sorts "999" after "1000".
  const rows = await session.query<{ txid_text: string; seq_text: string; envelope: string }>(
    `SELECT o.txid::text AS txid_text, o.seq::text AS seq_text, o.envelope::text AS envelope FROM ${t.outbox} AS o
     WHERE o.txid < pg_snapshot_xmin(pg_current_snapshot())${after.replace("(txid, seq)", "(o.txid, o.seq)")} ORDER BY o.txid, o.seq LIMIT $1`,
    values,
  );
  return rows.map((row) => ({ ...(JSON.parse(row.envelope) as OutboxEvent), position: `${row.txid_text}.${row.seq_text}` }));
}

function isInstant(value: string): boolean {
  return typeof value === "string" && INSTANT.test(value) && !Number.isNaN(Date.parse(value));
}
