/**
 * CRM module options.
 *
 * @example
 * ```ts
 * import { createStorekeep } from "storekeep";
 * const sk = createStorekeep({ crm: { defaultCountry: "DE" } });
 * ```
 */
export interface CrmOptions {
  /** ISO country of national phone numbers (default `GB`). */
  readonly defaultCountry?: string;
  /** The R × F segment grid (default: DEFAULT_RFM_GRID). */
  readonly grid?: Readonly<Record<string, string>>;
}

/** The country for national phone numbers from the command's options. */
export function defaultCountryOf(options: Readonly<Record<string, unknown>>, given?: string): string {
  if (given) return given;
  const crm = options["crm"] as CrmOptions | undefined;
  return crm?.defaultCountry ?? "GB";
}
