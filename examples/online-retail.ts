import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseCsv } from "../src/index.js";

/** One invoice line of the UCI Online Retail sample that ships with the demo. */
export interface RetailLine {
  readonly invoiceNo: string;
  readonly stockCode: string;
  readonly description: string;
  readonly quantity: number;
  readonly invoiceDate: string; // "YYYY-MM-DD HH:MM" (UK local time)
  readonly unitPrice: string; // GBP, tax inclusive, as written in the file
  readonly customerId: string;
  readonly country: string;
}

/** An invoice: its lines grouped, in file order. */
export interface RetailInvoice {
  readonly invoiceNo: string;
  readonly cancellation: boolean;
  readonly customerId: string;
  readonly at: string;
  readonly lines: readonly RetailLine[];
}

/** Reads `examples/data/online-retail-2010-12.csv` (CC BY 4.0, see examples/data/README.md). */
export function loadRetailInvoices(): RetailInvoice[] {
  const path = fileURLToPath(new URL("./data/online-retail-2010-12.csv", import.meta.url));
  const [header, ...rows] = parseCsv(readFileSync(path, "utf8").trim());
  if (header === undefined) return [];
  const lines = rows.map((f): RetailLine => ({
    invoiceNo: f[0]!,
    stockCode: f[1]!,
    description: f[2]!,
    quantity: Number(f[3]),
    invoiceDate: f[4]!,
    unitPrice: f[5]!,
    customerId: f[6]!,
    country: f[7]!,
  }));
  const byInvoice = new Map<string, RetailLine[]>();
  for (const line of lines) {
    const list = byInvoice.get(line.invoiceNo) ?? [];
    list.push(line);
    byInvoice.set(line.invoiceNo, list);
  }
  return [...byInvoice.entries()]
    .map(([invoiceNo, ls]) => ({ invoiceNo, cancellation: invoiceNo.startsWith("C"), customerId: ls[0]!.customerId, at: ls[0]!.invoiceDate, lines: ls }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.invoiceNo < b.invoiceNo ? -1 : 1));
}
