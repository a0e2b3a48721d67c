import { z } from "zod";

/**
 * A branded string: a `T` that the type checker keeps apart from other strings.
 *
 * @example
 * ```ts
 * type OrderId = Brand<string, "OrderId">;
 * ```
 */
export type Brand<T, B extends string> = T & { readonly __brand: B };

/** An order's id. @example `const id = "ord_01" as OrderId;` */
export type OrderId = Brand<string, "OrderId">;
/** A stock-keeping unit. @example `const sku = "MUG-RED" as Sku;` */
export type Sku = Brand<string, "Sku">;
/** A ledger account code. @example `const code = "1200" as AccountCode;` */
export type AccountCode = Brand<string, "AccountCode">;
/** A customer's id. @example `const id = "cus_1" as CustomerId;` */
export type CustomerId = Brand<string, "CustomerId">;
/** A supplier's id. @example `const id = "sup_1" as SupplierId;` */
export type SupplierId = Brand<string, "SupplierId">;
/** A warehouse's id. @example `const id = "wh_main" as WarehouseId;` */
export type WarehouseId = Brand<string, "WarehouseId">;
/** A storage location's id. @example `const id = "wh_main/A1" as LocationId;` */
export type LocationId = Brand<string, "LocationId">;
/** A lot or batch number. @example `const lot = "L2026-11" as LotId;` */
export type LotId = Brand<string, "LotId">;
/** An event's id. @example `const id = "evt_1" as EventId;` */
export type EventId = Brand<string, "EventId">;
/** A journal entry's id. @example `const id = "je_1" as JournalEntryId;` */
export type JournalEntryId = Brand<string, "JournalEntryId">;
/** A stock movement's id. @example `const id = "mv_1" as MovementId;` */
export type MovementId = Brand<string, "MovementId">;
/** A purchase order's id. @example `const id = "po_1" as PurchaseOrderId;` */
export type PurchaseOrderId = Brand<string, "PurchaseOrderId">;
/** A reservation's id. @example `const id = "res_1" as ReservationId;` */
export type ReservationId = Brand<string, "ReservationId">;

/** What an identifier may be (see {@link idSchema}). @internal */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/**
 * A schema for an identifier (1–128 characters of letters, digits and `._:/-`), branded.
 *
 * @example
 * ```ts
 * const skuSchema = idSchema<Sku>();
 * skuSchema.parse("MUG-RED");
 * ```
 */
export function idSchema<T extends string>() {
  return z
    .string()
    .regex(ID_PATTERN, { message: "must be 1-128 letters, digits or ._:/- starting with a letter or digit" })
    .transform((s) => s as T);
}
