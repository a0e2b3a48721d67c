/**
 * The Online Retail data both replenishment scripts replay (`eval:replenishment` and
 * `replenishment-diagnostics.ts`): the weekly demand of the 30 sampled SKUs with order lines
 * cancelled in full removed, and each SKU's median unit price.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { parseCsv } from "../../src/kernel/csv.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = resolve(root, "../shared/data/online-retail");

/** Monday of the ISO week of a "YYYY-MM-DD HH:MM" timestamp, as YYYY-MM-DD. */
function weekStart(timestamp: string): string {
  const d = new Date(`${timestamp.slice(0, 10)}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Reads the full Online Retail file: median unit price per stock code, and the units of
 * order lines cancelled in full (a "C" invoice line of the same customer, stock code and
 * opposite quantity, on or after the sale), per stock code and week. Those were never
 * demand: the two trap orders (74,215 storage jars, 80,995 paper crafts) are among them.
 */
function readRetail(): { prices: Map<string, number>; cancelled: Map<string, number> } {
  const text = gunzipSync(readFileSync(resolve(dataDir, "online_retail.csv.gz"))).toString("utf8");
  const [header, ...rows] = parseCsv(text.trim());
  const col = (name: string) => (header as string[]).indexOf(name);
  const iCode = col("StockCode");
  const iQty = col("Quantity");
  const iPrice = col("UnitPrice");
  const iInvoice = col("InvoiceNo");
  const iCustomer = col("CustomerID");
  const iDate = col("InvoiceDate");
  const cancellations = new Map<string, string[]>();
  for (const r of rows) {
    if (!(r[iInvoice] as string).startsWith("C") || !r[iCustomer]) continue;
    const key = `${r[iCustomer]}|${r[iCode]}|${-Number(r[iQty])}`;
    const list = cancellations.get(key) ?? [];
    list.push(r[iDate] as string);
    cancellations.set(key, list);
  }
  const cancelled = new Map<string, number>();
  const prices = new Map<string, number[]>();
  for (const r of rows) {
    if (!(r[iInvoice] as string).startsWith("C") && r[iCustomer]) {
      const key = `${r[iCustomer]}|${r[iCode]}|${Number(r[iQty])}`;
      const dates = cancellations.get(key);
      const at = dates?.findIndex((d) => d >= (r[iDate] as string)) ?? -1;
      if (dates && at >= 0) {
        dates.splice(at, 1);
        const wk = `${r[iCode]}|${weekStart(r[iDate] as string)}`;
        cancelled.set(wk, (cancelled.get(wk) ?? 0) + Number(r[iQty]));
      }
    }
    const q = Number(r[iQty]);
    const p = Number(r[iPrice]);
    if (!(q > 0 && p > 0)) continue;
    const code = r[iCode] as string;
    const list = prices.get(code);
    if (list) list.push(p);
    else prices.set(code, [p]);
  }
  const out = new Map<string, number>();
  for (const [code, list] of prices) {
    list.sort((a, b) => a - b);
    out.set(code, list[Math.floor(list.length / 2)] as number);
  }
  return { prices: out, cancelled };
}

/**
 * The 30 sampled SKUs' weekly demand, oldest week first (units of order lines cancelled in full
 * taken out, as `readRetail` finds them), with the unit value (median positive price, 1 when
 * none) and the units taken out; `missing` names a data file that is not there.
 */
export function readWeeklySkuDemand(): { skus: { sku: string; demand: number[]; unitCost: number }[]; cancelledUnits: number } | { missing: string } {
  const sampleFile = resolve(dataDir, "weekly_sku_demand_sample.csv");
  for (const f of [sampleFile, resolve(dataDir, "online_retail.csv.gz")]) if (!existsSync(f)) return { missing: f };
  const [header, ...rows] = parseCsv(readFileSync(sampleFile, "utf8").trim());
  const iCode = (header as string[]).indexOf("stock_code");
  const iWeek = (header as string[]).indexOf("week_start");
  const iUnits = (header as string[]).indexOf("units");
  const bySku = new Map<string, { week: string; units: number }[]>();
  for (const r of rows) {
    const code = r[iCode] as string;
    const list = bySku.get(code) ?? [];
    list.push({ week: r[iWeek] as string, units: Math.max(0, Number(r[iUnits])) });
    bySku.set(code, list);
  }
  const { prices, cancelled } = readRetail();
  let cancelledUnits = 0;
  const skus: { sku: string; demand: number[]; unitCost: number }[] = [];
  for (const [sku, weeks] of bySku) {
    weeks.sort((a, b) => (a.week < b.week ? -1 : 1));
    const demand = weeks.map((w) => {
      const c = Math.min(w.units, cancelled.get(`${sku}|${w.week}`) ?? 0);
      cancelledUnits += c;
      return w.units - c;
    });
    skus.push({ sku, demand, unitCost: prices.get(sku) ?? 1 });
  }
  return { skus, cancelledUnits };
}
