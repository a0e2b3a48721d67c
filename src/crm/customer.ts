/**
 * The customer document, its input schemas and CRM's collections. Personal data (names,
 * e-mails, phones, addresses, free text) lives only here and in the timeline.
 */
import { z } from "zod";
import type { Transaction } from "../ports/storage.js";
import { StorekeepError } from "../kernel/errors.js";
import { normaliseEmail, normalisePhone } from "./contacts.js";
import { strictInput } from "../kernel/strict-input.js";

/** Collections (names are part of the stored format). */
export const CUSTOMERS = "crm.customers";
export const CONTACT_KEYS = "crm.contactKeys";
export const ALIASES = "crm.aliases";
export const TIMELINE = "crm.timeline";
export const ORDERS = "crm.orders";
export const SEGMENTS = "crm.segments";
export const CAMPAIGNS = "crm.campaigns";
/** One record per merged customer (id = the source): what the merge changed, so `unmergeCustomer` can undo it. */
export const MERGES = "crm.merges";

const id = z.string().min(1).max(200).regex(/^[^|\u0000]+$/, "may not contain | or NUL");
const text = z.string().max(2000);

/**
 * A postal address of a customer.
 *
 * @example
 * ```ts
 * import type { CustomerAddress } from "storekeep";
 * const a: CustomerAddress = { label: "home", lines: ["1 High St"], city: "Leeds", postalCode: "LS1 1AA", region: null, country: "GB" };
 * ```
 */
export type CustomerAddress = {
  readonly label: string | null;
  readonly lines: readonly string[];
  readonly city: string | null;
  readonly postalCode: string | null;
  readonly region: string | null;
  readonly country: string | null;
};

/** Stored form of an address input (absent fields become null). */
export function storedAddress(a: { label?: string | undefined; lines: readonly string[]; city?: string | undefined; postalCode?: string | undefined; region?: string | undefined; country?: string | undefined }): CustomerAddress {
  return { label: a.label ?? null, lines: [...a.lines], city: a.city ?? null, postalCode: a.postalCode ?? null, region: a.region ?? null, country: a.country ?? null };
}

export const addressSchema = strictInput({
  label: z.string().max(40).optional(),
  lines: z.array(text).max(5),
  city: z.string().max(200).optional(),
  postalCode: z.string().max(40).optional(),
  region: z.string().max(200).optional(),
  country: z.string().max(2).optional(),
});

const contactFields = {
  name: z.string().min(1).max(400).optional(),
  emails: z.array(z.string().min(3).max(320)).max(20).optional(),
  phones: z.array(z.string().min(3).max(40)).max(20).optional(),
  addresses: z.array(addressSchema).max(20).optional(),
  tags: z.array(z.string().min(1).max(100)).max(100).optional(),
  groups: z.array(z.string().min(1).max(100)).max(100).optional(),
  /** ISO country for national phone numbers (default: the module's `defaultCountry`). */
  defaultCountry: z.string().length(2).optional(),
};

export const createCustomerSchema = strictInput({ customerId: id.optional(), ...contactFields });
export const updateCustomerSchema = strictInput({ customerId: id, ...contactFields });

/**
 * A consent decision for one channel. `id` is the id of the command that recorded it (absent
 * on decisions recorded before it was kept): it tells two decisions alike in every field apart,
 * so `unmergeCustomer` takes from the target exactly the source's decisions and never one
 * recorded on the merged customer that happens to look the same.
 */
export type ConsentRecord = {
  readonly id?: string;
  readonly channel: string;
  readonly granted: boolean;
  readonly at: string;
  readonly source: string;
};

/** The stored customer document. */
export type CustomerDoc = {
  readonly customerId: string;
  readonly status: "active" | "merged" | "erased";
  readonly name: string | null;
  readonly emails: readonly { readonly address: string; readonly normalised: string }[];
  readonly phones: readonly { readonly number: string; readonly e164: string }[];
  readonly addresses: readonly CustomerAddress[];
  readonly tags: readonly string[];
  readonly groups: readonly string[];
  readonly consent: readonly ConsentRecord[];
  readonly mergedInto: string | null;
  readonly createdAt: string;
};

/** Normalised contacts from input (throws VALIDATION_FAILED naming the bad one). */
export function normaliseContacts(input: { emails?: readonly string[] | undefined; phones?: readonly string[] | undefined }, country: string): Pick<CustomerDoc, "emails" | "phones"> {
  const emails: { address: string; normalised: string }[] = [];
  for (const address of input.emails ?? []) {
    const normalised = normaliseEmail(address);
    if (!emails.some((e) => e.normalised === normalised)) emails.push({ address: address.trim(), normalised });
  }
  const phones: { number: string; e164: string }[] = [];
  for (const number of input.phones ?? []) {
    const e164 = normalisePhone(number, country);
    if (!phones.some((p) => p.e164 === e164)) phones.push({ number: number.trim(), e164 });
  }
  return { emails, phones };
}

/** The duplicate-detection keys of a customer. */
export function contactKeys(doc: Pick<CustomerDoc, "emails" | "phones">): string[] {
  return [...doc.emails.map((e) => `email:${e.normalised}`), ...doc.phones.map((p) => `phone:${p.e164}`)];
}

/** Replaces a customer's contact keys; returns the other active customers sharing one. */
export async function writeContactKeys(tx: Transaction, customerId: string, before: readonly string[], after: readonly string[]): Promise<string[]> {
  for (const key of before) {
    if (after.includes(key)) continue;
    const doc = await tx.documents.get(CONTACT_KEYS, `${customerId}|${key}`);
    if (doc) await tx.documents.delete(CONTACT_KEYS, doc.id, doc.version);
  }
  for (const key of after) {
    if (before.includes(key)) continue;
    const existing = await tx.documents.get(CONTACT_KEYS, `${customerId}|${key}`);
    if (!existing) await tx.documents.put(CONTACT_KEYS, `${customerId}|${key}`, { key, customerId }, 0);
  }
  return duplicatesOf(tx, customerId, after);
}

/** Other customers holding any of `keys`. */
export async function duplicatesOf(tx: Transaction, customerId: string, keys: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const key of keys) {
    const docs = await tx.documents.find<{ key: string; customerId: string }>(CONTACT_KEYS, { index: "byKey", equals: [key], limit: 1000 });
    for (const d of docs) if (d.data.customerId !== customerId) found.add(d.data.customerId);
  }
  return [...found].sort();
}

/** Follows the alias table to the customer an id now means (merges chain). */
export async function resolveCustomerId(tx: Transaction, customerId: string): Promise<string> {
  let current = customerId;
  for (let hop = 0; hop < 100; hop++) {
    const alias = await tx.documents.get<{ customerId: string }>(ALIASES, current);
    if (!alias) return current;
    current = alias.data.customerId;
  }
  return current;
}

/** The active customer an id resolves to, locked for update; NOT_FOUND or INVALID_TRANSITION otherwise. */
export async function activeCustomer(tx: Transaction, customerId: string): Promise<{ doc: CustomerDoc; version: number }> {
  const resolved = await resolveCustomerId(tx, customerId);
  const stored = await tx.documents.getForUpdate<CustomerDoc>(CUSTOMERS, resolved);
  if (!stored) throw new StorekeepError("NOT_FOUND", `Customer ${customerId} does not exist; create it with crm.createCustomer first.`, { customerId });
  if (stored.data.status === "erased") throw new StorekeepError("INVALID_TRANSITION", `Customer ${customerId} was erased; its personal data cannot be changed or used again.`, { customerId });
  return { doc: stored.data, version: stored.version };
}

/** A timeline entry. */
export type TimelineEntry = {
  readonly entryId: string;
  readonly customerId: string;
  /** ISO instant. */
  readonly at: string;
  /** `order`, `payment`, `invoice`, `refund`, `credit-note`, `return`, `shipment`, `reminder` (a dunning notice), or a shop record: `message`, `ticket`, `campaign-touch`, `note`. */
  readonly kind: string;
  readonly source: "event" | "shop";
  readonly eventType: string | null;
  readonly orderId: string | null;
  readonly amount: { readonly amount: string; readonly currency: string } | null;
  readonly channel: string | null;
  readonly campaignId: string | null;
  readonly subject: string | null;
  readonly body: string | null;
  readonly redacted: boolean;
};
