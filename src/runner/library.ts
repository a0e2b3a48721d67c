import type { Json } from "../ports/storage.js";
import type { StandardSchemaV1 } from "../kernel/standard-schema.js";
import type { CommandDefinition, ModuleDefinition, Reaction } from "./command.js";

/*
 * Emitters storekeep itself defines: the commands of its modules and their reactions. Their
 * events are built from validated input by the library's own code, so the runner does not
 * parse them against the catalog again when its validator is a catalog validator (a parse of
 * a library event gave back the same event; see `checkLibraryEvents`). Events a host builds —
 * `recordEvents`, a host's own commands and reactions — are always parsed.
 *
 * Internal: not exported from the package.
 */
const LIBRARY = new WeakSet<object>();

/**
 * `defineCommand` for storekeep's own commands: the runner trusts their events.
 *
 * @example
 * ```ts
 * export const receive = defineLibraryCommand({ name: "inventory.receive", input: receiveSchema, handle: receiveHandler });
 * ```
 */
export function defineLibraryCommand<S extends StandardSchemaV1, O extends Json>(definition: CommandDefinition<S, O>): CommandDefinition<S, O> {
  LIBRARY.add(definition);
  return definition;
}

/**
 * Marks a module of storekeep's own: the runner trusts the events of its reactions.
 *
 * @example
 * ```ts
 * const modules = [libraryModule(inventoryModule()), ...hostModules];
 * ```
 */
export function libraryModule<M extends ModuleDefinition>(module: M): M {
  for (const reaction of module.reactions ?? []) LIBRARY.add(reaction);
  return module;
}

/** True for a command or reaction of storekeep's own. */
export function isLibraryEmitter(emitter: CommandDefinition | Reaction): boolean {
  return LIBRARY.has(emitter);
}

let checking = false;

/**
 * Turns on (or off) the check that every event a library command or reaction emits is
 * exactly what the catalog's parse makes of it — the premise for not parsing them. The test
 * suite runs with it on (tests/setup.ts), so an emitter that builds a non-canonical payload
 * fails there; shops run with it off.
 *
 * @example
 * ```ts
 * checkLibraryEvents(true);
 * ```
 */
export function checkLibraryEvents(on: boolean): void {
  checking = on;
}

/** Whether {@link checkLibraryEvents} is on. */
export function checkingLibraryEvents(): boolean {
  return checking;
}
