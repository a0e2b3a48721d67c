/**
 * `npm run bench [-- NAME ...]`: discovers tests/bench/workloads/*.ts, runs each selected
 * workload in a fresh Node process (several rounds, subject and baseline interleaved),
 * prints a table and writes bench-results/latest.json.
 *
 * NAME selects workloads whose name equals it or starts with it. A run with NAME merges
 * its rows into the existing latest.json (rows replaced by name); a full run rewrites it.
 * Options: `--rounds N` (or BENCH_ROUNDS=N) overrides every workload's rounds.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchResult, selects } from "./harness.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const workloadDir = join(here, "workloads");
const runOne = join(here, "run-one.ts");
const resultsFile = join(root, "bench-results", "latest.json");

function parseArgs(argv: string[]): { filters: string[]; rounds: number | undefined } {
  const filters: string[] = [];
  let rounds = process.env.BENCH_ROUNDS ? Number(process.env.BENCH_ROUNDS) : undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--rounds") rounds = Number(argv[++i]);
    else if (arg.startsWith("--rounds=")) rounds = Number(arg.slice("--rounds=".length));
    else filters.push(arg);
  }
  if (rounds !== undefined && !(Number.isInteger(rounds) && rounds > 0)) throw new Error("--rounds must be a positive integer");
  return { filters, rounds };
}

function child(args: string[]): { ok: boolean; stderr: string } {
  const result = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", runOne, ...args], {
    cwd: root,
    stdio: ["ignore", "inherit", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.stderr) process.stderr.write(result.stderr);
  return { ok: result.status === 0, stderr: result.stderr ?? "" };
}

function fmt(x: number): string {
  if (x >= 1000) return Math.round(x).toLocaleString("en-US");
  return x.toPrecision(3);
}

function printTable(rows: BenchResult[]): void {
  const header = ["workload", "unit", "storekeep", "baseline", "ratio", "median ms (sk / base)", "rounds"];
  const body = rows.map((r) => [r.name, r.unit, fmt(r.value), fmt(r.baseline), `${r.ratio.toFixed(2)}×`, `${fmt(r.subjectMsMedian)} / ${fmt(r.baselineMsMedian)}`, String(r.rounds)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of body) console.log(line(row));
}

function main(): number {
  const { filters, rounds } = parseArgs(process.argv.slice(2));
  const files = existsSync(workloadDir)
    ? readdirSync(workloadDir)
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
        .sort()
        .map((f) => join(workloadDir, f))
    : [];
  const scratch = mkdtempSync(join(tmpdir(), "storekeep-bench-"));
  const failures: string[] = [];
  const results: BenchResult[] = [];
  try {
    const selected: { file: string; name: string }[] = [];
    for (const file of files) {
      const out = join(scratch, "list.json");
      if (!child(["list", file, out]).ok) {
        failures.push(`${relative(root, file)} (could not be loaded)`);
        continue;
      }
      const names = JSON.parse(readFileSync(out, "utf8")) as string[];
      for (const name of names) if (selects(filters, name)) selected.push({ file, name });
    }
    if (selected.length === 0 && failures.length === 0) {
      console.error(`No workload matches ${filters.join(", ") || "(all)"}.`);
      return 1;
    }
    for (const { file, name } of selected) {
      console.error(`bench: ${name} ...`);
      const out = join(scratch, `${name}.json`);
      const run = child(["run", file, name, out, ...(rounds ? [String(rounds)] : [])]);
      if (!run.ok || !existsSync(out)) {
        failures.push(name);
        continue;
      }
      results.push(JSON.parse(readFileSync(out, "utf8")) as BenchResult);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const measuredAt = new Date().toISOString();
  const stamped = results.map((r) => ({ ...r, node: process.version, measuredAt }));
  let rows: BenchResult[] = stamped;
  if (filters.length > 0 && existsSync(resultsFile)) {
    const previous = JSON.parse(readFileSync(resultsFile, "utf8")) as BenchResult[];
    const fresh = new Set(stamped.map((r) => r.name));
    rows = [...previous.filter((r) => !fresh.has(r.name)), ...stamped];
  }
  rows.sort((a, b) => a.name.localeCompare(b.name));
  if (results.length > 0) {
    mkdirSync(dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify(rows, null, 2)}\n`);
  }
  if (results.length > 0) printTable(results);
  if (results.length > 0) console.log(`\nwrote ${relative(root, resultsFile)} (${rows.length} rows)`);
  if (failures.length > 0) {
    console.error(`\nFailed: ${failures.join(", ")}`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
