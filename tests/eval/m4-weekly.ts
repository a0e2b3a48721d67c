/**
 * `npm run eval:m4`: the M4 Weekly benchmark (359 series, 13 weeks ahead) with the M4
 * competition's procedure (frequency 1 for weekly data, so Naive2 = seasonal naive =
 * naive; negative forecasts set to zero; sMAPE and MASE averaged over series; OWA
 * relative to Naive2). Prints JSON; exits 1 when a benchmark is more than 0.5% off the
 * official figure, 2 when the data is missing.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { autoForecast, forecastAccuracy, naiveForecast, seasonalNaiveForecast, sesForecast, thetaForecast } from "../../src/replenishment/forecast/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = resolve(root, "../shared/data/m4-weekly");
const officialFile = resolve(root, "../shared/reference/forecast/m4_benchmarks_official.json");
const H = 13;
const TOLERANCE = 0.005;

function readSeries(file: string): Map<string, number[]> {
  const text = gunzipSync(readFileSync(file)).toString("utf8");
  const out = new Map<string, number[]>();
  const lines = text.split(/\r?\n/).slice(1);
  for (const line of lines) {
    if (!line.trim()) continue;
    const cells = line.split(",").map((c) => c.replace(/"/g, ""));
    const id = cells[0] as string;
    const values = cells.slice(1).filter((c) => c !== "" && c !== "NA").map(Number);
    out.set(id, values);
  }
  return out;
}

function main(): number {
  for (const f of [resolve(dataDir, "Weekly-train.csv.gz"), resolve(dataDir, "Weekly-test.csv.gz"), officialFile]) {
    if (!existsSync(f)) {
      console.error(`eval:m4: missing ${f} (the M4 Weekly data lives in ../shared/data/m4-weekly)`);
      return 2;
    }
  }
  const train = readSeries(resolve(dataDir, "Weekly-train.csv.gz"));
  const test = readSeries(resolve(dataDir, "Weekly-test.csv.gz"));
  const official = JSON.parse(readFileSync(officialFile, "utf8")) as { rows: { method: string; sMAPE: { Weekly: number }; MASE: { Weekly: number } }[] };
  const methods: Record<string, (y: number[]) => readonly number[]> = {
    Naive: (y) => naiveForecast(y, { h: H, levels: [] }).mean,
    sNaive: (y) => seasonalNaiveForecast(y, { h: H, period: 1, levels: [] }).mean,
    Naive2: (y) => naiveForecast(y, { h: H, levels: [] }).mean,
    SES: (y) => sesForecast(y, { h: H, levels: [] }).mean,
    Theta: (y) => thetaForecast(y, { h: H }).mean,
  };
  let lastAuto: ReturnType<typeof autoForecast> | undefined;
  methods.Auto = (y) => {
    lastAuto = autoForecast(y, { h: H, levels: [] });
    return lastAuto.mean;
  };
  const sums: Record<string, { smape: number; mase: number }> = {};
  for (const name of Object.keys(methods)) sums[name] = { smape: 0, mase: 0 };
  const classes: Record<string, number> = {};
  const chosen: Record<string, number> = {};
  let count = 0;
  const started = performance.now();
  for (const [id, y] of train) {
    const actual = test.get(id);
    if (!actual || actual.length !== H) throw new Error(`test horizon of ${id} is missing or not ${H} long`);
    for (const [name, method] of Object.entries(methods)) {
      const f = method(y).map((v) => Math.max(0, v));
      const a = forecastAccuracy(y, actual, f, 1);
      const s = sums[name] as { smape: number; mase: number };
      s.smape += a.smape;
      s.mase += a.mase;
    }
    const auto = lastAuto as ReturnType<typeof autoForecast>;
    classes[auto.classification.demandClass] = (classes[auto.classification.demandClass] ?? 0) + 1;
    chosen[auto.model] = (chosen[auto.model] ?? 0) + 1;
    count++;
    if (count % 50 === 0) process.stderr.write(`eval:m4: ${count}/${train.size} series\n`);
  }
  const naive2 = sums.Naive2 as { smape: number; mase: number };
  const rows = Object.entries(sums).map(([method, s]) => {
    const smape = s.smape / count;
    const mase = s.mase / count;
    const owa = 0.5 * (s.smape / naive2.smape + s.mase / naive2.mase);
    const ref = official.rows.find((r) => r.method === method);
    if (!ref) return { method, sMAPE: smape, MASE: mase, OWA: owa };
    const sOff = ref.sMAPE.Weekly;
    const mOff = ref.MASE.Weekly;
    const dS = (smape - sOff) / sOff;
    const dM = (mase - mOff) / mOff;
    return { method, sMAPE: smape, MASE: mase, OWA: owa, sMAPEOfficial: sOff, MASEOfficial: mOff, sMAPEDeviationPct: 100 * dS, MASEDeviationPct: 100 * dM, withinTolerance: Math.abs(dS) <= TOLERANCE && Math.abs(dM) <= TOLERANCE };
  });
  const failed = rows.filter((r) => "withinTolerance" in r && !r.withinTolerance);
  const report = {
    dataset: "M4 Weekly",
    series: count,
    horizon: H,
    tolerancePct: 100 * TOLERANCE,
    procedure: "M4 benchmark code: frequency 1 for weekly series (Naive2 = sNaive = Naive), negative forecasts set to 0, MASE scaled by the in-sample lag-1 naive",
    rows,
    automaticChoice: { owa: rows.find((r) => r.method === "Auto")?.OWA, demandClasses: classes, modelsChosen: chosen },
    seconds: (performance.now() - started) / 1000,
    ok: failed.length === 0,
  };
  console.log(JSON.stringify(report, null, 2));
  if (failed.length > 0) {
    console.error(`eval:m4: outside ${100 * TOLERANCE}% of the official figures: ${failed.map((r) => r.method).join(", ")}`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
