import { StorekeepError } from "../kernel/errors.js";
import { type CommandContext } from "../runner/command.js";
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
  const [entry] = await tx.logs.read<MovementRecord>(MOVEMENTS, index.data.sku, { gte: index.data.position, lte: index.data.position });
  if (entry === undefined) throw new StorekeepError("NOT_FOUND", `Movement "${movementId}" is indexed but not in the ledger.`, { movementId });
  return entry.data;
}

