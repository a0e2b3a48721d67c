import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type FrequencyRecency, fitBgNbd } from "../../../src/crm/bg-nbd.js";
import { cdnowSummaries, parseCdnow } from "../../../src/crm/cdnow.js";
import { rfmScoreColumns } from "../../../src/crm/rfm.js";
import { logGamma } from "../../../src/crm/special-functions.js";
import type { BenchWorkload } from "../harness.js";

/*
 * crm.rfm-1m: RFM scores of 1,000,000 customers (ids in shuffled order, integer recency
 * days, frequencies with many ties, float monetary) by rfmScoreColumns, beside a plain
 * float kernel doing the same ranking: an array of {id, value} objects sorted with
 * Array.prototype.sort by value then id, scored ceil(5 × rank / n), three times.
 *
 * crm.bgnbd-cdnow: the BG/NBD maximum-likelihood fit on the CDNOW sample (2,357
 * customers, 39 calibration weeks; reads ../shared/data/cdnow and fails when it is
 * missing), beside a plain-number loop evaluating the same log-likelihood over the
 * ungrouped customers as many times as the fit evaluated it.
 */

const N = 1_000_000;

interface RfmCtx {
  ids: string[];
  recency: Float64Array;
  frequency: Float64Array;
  monetary: Float64Array;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function prepareRfm(n = N): RfmCtx {
  const u = rng(20261204);
  const ids = Array.from({ length: n }, (_, i) => `cus_${String(i).padStart(7, "0")}`);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    const t = ids[i]!;
    ids[i] = ids[j]!;
    ids[j] = t;
  }
  const recency = new Float64Array(n);
  const frequency = new Float64Array(n);
  const monetary = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    recency[i] = Math.floor(u() * 365);
    frequency[i] = 1 + Math.floor(-Math.log(1 - u()) * 3);
    monetary[i] = Math.round(u() * 100000) / 100;
  }
  return { ids, recency, frequency, monetary };
}

function plainScores(ids: readonly string[], values: Float64Array, negate: boolean): Uint8Array {
  const n = ids.length;
  const rows = new Array<{ i: number; id: string; v: number }>(n);
  for (let i = 0; i < n; i++) rows[i] = { i, id: ids[i]!, v: negate ? -values[i]! : values[i]! };
  rows.sort((a, b) => a.v - b.v || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out = new Uint8Array(n);
  for (let r = 0; r < n; r++) out[rows[r]!.i] = Math.ceil((5 * (r + 1)) / n);
  return out;
}

function plainRfm(c: RfmCtx): { r: Uint8Array; f: Uint8Array; m: Uint8Array } {
  return { r: plainScores(c.ids, c.recency, true), f: plainScores(c.ids, c.frequency, false), m: plainScores(c.ids, c.monetary, false) };
}

/** The plain kernel and rfmScoreColumns agree on a sample (checked by the test of this workload). */
export function rfmKernelAgrees(n = 20_000): boolean {
  const c = prepareRfm(n);
  const a = rfmScoreColumns({ ids: c.ids, recencyDays: c.recency, frequency: c.frequency, monetary: c.monetary });
  const b = plainRfm(c);
  return a.r.every((v, i) => v === b.r[i]) && a.f.every((v, i) => v === b.f[i]) && a.m.every((v, i) => v === b.m[i]);
}

const cdnowFile = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../shared/data/cdnow/CDNOW_sample.txt");

function cdnow(): { rows: FrequencyRecency[]; evaluations: number } {
  if (!existsSync(cdnowFile)) throw new Error(`crm.bgnbd-cdnow: missing ${cdnowFile} (the CDNOW sample lives in ../shared/data/cdnow)`);
  const rows = cdnowSummaries(parseCdnow(readFileSync(cdnowFile, "utf8")), { calibrationWeeks: 39, holdoutWeeks: 39 }).map((s) => s.calibration);
  return { rows, evaluations: fitBgNbd(rows).evaluations };
}

function plainLogLikelihood(p: readonly number[], rows: readonly FrequencyRecency[]): number {
  const r = Math.exp(p[0]!);
  const alpha = Math.exp(p[1]!);
  const a = Math.exp(p[2]!);
  const b = Math.exp(p[3]!);
  let ll = 0;
  for (const { x, tx, T } of rows) {
    const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
    const a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
    const a3 = -(r + x) * Math.log(alpha + T);
    ll += x > 0 ? a1 + a2 + Math.log(Math.exp(a3) + Math.exp(Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx))) : a1 + a2 + a3;
  }
  return ll;
}

export const workloads: BenchWorkload[] = [
  {
    name: "crm.rfm-1m",
    unit: "customers/s",
    ops: N,
    rounds: 3,
    prepare: () => prepareRfm(),
    subject(c: RfmCtx) {
      rfmScoreColumns({ ids: c.ids, recencyDays: c.recency, frequency: c.frequency, monetary: c.monetary });
    },
    baseline(c: RfmCtx) {
      plainRfm(c);
    },
  } as BenchWorkload<RfmCtx> as BenchWorkload,
  {
    name: "crm.bgnbd-cdnow",
    unit: "fits/s",
    ops: 1,
    rounds: 5,
    prepare: cdnow,
    subject(c: { rows: FrequencyRecency[] }) {
      fitBgNbd(c.rows);
    },
    baseline(c: { rows: FrequencyRecency[]; evaluations: number }) {
      let s = 0;
      for (let k = 0; k < c.evaluations; k++) s += plainLogLikelihood([Math.log(0.243 + k * 1e-9), Math.log(4.414), Math.log(0.793), Math.log(2.426)], c.rows);
      return s;
    },
  } as BenchWorkload<{ rows: FrequencyRecency[]; evaluations: number }> as BenchWorkload,
];
