import { Decimal, canonicalDecimal } from "../../kernel/decimal.js";
import { InvariantError, StorekeepError } from "../../kernel/errors.js";
import type { CounterChange, CounterSpec } from "../../ports/storage.js";
import { checkKey } from "./json.js";
import { toStoredDecimal } from "./decimals.js";

const ZERO = new Decimal(0);

interface GuardState {
  readonly name: string;
  readonly terms: readonly (readonly [field: number, sign: 1 | -1])[];
  readonly floor: Decimal;
}

/** A counter family: one row of decimals (by field position) per key, and its guards. */
export interface CounterFamilyState {
  readonly name: string;
  readonly fields: string[];
  readonly fieldIndex: Map<string, number>;
  readonly guards: Map<string, GuardState>;
  readonly guardSpecs: Map<string, string>;
  readonly rows: Map<string, readonly Decimal[]>;
}

/** A new, empty counter family. */
export function createCounterFamily(spec: CounterSpec): CounterFamilyState {
  const state: CounterFamilyState = { name: spec.name, fields: [], fieldIndex: new Map(), guards: new Map(), guardSpecs: new Map(), rows: new Map() };
  extendCounterFamily(state, spec);
  return state;
}

/** Adds the fields and guards `spec` declares that the family lacks. */
export function extendCounterFamily(state: CounterFamilyState, spec: CounterSpec): void {
  for (const field of spec.fields) {
    if (state.fieldIndex.has(field)) continue;
    state.fieldIndex.set(field, state.fields.length);
    state.fields.push(field);
  }
  for (const [name, guard] of Object.entries(spec.guards)) {
    const text = JSON.stringify([Object.entries(guard.terms).sort(), guard.floor]);
    const existing = state.guardSpecs.get(name);
    if (existing !== undefined) {
      if (existing !== text) throw new InvariantError(`guard ${spec.name}.${name} was declared twice with different terms or floor; give the new one another name`);
      continue;
    }
    const terms: (readonly [number, 1 | -1])[] = [];
    for (const [field, sign] of Object.entries(guard.terms)) {
      const i = state.fieldIndex.get(field);
      if (i === undefined) throw new InvariantError(`guard ${spec.name}.${name} names field "${field}", which the family does not declare`);
      if (sign !== 1 && sign !== -1) throw new InvariantError(`guard ${spec.name}.${name}: the term of "${field}" must be 1 or -1`);
      terms.push([i, sign]);
    }
    if (!Number.isFinite(guard.floor)) throw new InvariantError(`guard ${spec.name}.${name}: floor must be a finite number`);
    state.guards.set(name, { name, terms, floor: new Decimal(guard.floor) });
    state.guardSpecs.set(name, text);
  }
}

function guardValue(guard: GuardState, values: readonly Decimal[]): Decimal {
  let total = ZERO;
  for (const [field, sign] of guard.terms) {
    const v = values[field];
    if (v === undefined || v.isZero()) continue;
    total = sign === 1 ? total.plus(v) : total.minus(v);
  }
  return total;
}

/** A row's values as a record (zeros for a missing row or field). */
export function counterRecord(state: CounterFamilyState, values: readonly Decimal[] | undefined): Record<string, Decimal> {
  const out: Record<string, Decimal> = {};
  const fields = state.fields;
  for (let f = 0; f < fields.length; f++) out[fields[f]!] = values?.[f] ?? ZERO;
  return out;
}

/**
 * Computes every change of one `apply` without writing anything: the new rows by key and
 * each change's resulting values. Throws `GUARD_VIOLATED` for the first change that lowers
 * an enforced guard below its floor.
 */
export function planCounterChanges(state: CounterFamilyState, changes: readonly CounterChange[]): { rows: Map<string, readonly Decimal[]>; results: Record<string, Decimal>[] } {
  const rows = new Map<string, readonly Decimal[]>();
  const results: Record<string, Decimal>[] = [];
  const width = state.fields.length;
  for (const change of changes) {
    const key = checkKey(change.key, "counter key", state.name);
    const current = rows.get(key) ?? state.rows.get(key);
    const next: Decimal[] = new Array(width);
    for (let f = 0; f < width; f++) next[f] = current?.[f] ?? ZERO;
    for (const field of Object.keys(change.deltas)) {
      const i = state.fieldIndex.get(field);
      if (i === undefined) {
        throw new StorekeepError("NOT_FOUND", `Counter family "${state.name}" has no field "${field}" (fields: ${state.fields.join(", ")}): declare it in the registry.`, {
          family: state.name,
          field,
        });
      }
      const delta = toStoredDecimal(change.deltas[field], `delta of ${state.name}.${field}`);
      if (!delta.isZero()) next[i] = next[i]!.plus(delta);
    }
    for (const guardName of change.enforce ?? []) {
      const guard = state.guards.get(guardName);
      if (!guard) {
        throw new StorekeepError("NOT_FOUND", `Counter family "${state.name}" has no guard "${guardName}": declare it in the registry.`, {
          family: state.name,
          guard: guardName,
        });
      }
      const before = current ? guardValue(guard, current) : ZERO;
      const after = guardValue(guard, next);
      if (after.lessThan(before) && after.lessThan(guard.floor)) {
        const value = canonicalDecimal(after);
        const floor = canonicalDecimal(guard.floor);
        throw new StorekeepError("GUARD_VIOLATED", `Counter "${state.name}" row "${key}": guard "${guard.name}" would drop to ${value}, below its floor ${floor}.`, {
          family: state.name,
          key,
          guard: guard.name,
          value,
          floor,
        });
      }
    }
    rows.set(key, next);
    results.push(counterRecord(state, next));
  }
  return { rows, results };
}
