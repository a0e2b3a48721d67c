import { StorekeepError } from "../kernel/errors.js";
import { type CommandContext } from "../runner/command.js";
import { readLogs } from "../runner/batch-logs.js";
import { MOVEMENTS, MOVEMENT_INDEX, type MovementRecord } from "./movement.js";

/**
 * Reads a recorded movement by id.
 *
 * @example
 * ```ts
 * const m = await readMovement(tx, "mv_1");
 * ```
 */
export async function readMovement(tx: CommandContext["tx"], movementId: string): Promise<MovementRecord> {
  const index = await tx.documents.get<{ sku: string; position: string }>(MOVEMENT_INDEX, movementId);
  if (index === undefined) throw new StorekeepError("NOT_FOUND", `Unknown movement "${movementId}".`, { movementId });
  return movementAt(tx, { movementId, sku: index.data.sku, position: index.data.position });
}

/**
 * Reads a recorded movement from the ledger at the SKU and position its index document names.
 *
 * @example
 * ```ts
 * const m = await movementAt(tx, { movementId: "mv_1", sku: "MUG", position: "2026-03-02T10:00:00.000Z|mv_1" });
 * ```
 */
export async function movementAt(tx: CommandContext["tx"], index: { readonly movementId: string; readonly sku: string; readonly position: string }): Promise<MovementRecord> {
  const [entry] = await tx.logs.read<MovementRecord>(MOVEMENTS, index.sku, { gte: index.position, lte: index.position });
  if (entry === undefined) throw new StorekeepError("NOT_FOUND", `Movement "${index.movementId}" is indexed but not in the ledger.`, { movementId: index.movementId });
  return entry.data;
}

/**
 * Several recorded movements read from the ledger at the SKUs and positions their index
 * documents name, in one multi-stream read; `undefined` where the ledger has none.
 *
 * @example
 * ```ts
 * const [first, second] = await movementsAt(tx, indexDocs);
 * ```
 */
export async function movementsAt(tx: CommandContext["tx"], indexes: readonly { readonly sku: string; readonly position: string }[]): Promise<(MovementRecord | undefined)[]> {
  const found = await readLogs<MovementRecord>(tx, MOVEMENTS, indexes.map((d) => ({ stream: d.sku, range: { gte: d.position, lte: d.position } })));
  return found.map((entries) => entries[0]?.data);
}
