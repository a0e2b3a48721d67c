import { defineLibraryCommand } from "../runner/library.js";
import { SUPPLIERS, type Supplier, defineSupplierSchema } from "./supplier.js";

/**
 * Defines a supplier or replaces its terms: currency, payment terms (net days and an
 * optional early-payment discount, on part payments too with `discountOnPartPayments`),
 * tax treatment, the lead time it states, and the bank account it is paid to (`bank: { iban,
 * bic?, name?, address? }`, the IBAN checked, the address needed to pay outside the EEA; see
 * `sepaCreditTransfer`).
 *
 * @example
 * ```ts
 * await runtime.execute(defineSupplier, { supplierId: "sup_1", currency: "USD", leadTimeDays: 14, paymentTerms: { netDays: 30 } });
 * ```
 */
export const defineSupplier = defineLibraryCommand({
  name: "purchasing.defineSupplier",
  input: defineSupplierSchema,
  async handle(ctx, input) {
    const existing = await ctx.tx.documents.get<Supplier>(SUPPLIERS, input.supplierId);
    const doc: Supplier = {
      supplierId: input.supplierId,
      name: input.name ?? null,
      currency: input.currency,
      paymentTerms: { netDays: input.paymentTerms?.netDays ?? 30, discountDays: input.paymentTerms?.discountDays ?? null, discountPercent: input.paymentTerms?.discountPercent ?? null, ...(input.paymentTerms?.discountOnPartPayments === true ? { discountOnPartPayments: true as const } : {}) },
      taxTreatment: input.taxTreatment ?? "standard",
      taxParty: input.taxParty ? { country: input.taxParty.country, ...(input.taxParty.region ? { region: input.taxParty.region } : {}), ...(input.taxParty.vatId ? { vatId: input.taxParty.vatId } : {}) } : null,
      leadTimeDays: input.leadTimeDays,
      ...(input.bank === undefined ? {} : { bank: { iban: input.bank.iban, ...(input.bank.bic === undefined ? {} : { bic: input.bank.bic }), ...(input.bank.name === undefined ? {} : { name: input.bank.name }), ...(input.bank.address === undefined ? {} : { address: input.bank.address }) } }),
    };
    await ctx.tx.documents.put(SUPPLIERS, input.supplierId, doc as never, existing?.version ?? 0);
    return { result: { supplierId: input.supplierId, created: existing === undefined } };
  },
});
