/**
 * RFM (recency, frequency, monetary) scoring, by the convention written in docs/crm.md:
 * each score is `ceil(5 × rank / n)` over the customers sorted ascending by the value
 * (recency is ranked on −days, so a recent buyer scores high), ties broken by customer
 * id ascending (UTF-16 code-unit order), so every customer holds a distinct rank and
 * each score 1–5 holds ⌊n/5⌋ or ⌈n/5⌉ customers. Segments come from the R × F grid.
 *
 * Scores are statistics: the kernel works on float64 columns. Monetary totals are summed
 * exactly (decimal) by {@link summariseRfm} and converted to float64 only for ranking.
 */
import { daysBetween, type LocalDate } from "../kernel/local-date.js";
import { type Decimal, type DecimalInput, toDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";

/**
 * A segment grid: the segment name of every R × F cell, keyed by R then F as a
 * two-digit string ("11" … "55"). All 25 cells must be named.
 *
 * @example
 * ```ts
 * import { DEFAULT_RFM_GRID, type RfmGrid } from "storekeep";
 * const grid: RfmGrid = { ...DEFAULT_RFM_GRID, "55": "vip" };
 * ```
 */
export type RfmGrid = Readonly<Record<string, string>>;

function fill(cells: readonly string[], name: string, into: Record<string, string>): void {
  for (const c of cells) into[c] = name;
}

/**
 * The default R × F segment grid (the widely used eleven-segment RFM map folded to ten):
 * 11, 12, 21, 22 hibernating; 13, 14, 23, 24 at risk; 15, 25 can't lose them; 31, 32
 * about to sleep; 33 need attention; 34, 35, 44, 45 loyal customers; 41 promising;
 * 51 new customers; 42, 43, 52, 53 potential loyalists; 54, 55 champions.
 *
 * @example
 * ```ts
 * import { DEFAULT_RFM_GRID } from "storekeep";
 * console.log(DEFAULT_RFM_GRID["55"]); // "champions"
 * ```
 */
export const DEFAULT_RFM_GRID: RfmGrid = (() => {
  const g: Record<string, string> = {};
  fill(["11", "12", "21", "22"], "hibernating", g);
  fill(["13", "14", "23", "24"], "at-risk", g);
  fill(["15", "25"], "cant-lose-them", g);
  fill(["31", "32"], "about-to-sleep", g);
  fill(["33"], "need-attention", g);
  fill(["34", "35", "44", "45"], "loyal-customers", g);
  fill(["41"], "promising", g);
  fill(["51"], "new-customers", g);
  fill(["42", "43", "52", "53"], "potential-loyalists", g);
  fill(["54", "55"], "champions", g);
  return Object.freeze(g);
})();

/**
 * Checks that a grid names all 25 R × F cells.
 *
 * @throws StorekeepError `VALIDATION_FAILED` naming the missing cells.
 * @example
 * ```ts
 * import { DEFAULT_RFM_GRID, validateRfmGrid } from "storekeep";
 * validateRfmGrid(DEFAULT_RFM_GRID);
 * ```
 */
export function validateRfmGrid(grid: RfmGrid): RfmGrid {
  const missing: string[] = [];
  for (let r = 1; r <= 5; r++) {
    for (let f = 1; f <= 5; f++) {
      const cell = `${r}${f}`;
      const name = grid[cell];
      if (typeof name !== "string" || name.length === 0) missing.push(cell);
    }
  }
  if (missing.length > 0) {
    throw new StorekeepError("VALIDATION_FAILED", `The RFM grid must name a segment for every R×F cell "11"…"55"; missing: ${missing.join(", ")}.`, { missing });
  }
  return grid;
}

/**
 * One customer's RFM inputs: whole days since the last purchase, the number of
 * purchases (distinct invoices), and the monetary total (float64, used for ranking).
 *
 * @example
 * ```ts
 * import type { RfmInput } from "storekeep";
 * const c: RfmInput = { customerId: "c1", recencyDays: 3, frequency: 4, monetary: 120.5 };
 * ```
 */
export interface RfmInput {
  readonly customerId: string;
  readonly recencyDays: number;
  readonly frequency: number;
  readonly monetary: number;
}

/**
 * One customer's RFM result: the inputs, the three scores (1–5), the R×F cell and its
 * segment.
 *
 * @example
 * ```ts
 * import { rfmScores } from "storekeep";
 * const [s] = rfmScores([{ customerId: "c1", recencyDays: 3, frequency: 4, monetary: 120 }]);
 * console.log(s?.cell, s?.segment); // "55" "champions"
 * ```
 */
export interface RfmScore extends RfmInput {
  readonly r: number;
  readonly f: number;
  readonly m: number;
  readonly cell: string;
  readonly segment: string;
}

/**
 * Column form of RFM inputs for large runs (the kernel the benchmark measures).
 *
 * @example
 * ```ts
 * import { rfmScoreColumns } from "storekeep";
 * const out = rfmScoreColumns({ ids: ["a", "b"], recencyDays: Float64Array.of(1, 9), frequency: Float64Array.of(2, 1), monetary: Float64Array.of(10, 5) });
 * console.log(out.r); // Uint8Array [5, 3]
 * ```
 */
export interface RfmColumns {
  readonly ids: readonly string[];
  readonly recencyDays: Float64Array;
  readonly frequency: Float64Array;
  readonly monetary: Float64Array;
}

/**
 * Scores `ceil(5 × rank / n)` for the values in `keys` sorted ascending, ties broken by
 * `tieRank` ascending; `negate` ranks on −value.
 */
function scoreColumn(keys: Float64Array, idOrder: Uint32Array, negate: boolean): Uint8Array {
  const n = keys.length;
  const k = new Float64Array(n);
  // Keys placed in id order, so a stable sort by key alone breaks ties by id.
  for (let i = 0; i < n; i++) {
    const v = keys[idOrder[i] as number] as number;
    k[i] = negate ? -v : v;
  }
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  perm.sort((a, b) => (k[a] as number) - (k[b] as number) || a - b);
  const out = new Uint8Array(n);
  for (let rank = 1; rank <= n; rank++) {
    out[idOrder[perm[rank - 1] as number] as number] = Math.ceil((5 * rank) / n);
  }
  return out;
}

/**
 * Orders customer ids ascending (UTF-16 code units), returning the index permutation.
 */
function idOrderOf(ids: readonly string[]): Uint32Array {
  const n = ids.length;
  const order = new Uint32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (i > 0 && (ids[i - 1] as string) >= (ids[i] as string)) sorted = false;
  }
  if (!sorted) {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw new StorekeepError("VALIDATION_FAILED", `Customer id "${id}" appears twice in the RFM input; give each customer one row.`, { customerId: id });
      seen.add(id);
    }
    order.sort((a, b) => {
      const x = ids[a] as string;
      const y = ids[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  return order;
}

function checkColumn(name: string, col: Float64Array, n: number): void {
  if (col.length !== n) throw new StorekeepError("VALIDATION_FAILED", `RFM column ${name} has ${col.length} values for ${n} ids; give one value per customer.`, { column: name });
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(col[i] as number)) {
      throw new StorekeepError("VALIDATION_FAILED", `RFM column ${name} holds a non-finite value at row ${i}; give finite numbers.`, { column: name, row: i });
    }
  }
}

/**
 * The RFM scores of customers given as columns: R, F and M as `Uint8Array`s of 1–5,
 * aligned with `ids`.
 *
 * @throws StorekeepError `VALIDATION_FAILED` on mismatched lengths, non-finite values or a repeated id.
 * @example
 * ```ts
 * import { rfmScoreColumns } from "storekeep";
 * const { r, f, m } = rfmScoreColumns({ ids: ["a", "b", "c", "d", "e"], recencyDays: Float64Array.of(1, 2, 3, 4, 5), frequency: Float64Array.of(5, 4, 3, 2, 1), monetary: Float64Array.of(1, 1, 1, 1, 1) });
 * console.log([...r], [...f], [...m]); // [5,4,3,2,1] [5,4,3,2,1] [1,2,3,4,5]
 * ```
 */
export function rfmScoreColumns(columns: RfmColumns): { r: Uint8Array; f: Uint8Array; m: Uint8Array } {
  const n = columns.ids.length;
  checkColumn("recencyDays", columns.recencyDays, n);
  checkColumn("frequency", columns.frequency, n);
  checkColumn("monetary", columns.monetary, n);
  const order = idOrderOf(columns.ids);
  return {
    r: scoreColumn(columns.recencyDays, order, true),
    f: scoreColumn(columns.frequency, order, false),
    m: scoreColumn(columns.monetary, order, false),
  };
}

/**
 * Scores customers and places each in the segment of its R × F cell.
 *
 * @param options.grid a shop's own grid (all 25 cells named); the default is {@link DEFAULT_RFM_GRID}.
 * @example
 * ```ts
 * import { rfmScores } from "storekeep";
 * const scores = rfmScores([
 *   { customerId: "a", recencyDays: 2, frequency: 6, monetary: 300 },
 *   { customerId: "b", recencyDays: 90, frequency: 1, monetary: 20 },
 * ]);
 * console.log(scores.map((s) => `${s.customerId}:${s.cell}:${s.segment}`)); // ["a:55:champions", "b:33:need-attention"]
 * ```
 */
export function rfmScores(customers: readonly RfmInput[], options: { readonly grid?: RfmGrid } = {}): RfmScore[] {
  const grid = options.grid ? validateRfmGrid(options.grid) : DEFAULT_RFM_GRID;
  const n = customers.length;
  const ids = customers.map((c) => c.customerId);
  const rec = new Float64Array(n);
  const fr = new Float64Array(n);
  const mo = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = customers[i] as RfmInput;
    rec[i] = c.recencyDays;
    fr[i] = c.frequency;
    mo[i] = c.monetary;
  }
  const { r, f, m } = rfmScoreColumns({ ids, recencyDays: rec, frequency: fr, monetary: mo });
  return customers.map((c, i) => {
    const cell = `${r[i]}${f[i]}`;
    return { customerId: c.customerId, recencyDays: c.recencyDays, frequency: c.frequency, monetary: c.monetary, r: r[i] as number, f: f[i] as number, m: m[i] as number, cell, segment: grid[cell] as string };
  });
}

/**
 * One purchase line for {@link summariseRfm}. Lines of one invoice share `invoiceId`.
 * A negative `quantity` (a return or a cancellation line) reduces the invoice; an
 * invoice whose lines net to zero or less does not count as a purchase.
 *
 * @example
 * ```ts
 * import { localDate, type RfmLine } from "storekeep";
 * const line: RfmLine = { customerId: "c1", invoiceId: "INV-1", date: localDate("2024-03-01"), quantity: 2, price: "9.95" };
 * ```
 */
export interface RfmLine {
  readonly customerId: string;
  readonly invoiceId: string;
  readonly date: LocalDate;
  readonly quantity: DecimalInput;
  readonly price: DecimalInput;
}

/**
 * One customer's exact RFM summary: recency in whole days, distinct invoices counted,
 * and the exact monetary total (Σ quantity × price over the counted invoices).
 *
 * @example
 * ```ts
 * import type { RfmSummary } from "storekeep";
 * const toInput = (s: RfmSummary) => ({ customerId: s.customerId, recencyDays: s.recencyDays, frequency: s.frequency, monetary: s.monetary.toNumber() });
 * ```
 */
export interface RfmSummary {
  readonly customerId: string;
  readonly recencyDays: number;
  readonly frequency: number;
  readonly monetary: Decimal;
  readonly lastPurchase: LocalDate;
  readonly firstPurchase: LocalDate;
}

/**
 * Aggregates purchase lines into per-customer RFM summaries as of `analysisDate`:
 * frequency = distinct invoices with a positive net amount, monetary = Σ quantity ×
 * price of those invoices (net of their negative lines), recency = whole days from the
 * last such invoice's day (its earliest purchase line) to the analysis date. Lines dated after the analysis date are
 * left out. Customers come out sorted by id.
 *
 * @example
 * ```ts
 * import { localDate, summariseRfm } from "storekeep";
 * const s = summariseRfm([
 *   { customerId: "c1", invoiceId: "1", date: localDate("2024-01-01"), quantity: 2, price: "5" },
 *   { customerId: "c1", invoiceId: "2", date: localDate("2024-01-05"), quantity: 1, price: "3.5" },
 * ], localDate("2024-01-10"));
 * console.log(s[0]?.frequency, s[0]?.recencyDays, s[0]?.monetary.toString()); // 2 5 "13.5"
 * ```
 */
export function summariseRfm(lines: Iterable<RfmLine>, analysisDate: LocalDate): RfmSummary[] {
  const invoices = new Map<string, { customerId: string; date: LocalDate; amount: Decimal; hasPurchase: boolean }>();
  for (const line of lines) {
    if (line.date > analysisDate) continue;
    const key = `${line.customerId}\u0000${line.invoiceId}`;
    const amount = toDecimal(line.quantity).times(toDecimal(line.price));
    const inv = invoices.get(key);
    const purchase = amount.gt(0);
    if (inv) {
      inv.amount = inv.amount.plus(amount);
      // The invoice's day is its earliest purchase line; a later return line does not make it recent.
      if (purchase && (!inv.hasPurchase || line.date < inv.date)) inv.date = line.date;
      inv.hasPurchase ||= purchase;
    } else {
      invoices.set(key, { customerId: line.customerId, date: line.date, amount, hasPurchase: purchase });
    }
  }
  const byCustomer = new Map<string, { frequency: number; monetary: Decimal; last: LocalDate; first: LocalDate }>();
  for (const inv of invoices.values()) {
    if (inv.amount.lte(0)) continue;
    const c = byCustomer.get(inv.customerId);
    if (c) {
      c.frequency++;
      c.monetary = c.monetary.plus(inv.amount);
      if (inv.date > c.last) c.last = inv.date;
      if (inv.date < c.first) c.first = inv.date;
    } else {
      byCustomer.set(inv.customerId, { frequency: 1, monetary: inv.amount, last: inv.date, first: inv.date });
    }
  }
  const out: RfmSummary[] = [];
  for (const [customerId, c] of byCustomer) {
    out.push({ customerId, recencyDays: daysBetween(c.last, analysisDate), frequency: c.frequency, monetary: c.monetary, lastPurchase: c.last, firstPurchase: c.first });
  }
  out.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  return out;
}

/**
 * Float64 RFM inputs from exact summaries (monetary converted for ranking only).
 *
 * @example
 * ```ts
 * import { localDate, rfmInputs, rfmScores, summariseRfm } from "storekeep";
 * const scores = rfmScores(rfmInputs(summariseRfm([], localDate("2024-01-10"))));
 * ```
 */
export function rfmInputs(summaries: readonly RfmSummary[]): RfmInput[] {
  return summaries.map((s) => ({ customerId: s.customerId, recencyDays: s.recencyDays, frequency: s.frequency, monetary: s.monetary.toNumber() }));
}

/**
 * Counts of customers per R, F and M score and per segment.
 *
 * @example
 * ```ts
 * import { rfmCounts, rfmScores } from "storekeep";
 * const counts = rfmCounts(rfmScores([{ customerId: "a", recencyDays: 1, frequency: 1, monetary: 1 }]));
 * console.log(counts.customers, counts.segment); // 1 { champions: 1 }
 * ```
 */
export function rfmCounts(scores: readonly RfmScore[]): { customers: number; r: Record<string, number>; f: Record<string, number>; m: Record<string, number>; segment: Record<string, number> } {
  const r: Record<string, number> = {};
  const f: Record<string, number> = {};
  const m: Record<string, number> = {};
  for (let s = 1; s <= 5; s++) {
    r[s] = 0;
    f[s] = 0;
    m[s] = 0;
  }
  const segment: Record<string, number> = {};
  for (const s of scores) {
    r[s.r] = (r[s.r] ?? 0) + 1;
    f[s.f] = (f[s.f] ?? 0) + 1;
    m[s.m] = (m[s.m] ?? 0) + 1;
    segment[s.segment] = (segment[s.segment] ?? 0) + 1;
  }
  return { customers: scores.length, r, f, m, segment };
}
