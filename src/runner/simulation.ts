import type { Runtime } from "./runner.js";

/*
 * The simulation part of the module contract: what a module hands the whole-shop
 * simulator (`simulateShop` in storekeep/testing) through `ModuleDefinition.simulation`.
 */

/**
 * A seeded random source (mulberry32): the only randomness a simulation uses.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random.int(1, 6); // the same number for seed 42, every time
 * ```
 */
export interface SimulationRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One of the items. */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
}

/**
 * What a module's simulated command and invariant see: the runtime (run commands with
 * `runtime.execute`), the seeded random source, the business date and the step number.
 *
 * @example
 * ```ts
 * const run: SimulatedCommand["run"] = async (sim) => sim.runtime.execute(wrapItem, { orderId: `ord_${sim.step}`, lineId: "l1", paper: sim.random.pick(["red", "gold"]) });
 * ```
 */
export interface SimulationStep {
  readonly runtime: Runtime;
  readonly random: SimulationRandom;
  readonly today: string;
  readonly step: number;
}

/**
 * How a module plugs into the simulator (`ModuleDefinition.simulation`): commands it
 * draws at random (by weight) and invariants checked after every step (each returns the
 * violations it found, empty when sound). A command may throw a `StorekeepError` the
 * module expects (listed in `refusals`); any other error fails the seed.
 *
 * @example
 * ```ts
 * const simulation: ModuleSimulation = { commands: [{ name: "giftwrap.wrap", weight: 2, run: wrapAtRandom }], invariants: [{ name: "wraps counted", check: wrapsCounted }] };
 * ```
 */
export interface ModuleSimulation {
  readonly commands?: readonly SimulatedCommand[];
  readonly invariants?: readonly SimulatedInvariant[];
}

/**
 * A command the simulator draws at random (by `weight`, default 1). It may throw a
 * `StorekeepError` whose code is in `refusals` (or one any shop meets: INSUFFICIENT_STOCK,
 * PERIOD_LOCKED, NEGATIVE_HISTORY, STORE_FAILURE, INVALID_TRANSITION).
 *
 * @example
 * ```ts
 * const wrap: SimulatedCommand = { name: "giftwrap.wrap", refusals: ["ALREADY_EXISTS"], run: (sim) => sim.runtime.execute(wrapItem, { orderId: `ord_${sim.random.int(1, 20)}`, lineId: "l1", paper: "red" }) };
 * ```
 */
export interface SimulatedCommand {
  readonly name: string;
  readonly weight?: number;
  readonly refusals?: readonly string[];
  run(sim: SimulationStep): Promise<unknown>;
}

/**
 * An invariant checked after every step: the violations found (empty when sound).
 *
 * @example
 * ```ts
 * const wrapsCounted: SimulatedInvariant = { name: "wraps counted", check: async (sim) => [] };
 * ```
 */
export interface SimulatedInvariant {
  readonly name: string;
  check(sim: SimulationStep): Promise<readonly string[]>;
}

