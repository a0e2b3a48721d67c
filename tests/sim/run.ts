/**
 * `npm run sim -- --seeds N --steps M [--first F] [--seed S] [--no-faults] [--authorizations] [--backorders] [--allocations] [--accounts] [--lots]`: runs whole-shop simulations
 * (src/testing/simulator.ts) for seeds F..F+N−1 (F is 1 unless given; or the one seed S) and prints the figures; a
 * failing seed prints its replay line and the run exits 1.
 */
import { SimulationFailure, simulateShop } from "../../src/testing/simulator.js";

const args = process.argv.slice(2);
const value = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number`);
  return v;
};
const steps = value("steps", 200);
const single = args.includes("--seed") ? value("seed", 1) : undefined;
const first = value("first", 1);
const seeds = single === undefined ? Array.from({ length: value("seeds", 20) }, (_, i) => i + first) : [single];
const faults = !args.includes("--no-faults");
const authorizations = args.includes("--authorizations");
const backorders = args.includes("--backorders");
const allocations = args.includes("--allocations");
const accounts = args.includes("--accounts");
const lots = args.includes("--lots");
const verbose = args.includes("--verbose");

const started = performance.now();
const totals = { steps: 0, faults: 0, lost: 0, replays: 0, batches: 0, events: 0, entries: 0, ok: 0, refused: 0, skipped: 0 };
const byCommand: Record<string, { ok: number; refused: number; skipped: number }> = {};
const tallies: Record<string, number> = {};
for (const seed of seeds) {
  try {
    const report = await simulateShop({ seed, steps, faults, authorizations, backorders, allocations, accounts, lots, ...(verbose ? { log: (line: string) => console.log(`  ${line}`) } : {}) });
    totals.steps += report.steps;
    totals.faults += report.injectedFaults;
    totals.lost += report.lostCommits;
    totals.replays += report.replays;
    totals.batches += report.concurrentBatches;
    totals.events += report.events;
    totals.entries += report.journalEntries;
    for (const [name, n] of Object.entries(report.tallies)) tallies[name] = (tallies[name] ?? 0) + n;
    for (const [name, o] of Object.entries(report.outcomes)) {
      if (name === "concurrent" || name === "replay" || name === "clock.advance") continue;
      const t = (byCommand[name] ??= { ok: 0, refused: 0, skipped: 0 });
      t.ok += o.ok;
      t.refused += o.refused;
      t.skipped += o.skipped;
      totals.ok += o.ok;
      totals.refused += o.refused;
      totals.skipped += o.skipped;
    }
  } catch (error) {
    if (error instanceof SimulationFailure) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`${seeds.length} seeds (${seeds[0]}–${seeds[seeds.length - 1]}) x ${steps} steps: all invariants held after every step (${seconds.toFixed(1)} s)`);
console.log(`steps ${totals.steps}: commands committed ${totals.ok}, refused ${totals.refused} (of which injected store failures ${totals.faults}), skipped ${totals.skipped} (nothing to run them on); commits reported lost (COMMIT_OUTCOME_UNKNOWN) and replayed with their key ${totals.lost}; concurrent batches ${totals.batches}; replays with no second effect ${totals.replays}; events ${totals.events}; journal entries ${totals.entries}`);
const byModule: Record<string, { ok: number; refused: number }> = {};
for (const [name, o] of Object.entries(byCommand)) {
  const m = (byModule[name.split(".")[0]!] ??= { ok: 0, refused: 0 });
  m.ok += o.ok;
  m.refused += o.refused;
}
for (const [name, o] of Object.entries(byModule).sort()) console.log(`${name}: ${o.ok} committed, ${o.refused} refused`);
for (const [name, o] of Object.entries(byCommand).sort()) console.log(`  ${name}: ${o.ok} ok, ${o.refused} refused, ${o.skipped} skipped`);
console.log("covered:");
for (const [name, n] of Object.entries(tallies).sort()) console.log(`  ${name}: ${n}`);
