import { withArticle } from "../kernel/article.js";
import { StorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { PAYMENTS, type PaymentDoc } from "./order.js";

/**
 * The payment document already recorded under a provider id, as a replay decision: a
 * webhook delivered again with the same content returns the first result; other content
 * under the same id is DUPLICATE_DOCUMENT. The `optional` fields may be left out on either
 * delivery (the shop's call names the return or the amount, the provider's webhook does
 * not, or the other way round): what one side leaves out is not a difference. The amount
 * compared is the one recorded (a capture without an amount took what was left).
 */
export async function priorPayment(tx: Transaction, kind: PaymentDoc["kind"], paymentId: string, fingerprint: string, optional: readonly string[] = []): Promise<PaymentDoc | undefined> {
  const stored = await tx.documents.get<PaymentDoc & { [k: string]: never }>(PAYMENTS, `${kind}:${paymentId}`);
  if (stored === undefined) return undefined;
  const doc = stored.data as PaymentDoc;
  if (doc.fingerprint === fingerprint) return doc;
  const now = fieldsOf(fingerprint);
  const recorded = fieldsOf(doc.fingerprint);
  if (recorded.has("amount")) recorded.set("amount", doc.amount);
  const differing = [...new Set([...now.keys(), ...recorded.keys()])].filter((k) => {
    const a = now.get(k) ?? "";
    const b = recorded.get(k) ?? "";
    return a !== b && !(optional.includes(k) && (a === "" || b === ""));
  });
  if (differing.length > 0) {
    throw new StorekeepError("DUPLICATE_DOCUMENT", `${withArticle(kind, true)} ${paymentId} was already recorded with other content (${differing.map((k) => `${k}: ${recorded.get(k) || "none"}, now ${now.get(k) || "none"}`).join("; ")}); a provider id is used once.`, { paymentId, kind, differing });
  }
  return doc;
}

/** The fields of a fingerprint (ids and amounts hold neither & nor =). */
function fieldsOf(fingerprint: string): Map<string, string> {
  return new Map(fingerprint.split("&").map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)] as const));
}

/** The canonical content of a payment notification. */
export function fingerprintOf(fields: Readonly<Record<string, string | null | undefined>>): string {
  return Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k] ?? ""}`)
    .join("&");
}
