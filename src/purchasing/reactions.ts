/**
 * Purchasing's reactions: what it must follow of other modules' events, atomically with them.
 */
import type { z } from "zod";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import type { creditAllocatedSchema, openItemWrittenOffSchema } from "../finance/events.js";
import type { Reaction } from "../runner/command.js";
import { lockDocuments } from "../runner/batch-documents.js";
import type { SupplierBill } from "./bill.js";
import { BILLS } from "./supplier.js";

type Payload = z.infer<typeof creditAllocatedSchema>;
type WriteOffPayload = z.infer<typeof openItemWrittenOffSchema>;

/**
 * `CreditAllocated` on payables (`sk.finance.allocate`: a debit note, an advance or an
 * over-payment applied to bills): each bill purchasing keeps takes what the credit paid of it as
 * `credited`, so its open amount (`billOpen`), `billsToPay` and `paySupplier`'s default amount
 * are finance's. Bills purchasing does not keep (recorded as host events) are left to finance.
 *
 * `OpenItemWrittenOff` on payables of a bill (`sk.finance.writeOff`: a small difference left on it)
 * adds to its `writtenOff`; `OpenItemWriteOffUndone` takes it back.
 *
 * @example
 * ```ts
 * const module = { name: "purchasing", registry: PURCHASING_REGISTRY, reactions: purchasingReactions() };
 * ```
 */
export function purchasingReactions(): readonly Reaction[] {
  return [
    {
      name: "purchasing.followAllocations",
      on: ["CreditAllocated"],
      async handle(ctx, event) {
        const p = event.payload as unknown as Payload;
        if (p.ledger !== "payables") return;
        const billed = p.documents.filter((d) => d.documentType === "bill" || d.documentType === "landed-cost");
        if (billed.length === 0) return;
        const docs = new Map((await lockDocuments<SupplierBill>(ctx.tx, BILLS, billed.map((d) => d.documentId))).map((doc) => [doc.id, doc]));
        for (const d of billed) {
          const doc = docs.get(d.documentId);
          if (doc === undefined || doc.data.currency !== d.amount.currency) continue;
          const credited = new Decimal(doc.data.credited ?? "0").plus(d.amount.amount);
          await ctx.tx.documents.put(BILLS, d.documentId, { ...doc.data, credited: canonicalDecimal(credited) } as never, doc.version);
        }
      },
    },
    {
      name: "purchasing.followWriteOffs",
      on: ["OpenItemWrittenOff", "OpenItemWriteOffUndone"],
      async handle(ctx, event) {
        const p = event.payload as unknown as WriteOffPayload;
        if (p.ledger !== "payables" || p.side !== "document" || (p.document.documentType !== "bill" && p.document.documentType !== "landed-cost")) return;
        const doc = await ctx.tx.documents.getForUpdate<SupplierBill>(BILLS, p.document.documentId);
        if (doc === undefined || doc.data.currency !== p.amount.currency) return;
        const change = event.type === "OpenItemWrittenOff" ? new Decimal(p.amount.amount) : new Decimal(p.amount.amount).negated();
        const writtenOff = new Decimal(doc.data.writtenOff ?? "0").plus(change);
        const { writtenOff: _was, ...rest } = doc.data;
        await ctx.tx.documents.put(BILLS, doc.id, (writtenOff.isZero() ? rest : { ...rest, writtenOff: canonicalDecimal(writtenOff) }) as never, doc.version);
      },
    },
  ];
}
