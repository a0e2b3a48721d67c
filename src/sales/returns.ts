import { z } from "zod";
import { BOUNDS } from "../kernel/bounds.js";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { decimalText } from "./inputs.js";
import { creditOrder } from "./documents.js";
import { type OrderDoc, RETURNS, type ReturnDoc, bump, loadOrder, qty, qtyText, saveOrder, withHistory } from "./order.js";
import type { SalesSettings } from "./options.js";
import { allocateNumber } from "./numbers.js";
import { type ReturnState, nextReturnState } from "./state-machines.js";
import { strictInput } from "../kernel/strict-input.js";

const id = idSchema<string>();
export const requestReturnSchema = strictInput({
  orderId: id,
  returnId: id,
  lines: z.array(strictInput({ lineId: id, quantity: decimalText("positive", "quantity") })).min(1).max(BOUNDS.lines),
});

/**
 * Opens a return for shipped quantities (requested; nothing moves yet).
 *
 * @example
 * ```ts
 * await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret_1", lines: [{ lineId: "1", quantity: "1" }] });
 * ```
 */
export const requestReturn = defineLibraryCommand({
  name: "sales.requestReturn",
  input: requestReturnSchema,
  async handle(ctx, input) {
    const { order, version } = await loadOrder(ctx.tx, input.orderId);
    if ((await ctx.tx.documents.get(RETURNS, input.returnId)) !== undefined) throw new StorekeepError("DUPLICATE_DOCUMENT", `Return ${input.returnId} already exists.`, { returnId: input.returnId });
    let lines = order.lines;
    for (const [i, r] of input.lines.entries()) {
      if (input.lines.findIndex((x) => x.lineId === r.lineId) !== i) {
        throw new StorekeepError("VALIDATION_FAILED", `lines[${i}]: line ${r.lineId} is named twice; give each line once with the whole quantity returned.`, { lineId: r.lineId, issues: [{ path: `lines[${i}].lineId`, message: "repeated", code: "custom" }] });
      }
      const line = lines.find((l) => l.lineId === r.lineId);
      if (line === undefined) throw new StorekeepError("NOT_FOUND", `lines[${i}]: order ${order.orderId} has no line ${r.lineId}.`, { lineId: r.lineId });
      const open = qty(line.buckets.shipped) - qty(line.buckets.returned) - qty(line.buckets.returnRequested);
      if (qty(r.quantity) > open) throw new StorekeepError("VALIDATION_FAILED", `lines[${i}]: line ${r.lineId} has ${qtyText(open)} shipped and not yet returned, not ${r.quantity}.`, { lineId: r.lineId, open: qtyText(open), issues: [{ path: `lines[${i}].quantity`, message: "more than shipped and not returned", code: "custom" }] });
      lines = lines.map((l) => (l.lineId === r.lineId ? bump(l, "returnRequested", qty(r.quantity)) : l));
    }
    const doc: ReturnDoc = { returnId: input.returnId, orderId: order.orderId, state: "requested", lines: input.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity, disposition: null })), requestedAt: ctx.now.toISOString(), creditNoteId: null, refunded: "0" };
    await ctx.tx.documents.put(RETURNS, input.returnId, doc as never, 0);
    await saveOrder(ctx.tx, withHistory({ ...order, lines, returns: [...order.returns, input.returnId] }, ctx.now.toISOString(), "request-return", input.returnId), version);
    return { result: { returnId: input.returnId, state: "requested" } };
  },
});

export const receiveReturnSchema = strictInput({
  returnId: id,
  /** Per line: restock (back at the cost it left with) or write off (damaged). Default: restock every line. */
  dispositions: z.array(strictInput({ lineId: id, disposition: z.enum(["restock", "write-off"]), locationId: id.optional() })).max(BOUNDS.lines).optional(),
});

async function loadReturn(ctx: { tx: import("../ports/storage.js").Transaction }, returnId: string): Promise<{ doc: ReturnDoc; version: number }> {
  const stored = await ctx.tx.documents.getForUpdate<ReturnDoc & { [k: string]: never }>(RETURNS, returnId);
  if (stored === undefined) throw new StorekeepError("NOT_FOUND", `Return ${returnId} does not exist; open it with sales.requestReturn first.`, { returnId });
  return { doc: stored.data as ReturnDoc, version: stored.version };
}

/** The content of a receipt of a return: each of its lines' disposition (and location), as "line 1: restock, line 2: write-off". */
function receiveContent(doc: ReturnDoc, dispositions: z.infer<typeof receiveReturnSchema>["dispositions"]): string {
  return doc.lines
    .map((l) => {
      const d = dispositions?.find((x) => x.lineId === l.lineId);
      return `line ${l.lineId}: ${d?.disposition ?? "restock"}${d?.locationId === undefined ? "" : ` at ${d.locationId}`}`;
    })
    .concat((dispositions ?? []).filter((d, i, all) => !doc.lines.some((l) => l.lineId === d.lineId) || all.findIndex((x) => x.lineId === d.lineId) !== i).map((d) => `also line ${d.lineId}: ${d.disposition}`))
    .join(", ");
}

/** A return's credit notes, oldest first (one per invoice its goods were billed on). */
function creditNotesOf(doc: ReturnDoc): string[] {
  return doc.creditNoteIds !== undefined ? [...doc.creditNoteIds] : doc.creditNoteId === null ? [] : [doc.creditNoteId];
}

/**
 * Receives returned goods: `ReturnReceived` makes inventory restock at the cost they left
 * with or write damaged units off; an invoiced order gets a credit note mirroring the
 * invoice for the returned quantities (goods billed on several invoices: one credit note per
 * invoice, each at its rate; `creditNoteId` is the first, `creditNoteIds` all of them). Receiving it again with the same dispositions (a
 * replay, under any idempotency key) returns the first result with no second effect; other
 * dispositions are `DUPLICATE_DOCUMENT`.
 *
 * @example
 * ```ts
 * await sk.sales.receiveReturn({ returnId: "ret_1", dispositions: [{ lineId: "1", disposition: "write-off" }] });
 * ```
 */
export function receiveReturnCommand(settings: SalesSettings) {
  return defineLibraryCommand({
    name: "sales.receiveReturn",
    input: receiveReturnSchema,
    async handle(ctx, input) {
      const { doc, version: returnVersion } = await loadReturn(ctx, input.returnId);
      // Received already: the same dispositions (a replayed warehouse or webhook call, any idempotency key) get the first result; other ones are refused.
      const receivedWith = receiveContent(doc, input.dispositions);
      if (doc.receivedWith !== undefined) {
        if (doc.receivedWith === receivedWith) return { result: { returnId: doc.returnId, state: "received" as ReturnState, creditNoteId: doc.creditNoteId, creditNoteIds: creditNotesOf(doc) } };
        throw new StorekeepError("DUPLICATE_DOCUMENT", `Return ${doc.returnId} was already received (${doc.receivedWith}), not as ${receivedWith}; a return is received once.`, { returnId: doc.returnId, received: doc.receivedWith });
      }
      await ctx.periodLocks?.assertOpen(ctx.tx, "sales", ctx.today);
      const state = nextReturnState(doc.state, "receive", `Return ${doc.returnId}`);
      const { order, version } = await loadOrder(ctx.tx, doc.orderId);
      // A disposition for a line the return does not hold would be dropped silently (damaged goods restocked): refuse it.
      const seen = new Set<string>();
      for (const [i, d] of (input.dispositions ?? []).entries()) {
        if (!doc.lines.some((l) => l.lineId === d.lineId)) {
          throw new StorekeepError("VALIDATION_FAILED", `dispositions[${i}]: return ${doc.returnId} has no line ${d.lineId}; its lines are ${doc.lines.map((l) => l.lineId).join(", ")}.`, { returnId: doc.returnId, issues: [{ path: `dispositions[${i}].lineId`, message: `one of ${doc.lines.map((l) => l.lineId).join(", ")}`, code: "custom" }] });
        }
        if (seen.has(d.lineId)) throw new StorekeepError("VALIDATION_FAILED", `dispositions[${i}]: line ${d.lineId} has a disposition already; give one per line.`, { issues: [{ path: `dispositions[${i}].lineId`, message: "repeated", code: "custom" }] });
        seen.add(d.lineId);
      }
      const dispositionOf = (lineId: string) => input.dispositions?.find((d) => d.lineId === lineId);
      let lines = order.lines;
      const credit = new Map<string, bigint>();
      for (const r of doc.lines) {
        const q = qty(r.quantity);
        const d = dispositionOf(r.lineId)?.disposition ?? "restock";
        lines = lines.map((l) => (l.lineId === r.lineId ? bump(bump(bump(l, "returnRequested", -q), "returned", q), d === "restock" ? "restocked" : "writtenOff", q) : l));
        const line = lines.find((l) => l.lineId === r.lineId)!;
        // A line the return names twice (a return requested before that was refused) is credited for both.
        const planned = credit.get(r.lineId) ?? 0n;
        const creditable = qty(line.buckets.invoiced) - qty(line.buckets.credited) - planned;
        credit.set(r.lineId, planned + (q < creditable ? q : creditable));
      }
      let next: OrderDoc = { ...order, lines };
      const events: NewEvent[] = [
        {
          type: "ReturnReceived",
          aggregateType: "order",
          aggregateId: order.orderId,
          effectiveDate: ctx.today,
          payload: {
            returnId: doc.returnId,
            orderId: order.orderId,
            warehouseId: order.warehouseId,
            lines: doc.lines.map((r) => {
              const d = dispositionOf(r.lineId);
              return { lineId: r.lineId, sku: order.lines.find((l) => l.lineId === r.lineId)!.sku, quantity: r.quantity, disposition: d?.disposition ?? "restock", ...(d?.locationId === undefined ? {} : { locationId: d.locationId }) };
            }),
          },
        },
      ];
      // One credit note per invoice the goods were billed on, each mirroring it (its rate, its figures).
      let creditNoteIds: string[] = [];
      if ([...credit.values()].some((q) => q > 0n)) {
        const credited = await creditOrder(next, credit, { today: ctx.today, includeShipping: false, reason: "return", returnId: doc.returnId, nextNumber: () => allocateNumber(ctx, settings, "credit-note") });
        next = credited.order;
        events.push(...credited.events);
        creditNoteIds = credited.creditNoteIds;
      }
      const creditNoteId = creditNoteIds[0] ?? null;
      await ctx.tx.documents.put(RETURNS, doc.returnId, { ...doc, state, creditNoteId, ...(creditNoteIds.length > 1 ? { creditNoteIds } : {}), receivedWith, lines: doc.lines.map((r) => ({ ...r, disposition: dispositionOf(r.lineId)?.disposition ?? "restock" })) } as never, returnVersion);
      await saveOrder(ctx.tx, withHistory(next, ctx.now.toISOString(), "receive-return", doc.returnId), version);
      return { result: { returnId: doc.returnId, state, creditNoteId, creditNoteIds }, events };
    },
  });
}

export const rejectReturnSchema = strictInput({ returnId: id });

/**
 * Rejects a requested return (the goods stay with the customer).
 *
 * @example
 * ```ts
 * await sk.sales.rejectReturn({ returnId: "ret_1" });
 * ```
 */
export const rejectReturn = defineLibraryCommand({
  name: "sales.rejectReturn",
  input: rejectReturnSchema,
  async handle(ctx, input) {
    const { doc, version: returnVersion } = await loadReturn(ctx, input.returnId);
    const state = nextReturnState(doc.state, "reject", `Return ${doc.returnId}`);
    const { order, version } = await loadOrder(ctx.tx, doc.orderId);
    let lines = order.lines;
    for (const r of doc.lines) lines = lines.map((l) => (l.lineId === r.lineId ? bump(l, "returnRequested", -qty(r.quantity)) : l));
    await ctx.tx.documents.put(RETURNS, doc.returnId, { ...doc, state } as never, returnVersion);
    await saveOrder(ctx.tx, withHistory({ ...order, lines }, ctx.now.toISOString(), "reject-return", doc.returnId), version);
    return { result: { returnId: doc.returnId, state } };
  },
});
