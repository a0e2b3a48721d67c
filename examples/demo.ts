/**
 * `npm run demo`: a shop simulated through every module that exists, on the embedded
 * in-memory store by default (`-- --store pglite` or `-- --store postgres://...` for PostgreSQL),
 * from two weeks of a real UK online gift shop (UCI Online Retail, CC BY 4.0).
 */
import { createStorekeep, type Storekeep } from "../src/index.js";
import { ManualClock } from "../src/testing/index.js";
import { loadRetailInvoices } from "./online-retail.js";

function heading(text: string): void {
  console.log(`\n=== ${text} ${"=".repeat(Math.max(0, 70 - text.length))}`);
}

async function main(): Promise<void> {
  const invoices = loadRetailInvoices();
  const clock = new ManualClock(new Date("2010-12-01T08:00:00Z"));
  const sk: Storekeep = createStorekeep({ clock, config: { functionalCurrency: "GBP", timeZone: "Europe/London" } });

  heading("Foundation: commands through the runner, events in the outbox");
  console.log(`store: ${sk.store.name}; ${invoices.length} invoices from examples/data/online-retail-2010-12.csv`);
  let placed = 0;
  for (const invoice of invoices.filter((i) => !i.cancellation).slice(0, 20)) {
    clock.set(new Date(`${invoice.at.replace(" ", "T")}:00Z`));
    const total = invoice.lines.reduce((sum, l) => sum + Math.round(Number(l.unitPrice) * 100) * l.quantity, 0);
    await sk.recordEvents(
      [
        {
          type: "OrderPlaced",
          aggregateType: "order",
          aggregateId: `ord_${invoice.invoiceNo}`,
          effectiveDate: invoice.at.slice(0, 10),
          payload: {
            orderId: `ord_${invoice.invoiceNo}`,
            customerId: `cus_${invoice.customerId}`,
            warehouseId: "wh_main",
            currency: "GBP",
            lines: invoice.lines.map((l, n) => ({ lineId: `l${n + 1}`, sku: l.stockCode, quantity: String(l.quantity), unitPrice: { amount: l.unitPrice, currency: "GBP" } })),
            total: { amount: (total / 100).toFixed(2), currency: "GBP" },
          },
        },
      ],
      { idempotencyKey: `invoice-${invoice.invoiceNo}` },
    );
    placed++;
  }
  // The same invoice again: the idempotency key makes it a replay, not a second order.
  const first = invoices.find((i) => !i.cancellation)!;
  const replayTotal = first.lines.reduce((sum, l) => sum + Math.round(Number(l.unitPrice) * 100) * l.quantity, 0);
  await sk.recordEvents(
    [{ type: "OrderPlaced", aggregateType: "order", aggregateId: `ord_${first.invoiceNo}`, effectiveDate: first.at.slice(0, 10), payload: { orderId: `ord_${first.invoiceNo}`, customerId: `cus_${first.customerId}`, warehouseId: "wh_main", currency: "GBP", lines: first.lines.map((l, n) => ({ lineId: `l${n + 1}`, sku: l.stockCode, quantity: String(l.quantity), unitPrice: { amount: l.unitPrice, currency: "GBP" } })), total: { amount: (replayTotal / 100).toFixed(2), currency: "GBP" } } }],
    { idempotencyKey: `invoice-${first.invoiceNo}` },
  );
  const outbox = await sk.events.read(null, 1000);
  console.log(`recorded ${placed} orders (+1 replayed by idempotency key); outbox holds ${outbox.length} events`);
  for (const e of outbox.slice(0, 3)) console.log(`  ${e.position.padStart(4)} ${e.type} ${e.aggregateId} ${e.effectiveDate} total ${(e.payload["total"] as { amount: string }).amount} GBP`);
  const revenue = sk.events.consumer("demo.order-count", () => undefined);
  const run = await revenue.runOnce();
  console.log(`consumer "${run.name}" processed ${run.processed} events; checkpoint at ${run.position}`);

  await sk.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
