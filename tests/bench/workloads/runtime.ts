import { type BalanceBook, type PostingLine, postToBook } from "../../../src/finance/posting-kernel.js";
import { emptyCostState, kernelFor, roundingCode, valueMovement, type ValuationInput } from "../../../src/inventory/index.js";
import { eventExamples } from "../../../src/kernel/events/examples.js";
import { createStorekeep, type Storekeep } from "../../../src/storekeep.js";
import type { BenchWorkload } from "../harness.js";

/*
 * The command path as a new user meets it: `createStorekeep()` with its defaults (memory
 * store, system clock, time-ordered ids from crypto randomness, the catalog validator),
 * one command at a time.
 * - runtime.issue: `sk.inventory.issue` of 1 unit of a FIFO SKU (stock out, valued, the
 *   StockIssued event validated, posted by finance: Dr COGS / Cr Inventory), beside the
 *   pure FIFO valuation of the same issue plus the same two-line posting into a bigint book.
 * - runtime.record-event: `sk.recordEvents` of one catalog event no module reacts to
 *   (StockReserved), beside copying the same envelope as JSON into an array.
 */

const ISSUES = 2_000;
const EVENTS = 2_000;
const HALF_EVEN = roundingCode("half-even");

async function issueShop(): Promise<Storekeep> {
  const sk = createStorekeep({ config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  // Many receipts, so issues walk layers as a real shop's would.
  for (let i = 0; i < 50; i++) await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "1000", unitCost: `${2 + (i % 7) / 4}` });
  return sk;
}

const cogsLines = (cost: bigint): PostingLine[] => [
  { account: "5100", currency: "EUR", amount: cost, functional: cost },
  { account: "1300", currency: "EUR", amount: -cost, functional: -cost },
];

export const workloads: BenchWorkload[] = [
  {
    name: "runtime.issue",
    unit: "commands/s",
    ops: ISSUES,
    rounds: 3,
    prepare: issueShop,
    async subject(sk: Storekeep) {
      for (let i = 0; i < ISSUES; i++) await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "1" });
    },
    baseline() {
      const kernel = kernelFor("fifo");
      const state = emptyCostState("fifo");
      const receipt: ValuationInput = { id: "r", position: "0", date: "2026-01-01", effect: "in", qty: 1_000_000n * 1_000_000n, counterRole: "grni", value: 250_000_000n, allowNegative: false };
      valueMovement(kernel, state, receipt, HALF_EVEN, () => undefined, false);
      const book: BalanceBook = new Map();
      for (let i = 0; i < ISSUES; i++) {
        const v = valueMovement(kernel, state, { id: `i${i}`, position: String(i + 1), date: "2026-01-01", effect: "out", qty: 1_000_000n, counterRole: "cogs", allowNegative: false }, HALF_EVEN, () => undefined, false);
        postToBook(book, cogsLines(v.amount), "EUR");
      }
    },
  } as BenchWorkload<Storekeep> as BenchWorkload,
  {
    name: "runtime.record-event",
    unit: "events/s",
    ops: EVENTS,
    rounds: 3,
    async prepare() {
      const sk = createStorekeep({ config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" } });
      await sk.ready();
      return sk;
    },
    async subject(sk: Storekeep) {
      const today = new Date().toISOString().slice(0, 10);
      for (let i = 0; i < EVENTS; i++) {
        await sk.recordEvents([{ type: "StockReserved", aggregateType: "reservation", aggregateId: `res_${i}`, effectiveDate: today, payload: { ...eventExamples.StockReserved, reservationId: `res_${i}` } }]);
      }
    },
    baseline() {
      const today = new Date().toISOString().slice(0, 10);
      const outbox: unknown[] = [];
      for (let i = 0; i < EVENTS; i++) {
        const envelope = { id: `evt_${i}`, type: "StockReserved", schemaVersion: 1, aggregateType: "reservation", aggregateId: `res_${i}`, aggregateVersion: 0, effectiveDate: today, payload: { ...eventExamples.StockReserved, reservationId: `res_${i}` } };
        outbox.push(JSON.parse(JSON.stringify(envelope)));
      }
    },
  } as BenchWorkload<Storekeep> as BenchWorkload,
];
