/**
 * `npm run eval:sim`: the simulator's five modes (default 200 seeds, in two runs of 100;
 * authorizations, backorders, allocations and accounts 100 seeds each; 200 steps) and every
 * flag together (with lot-tracked purchases, `--lots`; 100 seeds), as separate
 * `tests/sim/run.ts` processes, as many at a time as the machine has cores. Each run's output
 * is printed whole, in this order, once it ends; the script exits 1 when any run failed
 * (naming it), so a broken invariant in any mode fails the eval.
 */
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

const RUNS: readonly (readonly string[])[] = [
  ["--seeds", "100", "--steps", "200"],
  ["--seeds", "100", "--first", "101", "--steps", "200"],
  ["--seeds", "100", "--steps", "200", "--authorizations"],
  ["--seeds", "100", "--steps", "200", "--backorders"],
  ["--seeds", "100", "--steps", "200", "--allocations"],
  ["--seeds", "100", "--steps", "200", "--accounts"],
  // Every mode at once: the checks of each must hold beside the others' commands.
  ["--seeds", "100", "--first", "1001", "--steps", "200", "--authorizations", "--backorders", "--allocations", "--accounts", "--lots"],
];

const runScript = fileURLToPath(new URL("./run.ts", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/tsx/dist/cli.mjs", import.meta.url));

interface Outcome {
  readonly args: readonly string[];
  readonly code: number;
  readonly output: string;
}

function runOne(args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsx, runScript, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", (error) => resolve({ args, code: 1, output: `${output}\ncould not start: ${error.message}` }));
    child.on("close", (code, signal) => resolve({ args, code: code ?? (signal ? 1 : 0), output: signal ? `${output}\nkilled by ${signal}` : output }));
  });
}

const started = performance.now();
const slots = Math.max(1, Math.min(RUNS.length, availableParallelism()));
const outcomes: Promise<Outcome>[] = [];
let running: Promise<unknown>[] = [];
for (const args of RUNS) {
  if (running.length >= slots) await Promise.race(running);
  const outcome = runOne(args);
  outcomes.push(outcome);
  const tracked: Promise<unknown> = outcome.then(() => {
    running = running.filter((p) => p !== tracked);
  });
  running.push(tracked);
}

const failed: string[] = [];
for (const outcome of outcomes) {
  const { args, code, output } = await outcome;
  console.log(`--- tsx tests/sim/run.ts ${args.join(" ")}`);
  process.stdout.write(output);
  if (code !== 0) failed.push(`${args.join(" ")} (exit ${code})`);
}
console.log(`${RUNS.length} simulator runs, ${slots} at a time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (failed.length > 0) {
  console.error(`FAILED simulator runs: ${failed.join("; ")}`);
  process.exit(1);
}
