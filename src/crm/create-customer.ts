import { defineLibraryCommand } from "../runner/library.js";
import { StorekeepError } from "../kernel/errors.js";
import { CUSTOMERS, type CustomerDoc, contactKeys, createCustomerSchema, storedAddress, normaliseContacts, writeContactKeys } from "./customer.js";
import { defaultCountryOf } from "./options.js";

/**
 * Creates a customer with contacts, addresses, tags and groups. E-mails are matched
 * NFKC-normalised and case-folded, phones in E.164; the result names the existing
 * customers sharing any of them (`duplicates`). Returns ids only, never personal data.
 *
 * @example
 * ```ts
 * const { customerId, duplicates } = await runtime.execute(createCustomer, { name: "Ann Lee", emails: ["ann@example.com"] });
 * ```
 */
export const createCustomer = defineLibraryCommand({
  name: "crm.createCustomer",
  input: createCustomerSchema,
  async handle(ctx, input) {
    const customerId = input.customerId ?? ctx.ids.next("cus");
    const existing = await ctx.tx.documents.get(CUSTOMERS, customerId);
    if (existing) throw new StorekeepError("ALREADY_EXISTS", `Customer ${customerId} already exists; use crm.updateCustomer to change it.`, { customerId });
    const contacts = normaliseContacts(input, defaultCountryOf(ctx.options, input.defaultCountry));
    const doc: CustomerDoc = {
      customerId,
      status: "active",
      name: input.name ?? null,
      ...contacts,
      addresses: (input.addresses ?? []).map(storedAddress),
      tags: [...new Set(input.tags ?? [])],
      groups: [...new Set(input.groups ?? [])],
      consent: [],
      mergedInto: null,
      createdAt: ctx.now.toISOString(),
    };
    await ctx.tx.documents.put(CUSTOMERS, customerId, doc as never, 0);
    const duplicates = await writeContactKeys(ctx.tx, customerId, [], contactKeys(doc));
    return { result: { customerId, duplicates } };
  },
});
