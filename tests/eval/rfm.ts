/**
 * `npm run eval:rfm`: RFM on UCI Online Retail (Chen, Sain & Guo 2012, CC BY 4.0) with the
 * issue's cleaning rules (CustomerID present, no invoice number starting with C,
 * quantity > 0, unit price > 0) as of 2011-12-10. Prints the customer count and the
 * counts per R, F and M score and per segment as JSON; checks each score's count is
 * ⌊n/5⌋ or ⌈n/5⌉ (exit 1 otherwise), exits 2 when the data is missing.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { parseCsv } from "../../src/kernel/csv.js";
import { localDate } from "../../src/kernel/local-date.js";
import { type RfmLine, rfmCounts, rfmInputs, rfmScores, summariseRfm } from "../../src/crm/rfm.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const file = resolve(root, "../shared/data/online-retail/online_retail.csv.gz");

function main(): number {
  if (!existsSync(file)) {
    console.error(`eval:rfm: missing ${file} (UCI Online Retail lives in ../shared/data/online-retail)`);
    return 2;
  }
  const rows = parseCsv(gunzipSync(readFileSync(file)).toString("utf8"));
  const header = rows[0] as string[];
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`eval:rfm: column ${name} missing from ${file}`);
    return i;
  };
  const [cInv, cQty, cDate, cPrice, cCust] = [col("InvoiceNo"), col("Quantity"), col("InvoiceDate"), col("UnitPrice"), col("CustomerID")];
  const lines: RfmLine[] = [];
  let kept = 0;
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i] as string[];
    if (row.length < header.length) continue;
    const customerId = (row[cCust] as string).trim();
    const invoiceId = row[cInv] as string;
    const quantity = Number(row[cQty]);
    const price = Number(row[cPrice]);
    if (customerId === "" || invoiceId.startsWith("C") || !(quantity > 0) || !(price > 0)) continue;
    kept++;
    lines.push({ customerId, invoiceId, date: localDate((row[cDate] as string).slice(0, 10)), quantity: row[cQty] as string, price: row[cPrice] as string });
  }
  const summaries = summariseRfm(lines, localDate("2011-12-10"));
  const scores = rfmScores(rfmInputs(summaries));
  const counts = rfmCounts(scores);
  const n = counts.customers;
  const balanced = [counts.r, counts.f, counts.m].every((byScore) => Object.values(byScore).every((c) => c === Math.floor(n / 5) || c === Math.ceil(n / 5)));
  const invoices = new Set(lines.map((l) => l.invoiceId)).size;
  console.log(JSON.stringify({ data: "online_retail.csv.gz", analysisDate: "2011-12-10", linesKept: kept, invoices, ...counts, balanced }, null, 2));
  return balanced ? 0 : 1;
}

process.exitCode = main();
