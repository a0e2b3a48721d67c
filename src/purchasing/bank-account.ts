/**
 * Bank accounts of suppliers (and of the shop, in a SEPA file): IBANs checked as ISO 13616 says
 * (mod 97), BICs by their shape.
 */
import { z } from "zod";
import { strictInput } from "../kernel/strict-input.js";

/**
 * Whether `iban` is a well-formed IBAN (spaces allowed, any case): a country code, two check
 * digits, 11 to 30 letters and digits, and the ISO 13616 check (the number mod 97 is 1).
 *
 * @example
 * ```ts
 * isValidIban("DE89 3704 0044 0532 0130 00"); // true
 * isValidIban("DE88 3704 0044 0532 0130 00"); // false: the check digits do not match
 * ```
 */
export function isValidIban(iban: string): boolean {
  const compact = iban.replace(/ /g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const moved = compact.slice(4) + compact.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rest === 1;
}

/** An IBAN, given with or without spaces in any case, kept compact in capitals. */
export const ibanSchema = z
  .string()
  .max(50)
  .transform((s) => s.replace(/ /g, "").toUpperCase())
  .refine(isValidIban, { message: "is not a valid IBAN (country code, check digits, account; the check digits must match)" });

/** A BIC (8 or 11 characters), kept in capitals. */
export const bicSchema = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .refine((s) => /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(s), { message: "is not a valid BIC (8 or 11 letters and digits, such as COBADEFFXXX)" });

/**
 * A postal address as a SEPA file carries it (structured, as the EPC rulebook asks since
 * November 2025): the town and the country (ISO 3166 alpha-2) always, the street, building
 * number and post code where there are.
 *
 * @example
 * ```ts
 * const address: PostalAddress = { street: "Bahnhofstrasse", buildingNumber: "10", postCode: "8001", town: "Zurich", country: "CH" };
 * ```
 */
export type PostalAddress = {
  readonly street?: string;
  readonly buildingNumber?: string;
  readonly postCode?: string;
  readonly town: string;
  readonly country: string;
};

export const postalAddressSchema = strictInput({
  street: z.string().min(1).max(70).exactOptional(),
  buildingNumber: z.string().min(1).max(16).exactOptional(),
  postCode: z.string().min(1).max(16).exactOptional(),
  town: z.string().min(1).max(35),
  country: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166 country code of two capitals, such as CH"),
});

/**
 * The countries of the European Economic Area (EU, Iceland, Liechtenstein, Norway). A SEPA
 * payment to or from an account outside it (Switzerland, the United Kingdom, Monaco, San Marino,
 * Andorra, the Vatican, ...) must carry the payer's and the payee's postal addresses (EU
 * Regulation 2023/1113 on information accompanying transfers of funds).
 *
 * @example
 * ```ts
 * EEA_COUNTRIES.has("AT"); // true
 * EEA_COUNTRIES.has("CH"); // false
 * ```
 */
export const EEA_COUNTRIES: ReadonlySet<string> = new Set([
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
  "IS", "LI", "NO",
]);

/**
 * The IBAN countries inside the SEPA schemes' geographical scope (EPC409-09) as of 2026: the
 * EEA, and Albania, Andorra, Gibraltar, Moldova, Monaco, Montenegro, North Macedonia, San
 * Marino, Switzerland, the United Kingdom (Guernsey, Jersey and the Isle of Man bank with GB
 * IBANs) and the Vatican. The French overseas departments and collectivities and the Åland
 * Islands bank with French and Finnish IBANs. A SEPA credit transfer cannot pay into or from an
 * account elsewhere; the scope grows (Serbia applied): `purchasing.sepaCountries` adds more.
 *
 * @example
 * ```ts
 * SEPA_COUNTRIES.has("CH"); // true
 * SEPA_COUNTRIES.has("US"); // false
 * ```
 */
export const SEPA_COUNTRIES: ReadonlySet<string> = new Set([...EEA_COUNTRIES, "AD", "AL", "CH", "GB", "GI", "MC", "MD", "ME", "MK", "SM", "VA"]);

/**
 * A bank account to pay to or from: the IBAN, the BIC (optional inside SEPA), the account
 * holder's name when it is not the supplier's, and the holder's postal address (needed for a
 * SEPA payment to an account outside the EEA).
 *
 * @example
 * ```ts
 * const bank: BankAccount = { iban: "DE89370400440532013000", bic: "COBADEFFXXX" };
 * ```
 */
export type BankAccount = {
  readonly iban: string;
  readonly bic?: string;
  readonly name?: string;
  readonly address?: PostalAddress;
};

export const bankAccountSchema = strictInput({ iban: ibanSchema, bic: bicSchema.optional(), name: z.string().min(1).max(140).optional(), address: postalAddressSchema.optional() });

