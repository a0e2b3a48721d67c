/**
 * Contact normalisation for duplicate detection: e-mail addresses Unicode-normalised
 * (NFKC), trimmed and case-folded; phone numbers in E.164 with a default country for
 * national numbers.
 */
import { StorekeepError } from "../kernel/errors.js";

/**
 * Normalises an e-mail address: NFKC, trimmed, case-folded (full folding, so "ß" and
 * "SS" meet as "ss").
 *
 * @throws StorekeepError `VALIDATION_FAILED` when it is not `local@domain`.
 * @example
 * ```ts
 * import { normaliseEmail } from "storekeep";
 * console.log(normaliseEmail("  Ａnna.Smith@Example.COM ")); // "anna.smith@example.com"
 * ```
 */
export function normaliseEmail(address: string): string {
  const folded = address.normalize("NFKC").trim().toUpperCase().toLowerCase().normalize("NFKC");
  const at = folded.lastIndexOf("@");
  if (at <= 0 || at === folded.length - 1 || /\s/.test(folded)) {
    throw new StorekeepError("VALIDATION_FAILED", `"${address.slice(0, 80)}" is not an e-mail address; give local-part@domain.`, { issues: [{ path: "email", message: "not an e-mail address", code: "custom" }] });
  }
  return folded;
}

/**
 * Country calling codes by ISO 3166 alpha-2 code, and whether the national trunk
 * prefix "0" is dropped when dialling internationally (Italy keeps it).
 */
const COUNTRIES: Readonly<Record<string, { readonly code: string; readonly keepTrunk?: boolean }>> = {
  AT: { code: "43" }, AU: { code: "61" }, BE: { code: "32" }, CA: { code: "1" }, CH: { code: "41" }, CZ: { code: "420" },
  DE: { code: "49" }, DK: { code: "45" }, ES: { code: "34" }, FI: { code: "358" }, FR: { code: "33" }, GB: { code: "44" },
  GR: { code: "30" }, IE: { code: "353" }, IT: { code: "39", keepTrunk: true }, LU: { code: "352" }, NL: { code: "31" },
  NO: { code: "47" }, NZ: { code: "64" }, PL: { code: "48" }, PT: { code: "351" }, SE: { code: "46" }, US: { code: "1" },
};

/**
 * The countries {@link normalisePhone} knows as a default country.
 *
 * @example
 * ```ts
 * import { PHONE_COUNTRIES } from "storekeep";
 * console.log(PHONE_COUNTRIES.includes("GB")); // true
 * ```
 */
export const PHONE_COUNTRIES: readonly string[] = Object.freeze(Object.keys(COUNTRIES));

/**
 * Normalises a phone number to E.164 (`+` and 8–15 digits). A number starting with `+`
 * or `00` is international; otherwise it is national in `defaultCountry` (its trunk "0"
 * dropped, except in Italy). Spaces, dots, dashes, slashes and brackets are ignored, and
 * a "(0)" after an international prefix is dropped.
 *
 * @throws StorekeepError `VALIDATION_FAILED` for letters, a wrong length or an unknown country.
 * @example
 * ```ts
 * import { normalisePhone } from "storekeep";
 * console.log(normalisePhone("020 7946 0018", "GB")); // "+442079460018"
 * console.log(normalisePhone("+44 (0)20 7946-0018", "DE")); // "+442079460018"
 * console.log(normalisePhone("0049 30 123456", "GB")); // "+4930123456"
 * ```
 */
export function normalisePhone(number: string, defaultCountry: string): string {
  const bad = (message: string): never => {
    throw new StorekeepError("VALIDATION_FAILED", `Phone number "${number.slice(0, 40)}" ${message}.`, { issues: [{ path: "phone", message, code: "custom" }] });
  };
  let text = number.normalize("NFKC").trim().replace(/\(0\)/g, "");
  text = text.replace(/[\s().\-/]/g, "");
  let international = false;
  if (text.startsWith("+")) {
    international = true;
    text = text.slice(1);
  } else if (text.startsWith("00")) {
    international = true;
    text = text.slice(2);
  }
  if (!/^\d+$/.test(text)) bad("may hold only digits, spaces, dots, dashes, brackets and a leading + or 00");
  let digits = text;
  if (!international) {
    const country = COUNTRIES[defaultCountry.toUpperCase()];
    if (!country) bad(`is national, and the default country "${defaultCountry}" is not one of ${PHONE_COUNTRIES.join(", ")}`);
    const national = country!.keepTrunk || !digits.startsWith("0") ? digits : digits.slice(1);
    digits = country!.code + national;
  }
  if (digits.length < 8 || digits.length > 15 || digits.startsWith("0")) bad("must have 8 to 15 digits with its country code (E.164)");
  return `+${digits}`;
}
