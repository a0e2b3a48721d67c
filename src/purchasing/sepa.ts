/**
 * SEPA credit transfers for supplier payments: the bank file (ISO 20022 `pain.001.001.09`, the
 * EPC rulebook's format since November 2025, or the older `pain.001.001.03`) that tells the shop's
 * bank to pay what `paySupplier` recorded.
 * IBANs are checked (ISO 13616 mod 97) where they are given: a supplier's bank account when it is
 * defined, the shop's account when a file is made.
 */
import { z } from "zod";
import { Decimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import { parseWith } from "../kernel/errors.js";
import { strictInput } from "../kernel/strict-input.js";
import type { Transaction } from "../ports/storage.js";
import type { SupplierBill } from "./bill.js";
import { EEA_COUNTRIES, SEPA_COUNTRIES, type PostalAddress, bicSchema, ibanSchema, postalAddressSchema } from "./bank-account.js";
import { BILLS, CLAIMS, SUPPLIERS, type Supplier } from "./supplier.js";

const messageIdSchema = z.string().min(1).max(35).regex(/^[A-Za-z0-9/\-?:().,'+ ]+$/, "may hold only letters, digits, spaces and /-?:().,'+");

/** The query of `sk.purchasing.sepaCreditTransfer`. */
export const sepaCreditTransferSchema = strictInput({
  /** The file's id (at most 35 characters); the bank refuses a second file with the same id. */
  messageId: messageIdSchema,
  /** The recorded supplier payments (`paySupplier`'s `paymentId`s) the file pays, in this order. */
  paymentIds: z.array(z.string().min(1).max(200)).min(1).max(10_000),
  /** The shop's account the money leaves from, the shop's name as the bank knows it and its address (needed when a payment leaves or enters the EEA). */
  debtor: strictInput({ name: z.string().min(1).max(140), iban: ibanSchema, bic: bicSchema.optional(), address: postalAddressSchema.optional() }),
  /** The day the bank is to pay. */
  executionDate: localDateSchema,
  /** One debit for the whole file on the shop's statement (true) or one per payment (false, the default). */
  batchBooking: z.boolean().optional(),
  /** The message version: `pain.001.001.09` (the default, the EPC rulebook's since November 2025) or the older `pain.001.001.03`. */
  version: z.enum(["pain.001.001.09", "pain.001.001.03"]).optional(),
});

/**
 * The query of `sk.purchasing.sepaCreditTransfer`: which recorded payments to pay, from which account, on which day.
 *
 * @example
 * ```ts
 * const q: SepaCreditTransferQuery = { messageId: "RUN-2026-03-10", paymentIds: ["sp_1"], debtor: { name: "Mugs & More GmbH", iban: "DE02120300000000202051" }, executionDate: "2026-03-11" };
 * ```
 */
export interface SepaCreditTransferQuery {
  /** The file's id (at most 35 SEPA characters); the bank refuses a second file with the same id. */
  readonly messageId: string;
  /** The recorded supplier payments (`paySupplier`'s `paymentId`s) the file pays, in this order. */
  readonly paymentIds: readonly string[];
  /**
   * The shop's account the money leaves from, the shop's name as the bank knows it, and its postal
   * address: required when the shop's account or a payee's is outside the EEA (EU Regulation
   * 2023/1113), written whenever given.
   */
  readonly debtor: { readonly name: string; readonly iban: string; readonly bic?: string; readonly address?: PostalAddress };
  /** The day the bank is to pay (on or after today). */
  readonly executionDate: string;
  /** One debit for the whole file on the shop's statement (true) or one per payment (false, the default). */
  readonly batchBooking?: boolean;
  /** `pain.001.001.09` (the default) or `pain.001.001.03`. */
  readonly version?: "pain.001.001.09" | "pain.001.001.03";
}

/**
 * One transfer of a SEPA file: the payment, the supplier and its account, the amount, and the
 * remittance text (the supplier's invoice numbers, else the bill ids).
 *
 * @example
 * ```ts
 * const t: SepaTransfer = { paymentId: "sp_1", supplierId: "sup_1", creditor: "Acme Ceramics", iban: "DE89370400440532013000", bic: null, amount: "116.62", remittance: "ACME-77" };
 * ```
 */
export interface SepaTransfer {
  readonly paymentId: string;
  readonly supplierId: string;
  readonly creditor: string;
  readonly iban: string;
  readonly bic: string | null;
  /** The payee's postal address (the supplier's bank account's), when it has one. */
  readonly address?: PostalAddress;
  readonly amount: string;
  readonly remittance: string;
}

/**
 * A SEPA credit transfer file: its id, the transfers, their number and sum (`controlSum`, EUR),
 * and the XML to upload to the bank (`pain.001.001.09` by default, or `pain.001.001.03`).
 *
 * @example
 * ```ts
 * const file: SepaCreditTransfer = await sk.purchasing.sepaCreditTransfer({ messageId: "RUN-1", paymentIds: ["sp_1"], debtor, executionDate: "2026-03-11" });
 * await writeFile("run-1.xml", file.xml);
 * ```
 */
export interface SepaCreditTransfer {
  readonly messageId: string;
  readonly version: "pain.001.001.09" | "pain.001.001.03";
  readonly createdAt: string;
  readonly executionDate: string;
  readonly transfers: readonly SepaTransfer[];
  readonly numberOfTransactions: number;
  readonly controlSum: string;
  readonly xml: string;
}

/**
 * Text as the SEPA character set allows it: accents dropped (é → e, ß → ss), anything else
 * outside letters, digits, spaces and /-?:().,'+ made a space, cut to `max` characters.
 *
 * @example
 * ```ts
 * sepaText("Müller & Söhne GmbH", 70); // "Muller   Sohne GmbH"
 * ```
 */
export function sepaText(text: string, max: number): string {
  return withoutAccents(text).replace(NOT_SEPA, " ").slice(0, max).trimEnd();
}

/** Characters outside the SEPA set (letters, digits, spaces and /-?:().,'+). */
const NOT_SEPA = /[^A-Za-z0-9/\-?:().,'+ ]/g;

/** Accents dropped (é → e, ß → ss). */
function withoutAccents(text: string): string {
  return text.replace(/ß/g, "ss").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

/**
 * Whether an IBAN's account is outside the EEA (its first two letters are the country): a SEPA
 * payment to or from it carries both parties' addresses.
 *
 * @example
 * ```ts
 * outsideEea("CH9300762011623852957"); // true
 * outsideEea("DE89370400440532013000"); // false
 * ```
 */
export function outsideEea(iban: string): boolean {
  return !EEA_COUNTRIES.has(iban.slice(0, 2).toUpperCase());
}

/** Whether SEPA carries `text` without blanking a character (accents may drop: é is e). */
function carriedWhole(text: string): boolean {
  return text.length > 0 && withoutAccents(text).replace(NOT_SEPA, "") === withoutAccents(text);
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

/**
 * The XML of a file's transfers (one payment information block, in EUR): `pain.001.001.09`
 * (the default), or `pain.001.001.03` (its execution date a bare date, its BICs `BIC` rather than
 * `BICFI`).
 *
 * @example
 * ```ts
 * const xml = sepaCreditTransferXml({ messageId: "RUN-1", createdAt: "2026-03-10T09:00:00", executionDate: "2026-03-11", debtor: { name: "Shop", iban: "DE02120300000000202051" }, batchBooking: false, transfers });
 * ```
 */
export function sepaCreditTransferXml(file: { readonly messageId: string; readonly createdAt: string; readonly executionDate: string; readonly debtor: { readonly name: string; readonly iban: string; readonly bic?: string | undefined; readonly address?: PostalAddress | undefined }; readonly batchBooking: boolean; readonly transfers: readonly SepaTransfer[]; readonly version?: "pain.001.001.09" | "pain.001.001.03" }): string {
  const version = file.version ?? "pain.001.001.09";
  const v3 = version === "pain.001.001.03";
  const sum = file.transfers.reduce((s, t) => s.plus(t.amount), new Decimal(0)).toFixed(2);
  const n = String(file.transfers.length);
  const t = (name: string, value: string) => `<${name}>${xmlEscape(value)}</${name}>`;
  // An optional field left with nothing the SEPA character set carries is left out (an empty element is refused).
  const optional = (name: string, value: string | undefined, max: number) => {
    const text = value === undefined ? "" : sepaText(value, max).trim();
    return text === "" ? "" : t(name, text);
  };
  // Structured, in the schema's order (the same in both versions): street, building number, post code, town, country.
  const address = (a: PostalAddress | undefined) =>
    a === undefined
      ? ""
      : `<PstlAdr>${optional("StrtNm", a.street, 70)}${optional("BldgNb", a.buildingNumber, 16)}${optional("PstCd", a.postCode, 16)}${t("TwnNm", sepaText(a.town, 35))}${t("Ctry", a.country)}</PstlAdr>`;
  const agent = (bic: string | null | undefined) => (bic ? `<FinInstnId>${t(v3 ? "BIC" : "BICFI", bic)}</FinInstnId>` : `<FinInstnId><Othr>${t("Id", "NOTPROVIDED")}</Othr></FinInstnId>`);
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${version}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
    `<CstmrCdtTrfInitn>`,
    `<GrpHdr>${t("MsgId", file.messageId)}${t("CreDtTm", file.createdAt)}${t("NbOfTxs", n)}${t("CtrlSum", sum)}<InitgPty>${t("Nm", sepaText(file.debtor.name, 70))}</InitgPty></GrpHdr>`,
    `<PmtInf>`,
    `${t("PmtInfId", file.messageId)}${t("PmtMtd", "TRF")}${t("BtchBookg", String(file.batchBooking))}${t("NbOfTxs", n)}${t("CtrlSum", sum)}`,
    `<PmtTpInf><SvcLvl>${t("Cd", "SEPA")}</SvcLvl></PmtTpInf>`,
    v3 ? t("ReqdExctnDt", file.executionDate) : `<ReqdExctnDt>${t("Dt", file.executionDate)}</ReqdExctnDt>`,
    `<Dbtr>${t("Nm", sepaText(file.debtor.name, 70))}${address(file.debtor.address)}</Dbtr>`,
    `<DbtrAcct><Id>${t("IBAN", file.debtor.iban)}</Id></DbtrAcct>`,
    `<DbtrAgt>${agent(file.debtor.bic)}</DbtrAgt>`,
    `${t("ChrgBr", "SLEV")}`,
    ...file.transfers.map(
      (x) =>
        `<CdtTrfTxInf><PmtId>${t("EndToEndId", sepaText(x.paymentId.replace(/_/g, "-"), 35))}</PmtId><Amt><InstdAmt Ccy="EUR">${new Decimal(x.amount).toFixed(2)}</InstdAmt></Amt>` +
        `${x.bic === null ? "" : `<CdtrAgt>${agent(x.bic)}</CdtrAgt>`}<Cdtr>${t("Nm", sepaText(x.creditor, 70))}${address(x.address)}</Cdtr><CdtrAcct><Id>${t("IBAN", x.iban)}</Id></CdtrAcct>` +
        `<RmtInf>${t("Ustrd", sepaText(x.remittance, 140))}</RmtInf></CdtTrfTxInf>`,
    ),
    `</PmtInf>`,
    `</CstmrCdtTrfInitn>`,
    `</Document>`,
  ];
  return `${lines.join("\n")}\n`;
}

interface PaymentClaim {
  readonly result: { readonly paymentId: string; readonly currency: string; readonly amount: string; readonly bills: readonly { readonly billId: string }[] };
}

/**
 * Builds the SEPA credit transfer file of recorded supplier payments (see
 * {@link SepaCreditTransfer}); the query is checked first (`VALIDATION_FAILED` naming the field).
 * A payment not recorded is `NOT_FOUND`; one not in euro, or to a supplier without a bank account
 * (`defineSupplier({ ..., bank })`), is `VALIDATION_FAILED` naming it.
 *
 * @example
 * ```ts
 * const file = await runtime.read((tx) => sepaCreditTransferOf(tx, query, { createdAt: "2026-03-10T09:00:00Z", today: "2026-03-10" }));
 * ```
 */
export async function sepaCreditTransferOf(tx: Transaction, query: unknown, at: { readonly createdAt: string; readonly today: string; readonly sepaCountries?: ReadonlySet<string> }): Promise<SepaCreditTransfer> {
  const q = parseWith(sepaCreditTransferSchema, query, "purchasing.sepaCreditTransfer query");
  const { createdAt, today } = at;
  const sepaCountries = at.sepaCountries ?? SEPA_COUNTRIES;
  const outsideSepa = (iban: string) => !sepaCountries.has(iban.slice(0, 2).toUpperCase());
  const notSepa = "is outside the SEPA schemes' scope; pay it by another channel, or add the country to purchasing.sepaCountries once its banks take part in SEPA";
  if (outsideSepa(q.debtor.iban)) {
    throw new StorekeepError("VALIDATION_FAILED", `debtor.iban's country (${q.debtor.iban.slice(0, 2)}) ${notSepa}.`, { issues: [{ path: "debtor.iban", message: "outside SEPA", code: "custom" }] });
  }
  if (q.executionDate < today) throw new StorekeepError("VALIDATION_FAILED", `executionDate ${q.executionDate} is in the past (today is ${today}); a bank executes a file on or after the day it gets it.`, { issues: [{ path: "executionDate", message: `on or after ${today}`, code: "custom" }] });
  if (new Set(q.paymentIds).size !== q.paymentIds.length) throw new StorekeepError("VALIDATION_FAILED", "A payment appears twice in paymentIds; name each payment once.", { issues: [{ path: "paymentIds", message: "duplicate", code: "custom" }] });
  // A name or town written only in a script SEPA does not carry (Cyrillic, Greek, Chinese) would be an empty element the bank refuses.
  const carried = (text: string, max: number, path: string, fix: string): void => {
    if (sepaText(text, max).trim() === "") {
      throw new StorekeepError("VALIDATION_FAILED", `${path} "${text}" holds no character a SEPA file can carry (Latin letters, digits, spaces and /-?:().,'+); ${fix}.`, { issues: [{ path, message: "nothing SEPA can carry", code: "custom" }] });
    }
  };
  carried(q.debtor.name, 70, "debtor.name", "give the shop's name in Latin letters");
  if (q.debtor.address !== undefined) carried(q.debtor.address.town, 35, "debtor.address.town", "give the town in Latin letters");
  const transfers: SepaTransfer[] = [];
  for (const [i, paymentId] of q.paymentIds.entries()) {
    const claim = (await tx.documents.get<never>(CLAIMS, `payment:${paymentId}`))?.data as PaymentClaim | undefined;
    if (claim === undefined) throw new StorekeepError("NOT_FOUND", `No supplier payment ${paymentId}; record it with purchasing.paySupplier first.`, { paymentId });
    const payment = claim.result;
    const bad = (message: string): never => {
      throw new StorekeepError("VALIDATION_FAILED", `paymentIds[${i}] ${paymentId} ${message}.`, { issues: [{ path: `paymentIds[${i}]`, message, code: "custom" }] });
    };
    if (payment.currency !== "EUR") bad(`is in ${payment.currency}; a SEPA credit transfer pays euro only (pay it by another channel)`);
    const bills: SupplierBill[] = [];
    for (const b of payment.bills) {
      const bill = (await tx.documents.get<SupplierBill>(BILLS, b.billId))?.data;
      if (bill !== undefined) bills.push(bill);
    }
    const supplierId = bills[0]?.supplierId;
    const supplier = supplierId === undefined ? undefined : (await tx.documents.get<Supplier>(SUPPLIERS, supplierId))?.data;
    if (supplier === undefined) return bad("names no bill of a known supplier");
    const bank = supplier.bank;
    if (bank === undefined) return bad(`pays ${supplier.supplierId}, which has no bank account; give it one with purchasing.defineSupplier({ ..., bank: { iban } })`);
    if (outsideSepa(bank.iban)) bad(`pays ${supplier.supplierId} into an account in ${bank.iban.slice(0, 2)}, which ${notSepa}`);
    if (outsideEea(bank.iban) && bank.address === undefined) {
      bad(`pays ${supplier.supplierId} into an account outside the EEA (${bank.iban.slice(0, 2)}), for which a SEPA payment must carry the payee's postal address; give its bank account one with purchasing.defineSupplier({ ..., bank: { iban, address: { town, country, street?, buildingNumber?, postCode? } } })`);
    }
    const creditor = bank.name ?? supplier.name ?? supplier.supplierId;
    const fix = `give ${supplier.supplierId}'s bank account a name and address in Latin letters with purchasing.defineSupplier({ ..., bank: { iban, name, address } })`;
    carried(creditor, 70, `paymentIds[${i}] (${supplier.supplierId}'s account holder)`, fix);
    if (bank.address !== undefined) carried(bank.address.town, 35, `paymentIds[${i}] (${supplier.supplierId}'s town)`, fix);
    transfers.push({
      paymentId,
      supplierId: supplier.supplierId,
      creditor,
      iban: bank.iban,
      bic: bank.bic ?? null,
      ...(bank.address === undefined ? {} : { address: bank.address }),
      amount: new Decimal(payment.amount).toFixed(2),
      // A supplier's invoice number SEPA cannot carry whole (a character it would blank) gives way to the bill's id.
      remittance: bills.map((b) => (b.supplierReference != null && carriedWhole(b.supplierReference) ? b.supplierReference : b.billId)).join(", "),
    });
  }
  // Outside the EEA on either side, the payer's address travels with the money too.
  const crossing = outsideEea(q.debtor.iban) ? q.debtor.iban : transfers.find((x) => outsideEea(x.iban))?.iban;
  if (crossing !== undefined && q.debtor.address === undefined) {
    throw new StorekeepError("VALIDATION_FAILED", `The file pays ${crossing === q.debtor.iban ? "from" : "into"} an account outside the EEA (${crossing.slice(0, 2)}), for which a SEPA payment must carry the payer's postal address; pass debtor.address ({ town, country, street?, buildingNumber?, postCode? }).`, {
      issues: [{ path: "debtor.address", message: "required outside the EEA", code: "custom" }],
    });
  }
  const controlSum = transfers.reduce((s, t) => s.plus(t.amount), new Decimal(0)).toFixed(2);
  const batchBooking = q.batchBooking ?? false;
  const version = q.version ?? "pain.001.001.09";
  return {
    messageId: q.messageId,
    version,
    createdAt,
    executionDate: q.executionDate,
    transfers,
    numberOfTransactions: transfers.length,
    controlSum,
    xml: sepaCreditTransferXml({ messageId: q.messageId, createdAt, executionDate: q.executionDate, debtor: q.debtor, batchBooking, transfers, version }),
  };
}
