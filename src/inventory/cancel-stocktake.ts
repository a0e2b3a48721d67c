import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { defineLibraryCommand } from "../runner/library.js";
import { requireStocktake } from "./stocktake-reads.js";
import { STOCKTAKES, type Stocktake } from "./stocktake-records.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * Cancels an open stocktake: nothing is posted, its counts stay readable.
 *
 * @example
 * ```ts
 * await runtime.execute(cancelStocktake, { stocktakeId: "st_1" });
 * ```
 */
export const cancelStocktake = defineLibraryCommand({
  name: "inventory.cancelStocktake",
  input: strictInput({ stocktakeId: idSchema<string>() }),
  async handle(ctx, input) {
    const doc = await requireStocktake(ctx.tx, input.stocktakeId, true);
    if (doc.data.state !== "open") throw new StorekeepError("INVALID_TRANSITION", `Stocktake "${input.stocktakeId}" is ${doc.data.state}; only an open stocktake is cancelled.`, { stocktakeId: input.stocktakeId, state: doc.data.state });
    const cancelled: Stocktake = { ...doc.data, state: "cancelled" };
    await ctx.tx.documents.put(STOCKTAKES, input.stocktakeId, cancelled, doc.version);
    return { result: { stocktakeId: input.stocktakeId, state: "cancelled" as string } };
  },
});
