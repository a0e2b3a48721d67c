import { execFileSync } from "node:child_process";
import { unitsToString } from "../../src/finance/posting-kernel.js";

/*
 * hledger as a trusted peer: run it on an exported journal with `-O json` and read its
 * decimal mantissas as exact integers (6 decimal places, storekeep's posting units).
 */

/** Fails loudly when Debian's hledger is missing (the integration suite never skips). */
export function requireHledger(): void {
  try {
    execFileSync("hledger", ["--version"], { encoding: "utf8" });
  } catch (cause) {
    throw new Error("hledger is not installed: this integration test needs Debian's hledger (apt-get install -y hledger; .ci/run installs it).", { cause });
  }
}

function hledger(journalPath: string, args: string[]): unknown {
  const out = execFileSync("hledger", ["-f", journalPath, ...args, "-O", "json"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  // Keep mantissas exact: quote them before JSON.parse reads them as floats.
  return JSON.parse(out.replace(/"decimalMantissa":\s*(-?\d+)/g, '"decimalMantissa": "$1"'));
}

interface HAmount {
  acommodity: string;
  aquantity: { decimalMantissa: string; decimalPlaces: number };
}

function units(a: HAmount): bigint {
  const places = a.aquantity.decimalPlaces;
  const mantissa = BigInt(a.aquantity.decimalMantissa);
  return places <= 6 ? mantissa * 10n ** BigInt(6 - places) : mantissa / 10n ** BigInt(places - 6);
}

function amountsMap(amounts: readonly HAmount[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const a of amounts) {
    const v = units(a);
    if (v !== 0n) out.set(a.acommodity, (out.get(a.acommodity) ?? 0n) + v);
  }
  return out;
}

export function asText(map: Map<string, Map<string, bigint>>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const account of [...map.keys()].sort()) {
    const inner: Record<string, string> = {};
    for (const [c, v] of [...map.get(account)!].sort(([a], [b]) => (a < b ? -1 : 1))) if (v !== 0n) inner[c] = unitsToString(v);
    if (Object.keys(inner).length > 0) out[account] = inner;
  }
  return out;
}

/** `hledger bal --flat -O json`: account → commodity → amount. */
export function hledgerBalances(journalPath: string, args: string[]): Map<string, Map<string, bigint>> {
  const [rows] = hledger(journalPath, ["bal", "--flat", ...args]) as [[string, string, number, HAmount[]][], unknown];
  return new Map(rows.map(([name, , , amounts]) => [name, amountsMap(amounts)]));
}

interface HSubreport {
  prRows: { prrName: string; prrTotal: HAmount[] }[];
  prTotals: { prrTotal: HAmount[] };
}

/** `hledger bse|is --flat -B -O json`: section → { rows: account → EUR, total }. */
export function hledgerStatement(journalPath: string, command: string, args: string[]): Map<string, { rows: Map<string, bigint>; total: bigint }> {
  const report = hledger(journalPath, [command, "--flat", "-B", ...args]) as { cbrSubreports: [string, HSubreport, boolean][] };
  const out = new Map<string, { rows: Map<string, bigint>; total: bigint }>();
  for (const [title, sub] of report.cbrSubreports) {
    const rows = new Map<string, bigint>();
    for (const row of sub.prRows) {
      const v = amountsMap(row.prrTotal).get("EUR") ?? 0n;
      if (v !== 0n) rows.set(row.prrName, v);
    }
    out.set(title, { rows, total: amountsMap(sub.prTotals.prrTotal).get("EUR") ?? 0n });
  }
  return out;
}

export const nextDay = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

