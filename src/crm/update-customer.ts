import { defineLibraryCommand } from "../runner/library.js";
import { CUSTOMERS, type CustomerDoc, activeCustomer, contactKeys, normaliseContacts, storedAddress, updateCustomerSchema, writeContactKeys } from "./customer.js";
import { defaultCountryOf } from "./options.js";

/**
 * Updates a customer: each field given replaces the stored one (an old, merged id resolves
 * to the customer it was merged into). Returns the customers now sharing a contact.
 *
 * @example
 * ```ts
 * await runtime.execute(updateCustomer, { customerId: "cus_1", phones: ["020 7946 0018"], tags: ["vip"] });
 * ```
 */
export const updateCustomer = defineLibraryCommand({
  name: "crm.updateCustomer",
  input: updateCustomerSchema,
  async handle(ctx, input) {
    const { doc, version } = await activeCustomer(ctx.tx, input.customerId);
    const contacts = normaliseContacts({ emails: input.emails ?? doc.emails.map((e) => e.address), phones: input.phones ?? doc.phones.map((p) => p.number) }, defaultCountryOf(ctx.options, input.defaultCountry));
    const next: CustomerDoc = {
      ...doc,
      name: input.name ?? doc.name,
      ...(input.emails ? { emails: contacts.emails } : {}),
      ...(input.phones ? { phones: contacts.phones } : {}),
      addresses: input.addresses ? input.addresses.map(storedAddress) : doc.addresses,
      tags: input.tags ? [...new Set(input.tags)] : doc.tags,
      groups: input.groups ? [...new Set(input.groups)] : doc.groups,
    };
    await ctx.tx.documents.put(CUSTOMERS, doc.customerId, next as never, version);
    const duplicates = await writeContactKeys(ctx.tx, doc.customerId, contactKeys(doc), contactKeys(next));
    return { result: { customerId: doc.customerId, duplicates } };
  },
});
