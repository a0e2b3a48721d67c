/**
 * A host module written against storekeep's module contract: a gift-wrapping desk that
 * records which order items were wrapped, refuses wrapping dated into a locked sales
 * period (the period-lock seam, without importing finance), counts wrapped items per day
 * in a balance family, and notes every shipment it sees (a reaction, atomic with the
 * command that recorded the shipment).
 *
 * Run alone with `npx tsx examples/host-module.ts`.
 */
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { Decimal, type ModuleDefinition, type ModuleSimulation, type Reaction, type Runtime, type Storekeep, StorekeepError, createStorekeep, defineCommand, eventExamples, localDateSchema } from "../src/index.js";
import { ManualClock, sequentialIds } from "../src/testing/index.js";

// 1. The registry: what the module stores (names namespaced by the module).
const WRAPS = "giftwrap.wraps";
const WRAPPED = "giftwrap.wrapped";
const SHIPMENTS_SEEN = "giftwrap.shipments-seen";

const giftWrapRegistry = {
  collections: [{ name: WRAPS, indexes: { byOrder: { fields: ["orderId"] } } }, { name: SHIPMENTS_SEEN }],
  balances: [{ name: WRAPPED, fields: ["items"], bucket: "day YYYY-MM-DD (key: paper)" }],
};

// 2. One command per file in a real module (`wrap-item.ts`): input schema, thin handler.
const wrapItem = defineCommand({
  name: "giftwrap.wrapItem",
  input: z.object({ orderId: z.string().min(1).max(200), lineId: z.string().min(1).max(200), paper: z.enum(["red", "gold", "plain"]), date: localDateSchema.optional() }),
  async handle(ctx, input) {
    const date = input.date ?? ctx.today;
    // The seam: whichever module keeps the books says whether the sales period is open.
    await ctx.periodLocks?.assertOpen(ctx.tx, "sales", date);
    const wrapId = `${input.orderId}/${input.lineId}`;
    if ((await ctx.tx.documents.get(WRAPS, wrapId)) !== undefined) {
      throw new StorekeepError("ALREADY_EXISTS", `Item ${input.lineId} of order ${input.orderId} is wrapped already.`, { wrapId });
    }
    await ctx.tx.documents.put(WRAPS, wrapId, { wrapId, orderId: input.orderId, lineId: input.lineId, paper: input.paper, date }, 0);
    await ctx.tx.balances.add(WRAPPED, [{ key: input.paper, bucket: date, amounts: { items: new Decimal(1) } }]);
    return { result: { wrapId, date } };
  },
});

// 3. Reactions (`reactions.ts`): only what must be atomic with another module's event.
const noteShipments: Reaction = {
  name: "giftwrap.noteShipment",
  on: ["ShipmentDispatched"],
  async handle(ctx, event) {
    const payload = event.payload as { shipmentId: string; orderId: string };
    await ctx.tx.documents.put(SHIPMENTS_SEEN, payload.shipmentId, { orderId: payload.orderId, seenAt: ctx.now.toISOString() }, 0);
    return [];
  },
};

/**
 * 4. `xxxModule(options)`: the ModuleDefinition the facade registers (registry, reactions).
 *
 * @example
 * ```ts
 * const sk = createStorekeep({ modules: [giftWrapModule()] });
 * ```
 */
export function giftWrapModule(): ModuleDefinition {
  return { name: "giftwrap", registry: giftWrapRegistry, reactions: [noteShipments], simulation: giftWrapSimulation };
}

// 5. For the whole-shop simulator (`simulateShop({ seed, steps, modules: [giftWrapModule()] })`):
// random wraps among the simulator's commands, and an invariant checked after every step.
const PAPERS = ["red", "gold", "plain"] as const;
const giftWrapSimulation: ModuleSimulation = {
  commands: [
    {
      name: "giftwrap.wrapItem",
      refusals: ["ALREADY_EXISTS"],
      run: (sim) => sim.runtime.execute(wrapItem, { orderId: `ord_${sim.random.int(1, 30)}`, lineId: "l1", paper: sim.random.pick(PAPERS) }),
    },
  ],
  invariants: [
    {
      name: "every wrap counted once",
      check: (sim) =>
        sim.runtime.read(async (tx) => {
          let documents = 0;
          for (let i = 1; i <= 30; i++) documents += (await tx.documents.find(WRAPS, { index: "byOrder", equals: [`ord_${i}`], limit: 10 })).length;
          let counted = 0;
          for (const paper of PAPERS) counted += Number((await tx.balances.sum(WRAPPED, paper))["items"]?.toString() ?? "0");
          return documents === counted ? [] : [`${documents} wraps stored, ${counted} counted`];
        }),
    },
  ],
};

/**
 * 6. `xxxApi(runtime)`: the namespace the host mounts, commands run through the runner
 * (idempotency keys, retries, atomicity come with it), reports read in a transaction.
 *
 * @example
 * ```ts
 * const giftWrap = giftWrapApi(sk.runtime);
 * await giftWrap.wrap({ orderId: "ord_1", lineId: "l1", paper: "gold" });
 * ```
 */
export function giftWrapApi(runtime: Runtime) {
  return {
    wrap: (input: z.input<typeof wrapItem.input>, options?: { idempotencyKey?: string }) => runtime.execute(wrapItem, input, options),
    wrappedOn: (paper: string, date: string) => runtime.read(async (tx) => (await tx.balances.sum(WRAPPED, paper, { from: date, to: date }))["items"]?.toString() ?? "0"),
    shipmentSeen: (shipmentId: string) => runtime.read(async (tx) => (await tx.documents.get(SHIPMENTS_SEEN, shipmentId)) !== undefined),
  };
}

/**
 * Registers the module, wraps items, shows the period lock refusing a back-dated wrap and
 * the reaction seeing a shipment.
 *
 * @example
 * ```ts
 * await hostModuleDemo();
 * ```
 */
export async function hostModuleDemo(log: (line: string) => void = console.log): Promise<Storekeep> {
  const sk = createStorekeep({ clock: new ManualClock("2026-11-27T10:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" }, modules: [giftWrapModule()] });
  const giftWrap = giftWrapApi(sk.runtime);
  await giftWrap.wrap({ orderId: "ord_1", lineId: "l1", paper: "gold" }, { idempotencyKey: "wrap-ord_1-l1" });
  await giftWrap.wrap({ orderId: "ord_1", lineId: "l1", paper: "gold" }, { idempotencyKey: "wrap-ord_1-l1" }); // a replay: no second effect
  await giftWrap.wrap({ orderId: "ord_2", lineId: "l1", paper: "gold" });
  log(`gold wraps on 2026-11-27: ${await giftWrap.wrappedOn("gold", "2026-11-27")}`);
  await sk.finance.lockPeriod({ through: "2026-10-31", domains: ["sales"] });
  try {
    await giftWrap.wrap({ orderId: "ord_3", lineId: "l1", paper: "red", date: "2026-10-30" });
  } catch (error) {
    log(`back-dated wrap refused: ${(error as StorekeepError).code}`);
  }
  await sk.inventory.defineWarehouse({ warehouseId: "wh_main" });
  await sk.inventory.defineLocation({ locationId: "wh_main/A1", warehouseId: "wh_main" });
  await sk.inventory.defineProduct({ sku: "MUG-RED", costingMethod: "fifo" });
  await sk.inventory.receive({ sku: "MUG-RED", warehouseId: "wh_main", locationId: "wh_main/A1", lot: "L2026-11", quantity: "5", unitCost: "4" });
  await sk.recordEvents([{ type: "ShipmentDispatched", aggregateType: "order", aggregateId: "ord_1", effectiveDate: "2026-11-27", payload: eventExamples.ShipmentDispatched }]);
  log(`shipment shp_1 seen by the gift-wrap desk: ${await giftWrap.shipmentSeen("shp_1")}`);
  return sk;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await hostModuleDemo();
