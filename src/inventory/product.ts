import { z } from "zod";
import { BOUNDS } from "../kernel/bounds.js";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import type { Sku } from "../kernel/ids.js";
import { decimalStringSchema } from "../kernel/events/fields.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import type { CostingMethod } from "./valuation-kernel.js";
import { strictInput } from "../kernel/strict-input.js";

/** The collection of products. @example `PRODUCTS === "inventory.products"` */
export const PRODUCTS = "inventory.products";

/**
 * The costing methods a product may use.
 *
 * @example
 * ```ts
 * COSTING_METHODS.includes("moving-average"); // true
 * ```
 */
export const COSTING_METHODS = ["fifo", "moving-average", "standard"] as const;

/**
 * A SKU: 1–128 letters, digits or `._:/-`, starting with a letter or digit.
 *
 * @example
 * ```ts
 * skuSchema.parse("MUG-RED");
 * ```
 */
export const skuSchema = idSchema<Sku>();

/**
 * Input of `defineProduct`: a SKU, its unit of measure, its costing method (standard cost
 * needs `standardCost`, a unit cost in the functional currency) and the two flags of
 * availability: `allowBackorders` (reserve beyond what is available) and
 * `allowNegativeStock` (issue beyond what is on hand).
 *
 * @example
 * ```ts
 * productInputSchema.parse({ sku: "MUG-RED", costingMethod: "fifo" });
 * ```
 */
export const productInputSchema = strictInput({
  sku: skuSchema,
  name: z.string().min(1).max(200).optional(),
  unitOfMeasure: z.string().min(1).max(20).default("unit"),
  costingMethod: z.enum(COSTING_METHODS),
  standardCost: decimalStringSchema(BOUNDS.amount, "standardCost", "nonnegative").optional(),
  allowBackorders: z.boolean().default(false),
  allowNegativeStock: z.boolean().default(false),
  /** Weight of one unit (any unit, used to spread landed costs by weight). */
  weight: decimalStringSchema(BOUNDS.quantity, "weight", "nonnegative").optional(),
  /** Units told apart by lot, by serial number, or not at all (default). */
  tracking: z.enum(["none", "lot", "serial"]).default("none"),
  /** How issues, shipments and transfers that name no lot choose lots: fefo, fifo or location (default: the warehouse's, else fefo). */
  removalStrategy: z.enum(["fifo", "fefo", "location"]).optional(),
})
  .superRefine((p, ctx) => {
    if (p.costingMethod === "standard" && p.standardCost === undefined) {
      ctx.addIssue({ code: "custom", path: ["standardCost"], message: "is required for the standard costing method (the unit cost stock is carried at)" });
    }
    if (p.costingMethod !== "standard" && p.standardCost !== undefined) {
      ctx.addIssue({ code: "custom", path: ["standardCost"], message: `only applies to the standard costing method, not ${p.costingMethod}` });
    }
  });

/**
 * A product as stored.
 *
 * @example
 * ```ts
 * const p: Product = { sku: "MUG-RED", name: "Red mug", unitOfMeasure: "unit", costingMethod: "fifo", standardCost: null, allowBackorders: false, allowNegativeStock: false, weight: null };
 * ```
 */
export interface Product extends JsonObject {
  readonly sku: string;
  readonly name: string | null;
  readonly unitOfMeasure: string;
  readonly costingMethod: CostingMethod;
  readonly standardCost: string | null;
  readonly allowBackorders: boolean;
  readonly allowNegativeStock: boolean;
  readonly weight: string | null;
  /** By lot, by serial number, or none (absent on products defined before tracking existed). */
  readonly tracking?: "none" | "lot" | "serial";
  /** The removal strategy of a tracked product (null or absent: the warehouse's, else FEFO). */
  readonly removalStrategy?: "fifo" | "fefo" | "location" | null;
}

/**
 * The products of `skus` (in one read), by SKU; the first unknown one in `skus` is
 * `NOT_FOUND` as {@link requireProduct} says.
 *
 * @example
 * ```ts
 * const products = await requireProducts(ctx.tx, ["MUG", "TEE"]);
 * ```
 */
export async function requireProducts(tx: Transaction, skus: readonly string[]): Promise<Map<string, Product>> {
  const products = new Map<string, Product>();
  if (skus.length === 1) {
    products.set(skus[0]!, await requireProduct(tx, skus[0]!));
    return products;
  }
  for (const doc of await tx.documents.getMany<Product>(PRODUCTS, skus)) products.set(doc.id, doc.data);
  for (const sku of skus) if (!products.has(sku)) await requireProduct(tx, sku);
  return products;
}

/**
 * The product of `sku`, or a `NOT_FOUND` error saying how to define it.
 *
 * @example
 * ```ts
 * const product = await requireProduct(tx, "MUG-RED");
 * ```
 */
export async function requireProduct(tx: Transaction, sku: string): Promise<Product> {
  const doc = await tx.documents.get<Product>(PRODUCTS, sku);
  if (doc === undefined) {
    throw new StorekeepError("NOT_FOUND", `Unknown SKU "${sku}": define it first with inventory.defineProduct({ sku, costingMethod }).`, { sku });
  }
  return doc.data;
}
