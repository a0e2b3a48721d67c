import { type TaxLineInput, calculateTax, defineTaxCodes } from "../../../src/finance/tax/index.js";
import type { BenchWorkload } from "../harness.js";

/*
 * finance.tax-10k-lines: calculateTax over 10,000-line documents (tax-inclusive quantity ×
 * unit price lines on two rates, rounded per line; and once per document), beside a plain
 * bigint kernel doing the same arithmetic: parse the decimal texts to scaled bigints,
 * round quantity × price to cents, split the gross at the rate (half-up), sum per code and
 * write every amount back as a decimal string.
 */

const LINES = 10_000;
const DOCUMENTS = 5;

function rng(seed: number): (max: number) => number {
  let state = seed >>> 0 || 1;
  return (max) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % max;
  };
}

const taxCodes = defineTaxCodes([
  { code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2021-01-01" }] },
  { code: "DE-RED", jurisdiction: { country: "DE" }, category: "food", kind: "reduced", rates: [{ rate: "0.07", validFrom: "2007-01-01" }] },
]);

function documents(): TaxLineInput[][] {
  const next = rng(2026_12_04);
  return Array.from({ length: DOCUMENTS }, (_, d) =>
    Array.from({ length: LINES }, (_, i) => ({
      id: `${d}-${i}`,
      category: next(3) === 0 ? "food" : "standard",
      quantity: String(1 + next(12)),
      unitPrice: `${1 + next(500)}.${String(next(100)).padStart(2, "0")}`,
    })),
  );
}

const RATE_SCALE = 1_000_000_000_000n;
const RATES: Record<string, bigint> = { standard: 190_000_000_000n, food: 70_000_000_000n };

function scaled(text: string, scale: number): bigint {
  const dot = text.indexOf(".");
  if (dot < 0) return BigInt(text) * 10n ** BigInt(scale);
  const fraction = text.slice(dot + 1);
  return BigInt(text.slice(0, dot) + fraction.padEnd(scale, "0"));
}

function halfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  return r * 2n >= d ? q + 1n : q; // inputs are non-negative here
}

function cents(units: bigint): string {
  const s = units.toString().padStart(3, "0");
  const fraction = s.slice(-2).replace(/0+$/, "");
  return fraction ? `${s.slice(0, -2)}.${fraction}` : s.slice(0, -2);
}

/** The plain kernel: the same parse, rounding, split, per-code sums and string output. */
function kernel(lines: readonly TaxLineInput[]): { tax: string; lines: { net: string; tax: string; gross: string }[] } {
  const out: { net: string; tax: string; gross: string }[] = new Array(lines.length);
  const perCode = new Map<string, bigint>();
  let taxSum = 0n;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const gross = halfUp(scaled(line.quantity as string, 6) * scaled(line.unitPrice as string, 6), 10n ** 10n);
    const rate = RATES[line.category]!;
    const tax = halfUp(gross * rate, RATE_SCALE + rate);
    perCode.set(line.category, (perCode.get(line.category) ?? 0n) + tax);
    taxSum += tax;
    out[i] = { net: cents(gross - tax), tax: cents(tax), gross: cents(gross) };
  }
  return { tax: cents(taxSum), lines: out };
}

const context = { date: "2026-03-01", currency: "EUR", taxCodes, seller: { country: "DE" }, buyer: { country: "DE" }, pricesIncludeTax: true } as const;

export const workloads: BenchWorkload[] = [
  {
    name: "finance.tax-10k-lines",
    unit: "lines/s",
    ops: LINES * DOCUMENTS,
    rounds: 5,
    prepare: documents,
    subject(docs: TaxLineInput[][]) {
      let tax = "";
      for (const doc of docs) tax = calculateTax(doc, context).tax;
      return { extra: { lastDocumentTax: tax } };
    },
    baseline(docs: TaxLineInput[][]) {
      for (const doc of docs) kernel(doc);
    },
  } as BenchWorkload<TaxLineInput[][]> as BenchWorkload,
  {
    name: "finance.tax-10k-lines-document-rounding",
    unit: "lines/s",
    ops: LINES * DOCUMENTS,
    rounds: 5,
    prepare: documents,
    subject(docs: TaxLineInput[][]) {
      for (const doc of docs) calculateTax(doc, { ...context, rounding: "document" });
    },
    baseline(docs: TaxLineInput[][]) {
      for (const doc of docs) kernel(doc);
    },
  } as BenchWorkload<TaxLineInput[][]> as BenchWorkload,
];

/** Checks the kernel against calculateTax once, so the baseline is known to do the same arithmetic. */
export function kernelAgrees(): boolean {
  const doc = documents()[0]!;
  const ours = calculateTax(doc, context);
  const theirs = kernel(doc);
  return ours.tax === theirs.tax && ours.lines.every((l, i) => l.net === theirs.lines[i]!.net && l.tax === theirs.lines[i]!.tax && l.gross === theirs.lines[i]!.gross);
}
