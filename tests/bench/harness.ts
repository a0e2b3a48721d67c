/**
 * The benchmark harness: the workload shape, and the measurement that runs inside one
 * fresh child process per workload (see `run.ts` and `run-one.ts`).
 *
 * A workload times storekeep's code (`subject`) beside a baseline kernel doing the same
 * work (`baseline`) in the same process, interleaved round by round, and reports the
 * medians. `ratio` = subject time / baseline time for the same `ops` operations.
 */

/**
 * One benchmark workload.
 *
 * @example
 * ```ts
 * export const workloads: BenchWorkload[] = [{
 *   name: "kernel.money-ops", unit: "ops/s", ops: 50_000,
 *   prepare: () => makeInputs(),
 *   subject: (ctx) => runWithMoney(ctx),
 *   baseline: (ctx) => runWithDecimalJs(ctx),
 * }];
 * ```
 */
export interface BenchWorkload<C = unknown> {
  /** Dotted name, area first: `kernel.money-ops`. `npm run bench -- NAME` matches it or a prefix. */
  name: string;
  /** What `value` and `baseline` count per second, e.g. `"ops/s"`, `"movements/s"`. */
  unit: string;
  /** How many operations one call of `subject` (and of `baseline`) performs. */
  ops: number;
  /** Timed rounds (default 5, or `BENCH_ROUNDS`); the median is reported. */
  rounds?: number;
  /**
   * The most calls of `subject` its context supports (warm-up calls and rounds together),
   * for workloads whose context runs out (inputs prepared per call); unlimited by default.
   */
  maxCalls?: number;
  /** Builds the inputs once, untimed. */
  prepare?(): C | Promise<C>;
  /** storekeep's code doing `ops` operations. May return `{ extra: {...} }` to report more fields. */
  subject(ctx: C): unknown | Promise<unknown>;
  /** A plain-number / bigint / decimal.js kernel doing the same work. */
  baseline(ctx: C): unknown | Promise<unknown>;
}

/** One row of `bench-results/latest.json`. */
export interface BenchResult {
  name: string;
  unit: string;
  /** Operations per second of the subject (median round). */
  value: number;
  /** Operations per second of the baseline (median round). */
  baseline: number;
  /**
   * Subject time / baseline time: the median over rounds of each round's ratio (the two
   * sides of a round run back to back, so a busy machine slows both alike).
   */
  ratio: number;
  /** Median subject time / median baseline time (less robust to load changes). */
  ratioOfMedians: number;
  ops: number;
  rounds: number;
  /** Untimed warm-up calls of the subject before the rounds. */
  warmups?: number;
  subjectMsMedian: number;
  baselineMsMedian: number;
  subjectMsRounds: number[];
  baselineMsRounds: number[];
  [extra: string]: unknown;
}

/** Rounds used when neither the workload nor `BENCH_ROUNDS` says otherwise. */
export const DEFAULT_ROUNDS = 5;

/**
 * Untimed warm-up before the rounds: each side is called until it has run this long (at
 * least once, at most `maxCalls − rounds` subject calls), so the rounds time code the JIT
 * has finished optimising — the steady state of a long-running shop process — and not the
 * first few thousand calls of a fresh one (one call of a 2,000-event workload was not
 * enough: `runtime.record-event` still ran at 40% of its steady speed in round 3).
 */
export const WARMUP_MS = 1000;

/** A bound on the baseline's warm-up calls (a baseline of microseconds would otherwise run a million times). */
const MAX_BASELINE_WARMUPS = 1000;

/** Keeps results alive so the optimiser cannot drop the work. */
let sink: unknown;

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/*
 * No collection is forced between timed calls: the call after a forced full collection ran
 * far slower (V8 resizes its heap after one and the call paid for the regrowth) — short
 * workloads most
 * (`runtime.record-event` ran at ~32,000 events/s with a gc() before each round, ~59,000
 * without, measured back to back). A shop's process never forces one; the rounds measure
 * that steady state, each side paying for collecting its own garbage. One collection after
 * `prepare` clears what preparing left.
 */
async function timeOnce(fn: () => unknown): Promise<{ ms: number; result: unknown }> {
  const start = performance.now();
  let result = fn();
  if (result instanceof Promise) result = await result;
  const ms = performance.now() - start;
  sink = result;
  return { ms, result };
}

function extraOf(result: unknown): Record<string, unknown> {
  if (typeof result === "object" && result !== null && "extra" in result) {
    const extra = (result as { extra: unknown }).extra;
    if (typeof extra === "object" && extra !== null) return { ...(extra as Record<string, unknown>) };
  }
  return {};
}

const round3 = (x: number) => Number(x.toPrecision(4));

/**
 * Measures one workload: prepare, untimed warm-up calls of each side (see `WARMUP_MS`),
 * then `rounds` timed rounds with subject and baseline interleaved (the order alternates
 * per round). The result records how many warm-up calls the subject had.
 *
 * @example
 * ```ts
 * const result = await measure(workload, 5);
 * ```
 */
export async function measure<C>(workload: BenchWorkload<C>, roundsOverride?: number): Promise<BenchResult> {
  const rounds = Math.max(1, roundsOverride ?? workload.rounds ?? DEFAULT_ROUNDS);
  const ctx = (workload.prepare ? await workload.prepare() : undefined) as C;
  collectGarbage();
  const maxWarmups = workload.maxCalls === undefined ? Number.POSITIVE_INFINITY : workload.maxCalls - rounds;
  if (maxWarmups < 1) throw new Error(`${workload.name} supports ${workload.maxCalls} calls: a warm-up and at most ${(workload.maxCalls ?? 1) - 1} rounds`);
  let warmups = 0;
  for (let spent = 0; warmups === 0 || (spent < WARMUP_MS && warmups < maxWarmups); warmups++) spent += (await timeOnce(() => workload.subject(ctx))).ms;
  for (let spent = 0, calls = 0; calls === 0 || (spent < WARMUP_MS && calls < MAX_BASELINE_WARMUPS); calls++) spent += (await timeOnce(() => workload.baseline(ctx))).ms;
  const subjectMs: number[] = [];
  const baselineMs: number[] = [];
  let extra: Record<string, unknown> = {};
  for (let round = 0; round < rounds; round++) {
    const subjectFirst = round % 2 === 0;
    if (!subjectFirst) baselineMs.push((await timeOnce(() => workload.baseline(ctx))).ms);
    const subject = await timeOnce(() => workload.subject(ctx));
    subjectMs.push(subject.ms);
    extra = { ...extra, ...extraOf(subject.result) };
    if (subjectFirst) baselineMs.push((await timeOnce(() => workload.baseline(ctx))).ms);
  }
  void sink;
  const subjectMedian = median(subjectMs);
  const baselineMedian = median(baselineMs);
  return {
    name: workload.name,
    unit: workload.unit,
    value: round3(workload.ops / (subjectMedian / 1000)),
    baseline: round3(workload.ops / (baselineMedian / 1000)),
    ratio: round3(median(subjectMs.map((ms, i) => ms / (baselineMs[i] as number)))),
    ratioOfMedians: round3(subjectMedian / baselineMedian),
    ops: workload.ops,
    rounds,
    warmups,
    subjectMsMedian: round3(subjectMedian),
    baselineMsMedian: round3(baselineMedian),
    subjectMsRounds: subjectMs.map(round3),
    baselineMsRounds: baselineMs.map(round3),
    ...extra,
  };
}

/**
 * True when a workload name is selected by a command-line filter: equal, or starting with it.
 *
 * @example
 * ```ts
 * selects(["kernel"], "kernel.money-ops"); // true
 * ```
 */
export function selects(filters: readonly string[], name: string): boolean {
  return filters.length === 0 || filters.some((f) => name === f || name.startsWith(f));
}
