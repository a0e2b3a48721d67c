/**
 * Child-process entry of the benchmark runner. Two modes:
 *   run-one.ts list FILE OUT          writes the workload names of FILE to OUT (JSON)
 *   run-one.ts run FILE NAME OUT [N]  measures one workload, writes its BenchResult to OUT
 * Results go to a file, not stdout, so a workload's own logging cannot corrupt them.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { type BenchWorkload, measure } from "./harness.js";

async function load(file: string): Promise<BenchWorkload[]> {
  const mod = (await import(pathToFileURL(file).href)) as { workloads?: unknown };
  if (!Array.isArray(mod.workloads)) throw new Error(`${file} must export \`workloads: BenchWorkload[]\``);
  return mod.workloads as BenchWorkload[];
}

async function main(): Promise<void> {
  const [mode, file, ...rest] = process.argv.slice(2);
  if (!file) throw new Error("usage: run-one.ts list|run FILE ...");
  const workloads = await load(file);
  if (mode === "list") {
    const [out] = rest;
    if (!out) throw new Error("usage: run-one.ts list FILE OUT");
    writeFileSync(out, JSON.stringify(workloads.map((w) => w.name)));
    return;
  }
  if (mode === "run") {
    const [name, out, rounds] = rest;
    if (!name || !out) throw new Error("usage: run-one.ts run FILE NAME OUT [ROUNDS]");
    const workload = workloads.find((w) => w.name === name);
    if (!workload) throw new Error(`no workload named ${name} in ${file}`);
    const result = await measure(workload, rounds ? Number(rounds) : undefined);
    writeFileSync(out, JSON.stringify(result));
    return;
  }
  throw new Error(`unknown mode ${String(mode)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
