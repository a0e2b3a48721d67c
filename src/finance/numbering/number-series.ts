import { StorekeepError } from "../../kernel/errors.js";
import type { Transaction } from "../../ports/storage.js";

/** The collection holding one row per numbering series (the name is part of the stored format). */
export const NUMBER_SERIES = "finance.numberSeries";

/**
 * Which series a document draws its number from: one series per document type, year and
 * prefix, numbered 1, 2, 3, ... with no gap.
 *
 * @example
 * ```ts
 * const series: NumberSeriesKey = { documentType: "invoice", year: 2026, prefix: "INV" };
 * ```
 */
export interface NumberSeriesKey {
  /** What is numbered (`invoice`, `credit-note`, ...). */
  readonly documentType: string;
  /** The year of the document's date: each year starts again at 1. */
  readonly year: number;
  /** Printed before the year (`INV` → `INV2026-000001`). */
  readonly prefix: string;
  /** Digits of the sequence, zero-padded (default 6). */
  readonly width?: number;
}

/**
 * A number allocated from a series.
 *
 * @example
 * ```ts
 * const n: AllocatedNumber = { number: "INV2026-000001", sequence: 1, seriesId: "invoice|2026|INV" };
 * ```
 */
export interface AllocatedNumber {
  readonly number: string;
  readonly sequence: number;
  readonly seriesId: string;
}

/** The stored row of a series. */
interface SeriesRow {
  readonly [key: string]: string | number;
  readonly documentType: string;
  readonly year: number;
  readonly prefix: string;
  readonly last: number;
}

const SERIES_PART = /^[A-Za-z0-9_.-]{0,40}$/;

/** The id of a series (`type|year|prefix`). */
export function seriesIdOf(key: NumberSeriesKey): string {
  return `${key.documentType}|${key.year}|${key.prefix}`;
}

/**
 * How a sequence prints: prefix, year, a dash and the zero-padded sequence.
 *
 * @example
 * ```ts
 * formatDocumentNumber({ documentType: "invoice", year: 2026, prefix: "INV" }, 42); // "INV2026-000042"
 * ```
 */
export function formatDocumentNumber(key: NumberSeriesKey, sequence: number): string {
  return `${key.prefix}${key.year}-${String(sequence).padStart(key.width ?? 6, "0")}`;
}

/**
 * Allocates the next legal number of a series inside the caller's transaction. The series
 * row is read for update, so concurrent documents wait for each other and get distinct,
 * consecutive numbers; a transaction that rolls back takes its number back with it, so the
 * series never has a gap. A series starts at 1 on first use.
 *
 * @example
 * ```ts
 * const { number } = await allocateDocumentNumber(ctx.tx, { documentType: "invoice", year: 2026, prefix: "INV" });
 * ```
 */
export async function allocateDocumentNumber(tx: Transaction, key: NumberSeriesKey): Promise<AllocatedNumber> {
  if (!SERIES_PART.test(key.documentType) || key.documentType === "" || !SERIES_PART.test(key.prefix)) {
    throw new StorekeepError("VALIDATION_FAILED", `A numbering series needs a document type and prefix of letters, digits, "_", "." or "-" (at most 40), got "${key.documentType.slice(0, 40)}" / "${key.prefix.slice(0, 40)}".`, {
      issues: [{ path: "series", message: "bad document type or prefix", code: "custom" }],
    });
  }
  if (!Number.isInteger(key.year) || key.year < 1900 || key.year > 9999) {
    throw new StorekeepError("VALIDATION_FAILED", `A numbering series year must be a four-digit year, got ${String(key.year)}.`, { issues: [{ path: "year", message: "a year", code: "custom" }] });
  }
  const width = key.width ?? 6;
  if (!Number.isInteger(width) || width < 1 || width > 12) {
    throw new StorekeepError("VALIDATION_FAILED", `A numbering series width must be 1 to 12 digits, got ${String(width)}.`, { issues: [{ path: "width", message: "1 to 12", code: "custom" }] });
  }
  const seriesId = seriesIdOf(key);
  const stored = await tx.documents.getForUpdate<SeriesRow>(NUMBER_SERIES, seriesId);
  const sequence = (stored?.data.last ?? 0) + 1;
  const row: SeriesRow = { documentType: key.documentType, year: key.year, prefix: key.prefix, last: sequence };
  await tx.documents.put(NUMBER_SERIES, seriesId, row, stored?.version ?? 0);
  return { number: formatDocumentNumber(key, sequence), sequence, seriesId };
}

/**
 * The last number issued by each series (for audits: numbers 1..last all exist).
 *
 * @example
 * ```ts
 * const last = await numberSeriesState(tx, { documentType: "invoice", year: 2026, prefix: "INV" }); // 12
 * ```
 */
export async function numberSeriesState(tx: Transaction, key: NumberSeriesKey): Promise<number> {
  const stored = await tx.documents.get<SeriesRow>(NUMBER_SERIES, seriesIdOf(key));
  return stored?.data.last ?? 0;
}
