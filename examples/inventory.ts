/**
 * A week of one SKU's stock: goods received, a cart hold, a sale, a return, and a receipt
 * that turns up late and is back-dated — then valuation, COGS and the audit (which checks
 * the Inventory account too, since finance posts every stock-value event).
 *
 * Run alone with `npx tsx examples/inventory.ts`; the shop demo calls `inventoryDemo(sk)`.
 */
import { pathToFileURL } from "node:url";
import { Decimal, type Storekeep, createStorekeep } from "../src/index.js";
import { ManualClock, sequentialIds } from "../src/testing/index.js";

const eur = (amount: string, currency = "EUR") => ({ amount, currency });

/**
 * Runs the inventory walk-through on `sk` (any store; dates are relative to its clock) and
 * prints what happened.
 *
 * @example
 * ```ts
 * await inventoryDemo(createStorekeep());
 * ```
 */
export async function inventoryDemo(sk: Storekeep, log: (line: string) => void = console.log): Promise<void> {
  const currency = sk.config.functionalCurrency;
  const now = sk.clock.now().getTime();
  const day = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString().slice(0, 10);
  const inv = sk.inventory;
  const sku = "DEMO-MUG";
  const warehouseId = "wh_demo";

  await inv.defineWarehouse({ warehouseId, name: "Demo warehouse" });
  await inv.defineLocation({ locationId: "wh_demo/A1", warehouseId });
  await inv.defineProduct({ sku, name: "Stoneware mug", costingMethod: "fifo" });

  // Two purchase receipts (FIFO layers at 4.00 and 4.50).
  for (const [id, daysAgo, quantity, value] of [["demo_grn_1", 6, "20", "80"], ["demo_grn_2", 4, "20", "90"]] as const) {
    await sk.recordEvents([
      {
        type: "GoodsReceived",
        aggregateType: "receipt",
        aggregateId: id,
        effectiveDate: day(daysAgo),
        payload: { receiptId: id, purchaseOrderId: "demo_po_1", supplierId: "demo_sup", warehouseId, currency, functionalCurrency: currency, rate: "1", lines: [{ lineId: "l1", sku, quantity, unitPrice: eur((Number(value) / Number(quantity)).toFixed(2), currency), receivedValue: eur(value, currency), locationId: "wh_demo/A1" }] },
      },
    ]);
  }
  log(`received 20 @ 4.00 and 20 @ 4.50 of ${sku}`);

  // A cart holds 25 units; checkout turns the hold into a hard allocation; the order ships.
  const { reservations } = await inv.reserve({ lines: [{ sku, warehouseId, quantity: "25" }], orderId: "demo_ord_1" });
  await inv.allocate({ reservationId: reservations[0]!.reservationId });
  const held = await inv.availability(sku, warehouseId);
  log(`reserved 25 for demo_ord_1: on hand ${held.onHand}, reserved ${held.reserved}, available ${held.available}`);
  await sk.recordEvents([
    { type: "ShipmentDispatched", aggregateType: "shipment", aggregateId: "demo_shp_1", effectiveDate: day(2), payload: { shipmentId: "demo_shp_1", orderId: "demo_ord_1", warehouseId, lines: [{ lineId: "l1", sku, quantity: "25", locationId: "wh_demo/A1" }] } },
  ]);
  // The customer sends 2 back; they return at the cost they left with.
  await sk.recordEvents([
    { type: "ReturnReceived", aggregateType: "return", aggregateId: "demo_ret_1", effectiveDate: day(1), payload: { returnId: "demo_ret_1", orderId: "demo_ord_1", warehouseId, lines: [{ lineId: "l1", sku, quantity: "2", disposition: "restock", locationId: "wh_demo/A1" }] } },
  ]);
  const shipped = (await inv.history({ sku })).find((l) => l.kind === "sale-issue")!;
  log(`shipped 25: COGS ${shipped.amount} ${currency} (20 @ 4.00 + 5 @ 4.50); 2 returned at ${(await inv.history({ sku })).find((l) => l.kind === "customer-return")!.amount}`);

  // A delivery note from a week ago turns up: 10 @ 3.00, before everything else.
  const late = await inv.receive({ sku, warehouseId, locationId: "wh_demo/A1", quantity: "10", unitCost: "3", effectiveDate: day(7), reference: "demo_grn_0" });
  const explained = await inv.explain(shipped.movementId);
  log(`back-dated receipt ${late.movementId} re-derived ${sku} alone: the shipment now costs ${explained.amount} ${currency}`);
  for (const line of explained.why) log(`  ${line}`);

  const [value] = await inv.valuation({ sku });
  log(`valuation: ${value!.quantity} on hand worth ${value!.value} ${currency}`);
  const cogs = (await inv.history({ sku })).reduce((s, l) => (l.kind === "sale-issue" ? s.plus(l.amount) : l.kind === "customer-return" ? s.minus(l.amount) : s), new Decimal(0));
  log(`net COGS of the week (issues less returns): ${cogs.toFixed(2)} ${currency}`);
  const audit = await inv.audit({ skus: [sku] });
  log(`audit: ${audit.ok ? "on hand = sum of movements, value = sum of layers" : `${audit.differences.length} difference(s)`}`);
  for (const d of audit.differences) log(`  ${d.check} ${d.sku ?? ""}: expected ${d.expected}, found ${d.actual} — ${d.cause}`);
  const whole = await inv.audit();
  log(`audit of all stock against the Inventory account: ${whole.ok ? `agrees (${whole.inventoryAccount ?? whole.stockValue} ${currency})` : whole.differences.map((d) => `${d.check}: ${d.expected} vs ${d.actual}`).join("; ")}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const sk = createStorekeep({ clock: new ManualClock("2026-03-31T12:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR" } });
  await inventoryDemo(sk);
}
