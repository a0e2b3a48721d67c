import { StorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { PAYMENTS, type PaymentDoc } from "./order.js";

/**
 * The payment document already recorded under a provider id, as a replay decision: a
 * webhook delivered again with the same content returns the first result; other content
 * under the same id is DUPLICATE_DOCUMENT.
 */
export async function priorPayment(tx: Transaction, kind: PaymentDoc["kind"], paymentId: string, fingerprint: string): Promise<PaymentDoc | undefined> {
  const stored = await tx.documents.get<PaymentDoc & { [k: string]: never }>(PAYMENTS, `${kind}:${paymentId}`);
  if (stored === undefined) return undefined;
  const doc = stored.data as PaymentDoc;
  if (doc.fingerprint !== fingerprint) {
    throw new StorekeepError("DUPLICATE_DOCUMENT", `A ${kind} ${paymentId} was already recorded with other content; a provider id is used once.`, { paymentId, kind });
  }
  return doc;
}

/** The canonical content of a payment notification. */
export function fingerprintOf(fields: Readonly<Record<string, string | null | undefined>>): string {
  return Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k] ?? ""}`)
    .join("&");
}
