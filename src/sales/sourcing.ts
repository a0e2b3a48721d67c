import { StorekeepError } from "../kernel/errors.js";
import type { CommandContext } from "../runner/command.js";
import { type SalesSettings, type SourcingAllocation, preferredWarehouseFirst } from "./options.js";
import { type OrderDoc, type OrderLine, qty, qtyText } from "./order.js";

/*
 * Where an order's lines are held and shipped from: the sales sourcing policy (the host's,
 * or `preferredWarehouseFirst`) splits what an order reserves over warehouses when it
 * reserves (at placement, at payment, or again after an edit). A line placed anywhere but
 * wholly at the order's warehouse keeps its parts in `sources` (the units still to ship from
 * each warehouse); shipments take from them in order.
 */

/** One line's part for the reservation event: held at `warehouseId` when that is not the order's. */
export type SourcedPart = {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: string;
  readonly warehouseId?: string;
};

/**
 * What an order holds per SKU and warehouse (`sku\u0000warehouse` → units): counted as
 * available to it when an edit places it again (inventory releases them first).
 *
 * @example
 * ```ts
 * const held = ownHolds(orderBeforeEdit);
 * ```
 */
export function ownHolds(order: OrderDoc): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const add = (sku: string, warehouseId: string, units: bigint) => out.set(`${sku}\u0000${warehouseId}`, (out.get(`${sku}\u0000${warehouseId}`) ?? 0n) + units);
  for (const line of order.lines) {
    let held = qty(line.buckets.reserved);
    for (const source of line.sources ?? []) {
      const part = qty(source.quantity) < held ? qty(source.quantity) : held;
      if (part > 0n) add(line.sku, source.warehouseId, part);
      held -= part;
    }
    if (held > 0n) add(line.sku, order.warehouseId, held);
  }
  return out;
}

/**
 * Runs the sourcing policy for `quantities` (units to place per line id) and returns the
 * order's lines with their `sources` and the parts to reserve. Refuses a policy result that
 * does not place every line exactly (`VALIDATION_FAILED` naming the line).
 *
 * @example
 * ```ts
 * const { lines, parts } = await sourceOrder(ctx, settings, order, new Map([["1", 5_000000n]]));
 * ```
 */
export async function sourceOrder(ctx: CommandContext, settings: SalesSettings, order: OrderDoc, quantities: ReadonlyMap<string, bigint>, own: ReadonlyMap<string, bigint> = new Map()): Promise<{ lines: OrderLine[]; parts: SourcedPart[] }> {
  const wanted = order.lines.filter((l) => (quantities.get(l.lineId) ?? 0n) > 0n);
  const covered = await coveredAtOrderWarehouse(ctx, settings, order, wanted, quantities, own);
  if (covered !== undefined) return covered;
  const stock: { sku: string; warehouseId: string; available: string }[] = [];
  if (settings.seams.availability !== undefined && wanted.length > 0) {
    for (const row of await settings.seams.availability(ctx.tx, [...new Set(wanted.map((l) => l.sku))])) {
      const mine = own.get(`${row.sku}\u0000${row.warehouseId}`) ?? 0n;
      stock.push({ sku: row.sku, warehouseId: row.warehouseId, available: qtyText(qty(row.available) + mine) });
    }
  }
  let allocations: readonly SourcingAllocation[];
  const request = { orderId: order.orderId, warehouseId: order.warehouseId, lines: wanted.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: qtyText(quantities.get(l.lineId)!) })), stock };
  try {
    allocations = settings.sourcing(request);
  } catch (error) {
    if (error instanceof StorekeepError) throw error;
    throw new StorekeepError("VALIDATION_FAILED", `The sales sourcing policy failed for order ${order.orderId}: ${error instanceof Error ? error.message : String(error)}. Fix the policy passed as sales.sourcing.`, { orderId: order.orderId });
  }
  const refuse = (message: string): never => {
    throw new StorekeepError("VALIDATION_FAILED", `The sales sourcing policy's answer for order ${order.orderId} ${message}; it must place each line's quantity exactly, in positive parts at named warehouses.`, { orderId: order.orderId, issues: [{ path: "sourcing", message, code: "custom" }] });
  };
  if (!Array.isArray(allocations)) refuse("is not an array");
  const byLine = new Map<string, Map<string, bigint>>();
  for (const [i, a] of allocations.entries()) {
    if (a === null || typeof a !== "object") refuse(`has a part ${i} that is not an object`);
    if (!wanted.some((l) => l.lineId === a.lineId)) refuse(`names line ${String(a.lineId)}, which it was not asked to place`);
    if (typeof a.warehouseId !== "string" || a.warehouseId.length === 0 || a.warehouseId.length > 200) refuse(`gives line ${a.lineId} no warehouse`);
    let units: bigint;
    try {
      units = qty(String(a.quantity));
    } catch {
      return refuse(`gives line ${a.lineId} a quantity that is not a decimal (${String(a.quantity)})`);
    }
    if (units <= 0n) refuse(`gives line ${a.lineId} a part of ${String(a.quantity)} at ${a.warehouseId}`);
    const parts = byLine.get(a.lineId) ?? new Map<string, bigint>();
    parts.set(a.warehouseId, (parts.get(a.warehouseId) ?? 0n) + units);
    byLine.set(a.lineId, parts);
  }
  const parts: SourcedPart[] = [];
  const lines = order.lines.map((line) => {
    const need = quantities.get(line.lineId) ?? 0n;
    if (need <= 0n) return line;
    const placed = byLine.get(line.lineId) ?? new Map<string, bigint>();
    const total = [...placed.values()].reduce((a, b) => a + b, 0n);
    if (total !== need) refuse(`places ${qtyText(total)} of line ${line.lineId}, which needs ${qtyText(need)}`);
    // The order's warehouse first, then the others in the policy's order.
    const ordered = [...placed].sort(([a], [b]) => (a === order.warehouseId ? -1 : b === order.warehouseId ? 1 : 0));
    for (const [warehouseId, units] of ordered) parts.push({ lineId: line.lineId, sku: line.sku, quantity: qtyText(units), ...(warehouseId === order.warehouseId ? {} : { warehouseId }) });
    const rest = withoutSources(line);
    if (ordered.length === 1 && ordered[0]![0] === order.warehouseId) return rest;
    return { ...rest, sources: ordered.map(([warehouseId, units]) => ({ warehouseId, quantity: qtyText(units) })) };
  });
  return { lines, parts };
}

/** A copy of a line without its `sources` (a plain spread when it has none: an object rest pattern costs a runtime call). */
function withoutSources(line: OrderLine): OrderLine {
  if (!Object.hasOwn(line, "sources")) return { ...line };
  const { sources: _old, ...rest } = line;
  void _old;
  return rest;
}

/**
 * The default policy's answer without asking it, when the order's warehouse alone has what
 * the order wants of every SKU: then {@link preferredWarehouseFirst} places each line wholly
 * there, whatever the other warehouses have, so they are not read. Undefined (ask the
 * policy) for a host's policy, without the one-warehouse seam, or when the warehouse falls short.
 */
async function coveredAtOrderWarehouse(
  ctx: CommandContext,
  settings: SalesSettings,
  order: OrderDoc,
  wanted: readonly OrderLine[],
  quantities: ReadonlyMap<string, bigint>,
  own: ReadonlyMap<string, bigint>,
): Promise<{ lines: OrderLine[]; parts: SourcedPart[] } | undefined> {
  const availableAt = settings.seams.availableAt;
  if (settings.sourcing !== preferredWarehouseFirst || settings.seams.availability === undefined || availableAt === undefined || wanted.length === 0) return undefined;
  const need = new Map<string, bigint>();
  for (const l of wanted) need.set(l.sku, (need.get(l.sku) ?? 0n) + quantities.get(l.lineId)!);
  const here = await availableAt(ctx.tx, [...need.keys()], order.warehouseId);
  if (here === undefined) return undefined;
  for (const [sku, units] of need) {
    const available = here.get(sku);
    if (available === undefined || qty(available) + (own.get(`${sku}\u0000${order.warehouseId}`) ?? 0n) < units) return undefined;
  }
  const parts: SourcedPart[] = [];
  const lines = order.lines.map((line) => {
    const units = quantities.get(line.lineId) ?? 0n;
    if (units <= 0n) return line;
    parts.push({ lineId: line.lineId, sku: line.sku, quantity: qtyText(units) });
    return withoutSources(line);
  });
  return { lines, parts };
}

/**
 * Splits a shipped quantity of a line over its sources (the units still to ship from each
 * warehouse, in order) and returns the parts and the line's sources after it.
 *
 * @example
 * ```ts
 * shipFromSources(line, "wh_main", 3_000000n); // { parts: [{ warehouseId: "wh_main", quantity: 3_000000n }], sources: undefined }
 * ```
 */
export function shipFromSources(line: OrderLine, orderWarehouse: string, units: bigint): { parts: { warehouseId: string; quantity: bigint }[]; sources: OrderLine["sources"] } {
  if (line.sources === undefined || line.sources.length === 0) return { parts: [{ warehouseId: orderWarehouse, quantity: units }], sources: line.sources };
  const parts: { warehouseId: string; quantity: bigint }[] = [];
  const after: { warehouseId: string; quantity: string }[] = [];
  let left = units;
  for (const source of line.sources) {
    const has = qty(source.quantity);
    const take = left < has ? left : has;
    if (take > 0n) parts.push({ warehouseId: source.warehouseId, quantity: take });
    left -= take;
    if (has - take > 0n) after.push({ warehouseId: source.warehouseId, quantity: qtyText(has - take) });
  }
  if (left > 0n) parts.push({ warehouseId: orderWarehouse, quantity: left });
  return { parts, sources: after };
}
