import { InvariantError, StorekeepError } from "../../kernel/errors.js";
import { takeHandedOver } from "../../kernel/hand-over.js";
import type { Json } from "../../ports/storage.js";

/*
 * JSON going into the memory store is checked and copied once, so the caller's object
 * cannot change stored state, and deep-frozen before a read first hands it out, so a value
 * read back cannot either; reads then hand out the stored value without copying. Values
 * this module froze are marked, so writing back a document built with
 * `{ ...doc.data, status }` copies only its top level.
 *
 * Freezing waits for the first read (`thaw` state, see `takeCold`): most of what a command
 * writes — journal entries, log lines, movements, events — is never read back in the same
 * run, and freezing it at the write cost a tenth of a command (Object.freeze is a runtime
 * call per object). Until then nobody else holds it: a copy is the store's own, and a value
 * handed over (`handOver`) is, by that contract, not kept or changed by the library code
 * that built it.
 *
 * The checks match what a SQL store with jsonb would accept: no U+0000 and no lone
 * surrogates in strings (PostgreSQL refuses the first and would mangle the second), finite
 * numbers, plain objects and arrays only. `undefined` properties are dropped and
 * `undefined` array items become `null`, as `JSON.stringify` does.
 */

/**
 * The values this module copied and froze that hold other objects or arrays. A WeakSet
 * rather than a marker property: adding a property to every stored object changed its
 * hidden class and cost more than the copy. Leaves (objects and arrays of primitives only)
 * are not remembered: a frozen leaf is recognised by looking at it (see `isFrozenLeaf`),
 * which costs less than a weak-set entry per stored line that every garbage collection
 * walks (a journal entry's lines were most of the set).
 */
const FROZEN = new WeakSet<object>();

function markFrozen<T extends object>(value: T, mark: boolean): T {
  if (mark) FROZEN.add(value);
  return Object.freeze(value);
}

/** Set while {@link storeJson} runs: what is taken in place is checked, not frozen yet. */
let cold = false;

/**
 * True for a frozen plain object or array holding only what `copy` keeps unchanged (no
 * object, no undefined, no -0, storable strings and keys): nothing in it can change or is
 * refused, so it is stored as it is, whoever froze it.
 */
function isFrozenLeaf(value: object): boolean {
  if (!Object.isFrozen(value)) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!keptPrimitive(value[i])) return false;
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key of Object.keys(value)) {
    if (!keptPrimitive((value as Record<string, unknown>)[key]) || !isStorableString(key) || key === "__proto__") return false;
  }
  return true;
}

/** A primitive `copy` keeps unchanged. */
function keptPrimitive(item: unknown): boolean {
  switch (typeof item) {
    case "string":
      return isStorableString(item);
    case "number":
      return Number.isFinite(item) && !Object.is(item, -0);
    case "boolean":
      return true;
    case "object":
      return item === null;
    default:
      return false;
  }
}

class BadJson extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const hasWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function";

/** True when `text` can be stored as text by every adapter: no U+0000, no lone surrogate. */
export function isStorableString(text: string): boolean {
  // Most stored strings are short (ids, codes, dates, amounts): one pass over their code
  // units costs less than two native scans (a NUL or any surrogate sends the string there).
  const length = text.length;
  if (length <= 32) {
    let i = 0;
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0 || (c >= 0xd800 && c <= 0xdfff)) break;
    }
    if (i === length) return true;
  }
  return scannedStorable(text);
}

function scannedStorable(text: string): boolean {
  const long = text.length >= LONG;
  // A long string written again (a FIFO queue's packed layers, unchanged from one movement
  // to the next) is the same string: found among the last few checked, it is not scanned.
  if (long) for (let i = 0; i < LONG_SEEN.length; i++) if (LONG_SEEN[i] === text) return true;
  if (text.includes("\u0000")) return false;
  const ok = hasWellFormed ? (text as string & { isWellFormed(): boolean }).isWellFormed() : !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
  if (ok && long) {
    LONG_SEEN[longNext] = text;
    longNext = (longNext + 1) % LONG_SEEN.length;
  }
  return ok;
}

const LONG = 256;
const LONG_SEEN: string[] = new Array<string>(8).fill("");
let longNext = 0;

/**
 * Checks a key, id, sort key or bucket (`kind`, of the store family `family`): a string
 * every adapter can store. Throws `VALIDATION_FAILED` otherwise.
 */
export function checkKey(value: unknown, kind: string, family?: string): string {
  if (typeof value === "string" && isStorableString(value)) return value;
  // The message's subject is put together only for the error (not at every write).
  const what = family === undefined ? kind : `${kind} in ${family}`;
  if (typeof value !== "string") throw new InvariantError(`${what} must be a string, got ${typeof value}`);
  throw new StorekeepError("VALIDATION_FAILED", `${what} contains U+0000 or a lone surrogate, which no store can keep; remove it.`, {
    issues: [{ path: what, message: "contains U+0000 or a lone surrogate", code: "custom" }],
  });
}

/**
 * A deep-frozen copy of a JSON value (the value itself when this module froze it already).
 * `mark: false` leaves the copy out of the set of values known to be frozen: for log entries
 * and events, which are written once and not written back, remembering them only cost
 * garbage-collection time (a weak set of millions of entries).
 * Throws `VALIDATION_FAILED` for unstorable strings and `InvariantError` for values that are
 * not JSON (a Decimal, a Date, a Map, NaN...).
 */
export function freezeJson<T extends Json>(value: T, what: string, mark = true): T {
  try {
    // The root is not remembered: a document written back is a new object (`{ ...doc.data,
    // status }`), only its parts are the stored ones.
    return copy(value, mark, false) as T;
  } catch (error) {
    if (!(error instanceof BadJson)) throw error;
    const path = findBadPath(value, what) ?? what;
    if (error.reason === "string") {
      throw new StorekeepError("VALIDATION_FAILED", `${path} contains U+0000 or a lone surrogate, which no store can keep; remove it.`, {
        issues: [{ path, message: "contains U+0000 or a lone surrogate", code: "custom" }],
      });
    }
    throw new InvariantError(`${path} is not JSON (${error.reason}); store decimals as canonical strings and instants as ISO strings`);
  }
}

/**
 * {@link freezeJson}, except that what it takes in place (a value handed over) is checked
 * but not frozen yet: the store freezes it with {@link freezeStored} before a read first
 * hands it out (see the module comment). Copies are frozen at once, as before.
 */
export function storeJson<T extends Json>(value: T, mark: boolean, name: string, id: string, sub?: string): T {
  cold = true;
  try {
    return copy(value, mark, false) as T;
  } catch (error) {
    if (!(error instanceof BadJson)) throw error;
  } finally {
    cold = false;
  }
  // The message's path is put together only now, for the error.
  return freezeJson(value, sub === undefined ? `${name}/${id}` : `${name}/${id}/${sub}`, mark);
}

/**
 * Deep-freezes, where it is, a value {@link storeJson} kept unfrozen (parts frozen already
 * are left as they are); `mark` remembers its nested parts as the store's (documents), the
 * root never (as {@link freezeJson}).
 */
export function freezeStored(value: Json, mark: boolean): void {
  freezeCold(value, mark, false);
}

function freezeCold(value: unknown, mark: boolean, self: boolean): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  let nested = false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) nested = freezeItem(value[i], mark) || nested;
  } else {
    const record = value as Record<string, unknown>;
    // Own keys only: the value was checked to be a plain object, and a polluted prototype takes the key array (see freezeInPlace).
    if (prototypeClean()) for (const key in record) nested = freezeItem(record[key], mark) || nested;
    else for (const key of Object.keys(record)) nested = freezeItem(record[key], mark) || nested;
  }
  markFrozen(value, self && nested);
}

/** Freezes an item of a cold value when it is an object (true then). */
function freezeItem(item: unknown, mark: boolean): boolean {
  if (typeof item !== "object" || item === null) return false;
  freezeCold(item, mark, mark);
  return true;
}

function copy(value: unknown, mark: boolean, self = mark): Json {
  switch (typeof value) {
    case "string":
      if (!isStorableString(value)) throw new BadJson("string");
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new BadJson(`the number ${value}`);
      return value === 0 ? 0 : value;
    case "boolean":
      return value;
    case "object": {
      if (value === null) return null;
      if (FROZEN.has(value)) return value as Json;
      if (takeHandedOver(value)) return freezeInPlace(value, mark, self);
      if (isFrozenLeaf(value)) return value as Json;
      return copyObject(value, mark, self);
    }
    default:
      throw new BadJson(`a ${typeof value}`);
  }
}

/**
 * Freezes a record the store built itself (a new object no caller holds) where it is, its
 * values through the same checks and copies as {@link freezeJson}: the store's own wrapper
 * costs no copy, a caller's value inside it is still copied (or taken when handed over).
 */
export function freezeOwnRecord<T extends Record<string, Json>>(record: T, what: string, mark = true): T {
  try {
    for (const key of Object.keys(record)) {
      const item: unknown = record[key];
      if (item === undefined) return freezeJson(record, what, mark);
      if (!isStorableString(key)) throw new BadJson("string");
      (record as Record<string, Json>)[key] = copy(item, mark);
    }
    return cold ? record : markFrozen(record, false);
  } catch (error) {
    if (!(error instanceof BadJson)) throw error;
    return freezeJson(record, what, mark);
  }
}

/** {@link freezeOwnRecord}, leaving what it takes in place unfrozen until {@link freezeStored} (as {@link storeJson}). */
export function storeOwnRecord<T extends Record<string, Json>>(record: T, what: string, mark = true): T {
  cold = true;
  try {
    return freezeOwnRecord(record, what, mark);
  } finally {
    cold = false;
  }
}

/**
 * A frozen copy of an array or plain object (its parts through `copy`). Frozen at once, and
 * so is everything in it (a part handed over too): `freezeStored` stops at frozen objects.
 */
function copyObject(value: object, mark: boolean, self = mark): Json {
  if (!cold) return copyFrozen(value, mark, self);
  cold = false;
  try {
    return copyFrozen(value, mark, self);
  } finally {
    cold = true;
  }
}

function copyFrozen(value: object, mark: boolean, self: boolean): Json {
  if (Array.isArray(value)) {
    const out: Json[] = new Array(value.length);
    let nested = false;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "object" && item !== null) nested = true;
      out[i] = item === undefined ? null : copy(item, mark);
    }
    return markFrozen(out, self && nested);
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new BadJson(`an instance of ${(value as { constructor?: { name?: string } }).constructor?.name ?? "a class"}`);
  }
  // Object.fromEntries defines the properties (a "__proto__" key stays an own property)
  // and keeps fast, shared shapes; a dozen keyed stores into `{}` would make every
  // stored object a slow dictionary (reading a 22-field movement ~8× slower).
  const entries: [string, Json][] = [];
  let nested = false;
  for (const key of Object.keys(value)) {
    const item: unknown = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    if (!isStorableString(key)) throw new BadJson("string");
    if (typeof item === "object" && item !== null) nested = true;
    entries.push([key, copy(item, mark)]);
  }
  return markFrozen(Object.fromEntries(entries) as Record<string, Json>, self && nested);
}

/**
 * A value library code handed over (`handOver`), frozen where it is: the same checks as
 * `copy`, no copy. What JSON would normalise (an undefined field or item, -0) or an object
 * frozen already is copied instead, from that object down.
 *
 * Written for the hot path (every journal entry, movement and event passes here): keys are
 * walked with for-in (no key array; the prototype is checked first, so only own keys come),
 * a nested object not yet frozen is frozen in place without asking the weak set, and short
 * strings are checked in one pass.
 */
function freezeInPlace(value: object, mark: boolean, self = mark): Json {
  if (Object.isFrozen(value)) return copyObject(value, mark, self);
  let nested = false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "object" && item !== null) {
        nested = true;
        const kept = nestedInPlace(item, mark);
        if (kept !== item) value[i] = kept;
      } else if (!inPlacePrimitive(item)) return copyObject(value, mark, self);
    }
    return cold ? (value as Json[]) : markFrozen(value as Json[], self && nested);
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return copyObject(value, mark, self);
  const record = value as Record<string, unknown>;
  // for-in walks own keys alone (no key array) while Object.prototype has no enumerable
  // property; were it polluted with one, inherited keys would come too: then Object.keys.
  if (prototypeClean()) {
    for (const key in record) {
      const kind = fieldInPlace(record, key, mark);
      if (kind === COPY) return copyObject(value, mark, self);
      if (kind === NESTED) nested = true;
    }
  } else {
    for (const key of Object.keys(record)) {
      const kind = fieldInPlace(record, key, mark);
      if (kind === COPY) return copyObject(value, mark, self);
      if (kind === NESTED) nested = true;
    }
  }
  return cold ? (record as Record<string, Json>) : markFrozen(record as Record<string, Json>, self && nested);
}

const EMPTY: object = Object.freeze({});

/** True while Object.prototype has no enumerable property (for-in then walks own keys alone). */
function prototypeClean(): boolean {
  for (const _ in EMPTY) return false;
  return true;
}

const COPY = 0;
const PRIMITIVE = 1;
const NESTED = 2;

/**
 * Checks one field of a record frozen in place, freezing a nested object there: NESTED or
 * PRIMITIVE, or COPY when the record must be copied instead (an undefined field, -0).
 */
function fieldInPlace(record: Record<string, unknown>, key: string, mark: boolean): number {
  if (!isStorableKey(key)) throw new BadJson("string");
  const item = record[key];
  if (typeof item === "object" && item !== null) {
    const kept = nestedInPlace(item, mark);
    if (kept !== item) record[key] = kept;
    return NESTED;
  }
  return inPlacePrimitive(item) ? PRIMITIVE : COPY;
}

/** A nested object of a value frozen in place: frozen there too, or (frozen by another owner) kept when it is a leaf or one of ours, else copied. */
function nestedInPlace(item: object, mark: boolean): Json {
  if (!Object.isFrozen(item)) return freezeInPlace(item, mark);
  if (FROZEN.has(item) || isFrozenLeaf(item)) return item as Json;
  return copyObject(item, mark);
}

/*
 * Keys checked already: object keys are few and repeat on every stored value (property
 * names of the same shapes), so a set lookup on the key's cached hash replaces a scan.
 * Bounded: a store fed ever-new keys (maps keyed by ids) starts the set again.
 */
const GOOD_KEYS = new Set<string>();

function isStorableKey(key: string): boolean {
  if (GOOD_KEYS.has(key)) return true;
  if (!isStorableString(key)) return false;
  if (GOOD_KEYS.size >= 4096) GOOD_KEYS.clear();
  GOOD_KEYS.add(key);
  return true;
}

/** Whether a primitive can stay as it is (`copy` would keep it unchanged); throws for what no store keeps. */
function inPlacePrimitive(item: unknown): boolean {
  if (item === null) return true;
  switch (typeof item) {
    case "string":
      if (!isStorableString(item)) throw new BadJson("string");
      return true;
    case "number":
      if (!Number.isFinite(item)) throw new BadJson(`the number ${item}`);
      return !Object.is(item, -0);
    case "boolean":
      return true;
    case "undefined":
      return false;
    default:
      throw new BadJson(`a ${typeof item}`);
  }
}

function findBadPath(value: unknown, path: string): string | undefined {
  try {
    copy(value, false);
    return undefined;
  } catch {
    // this subtree holds the bad value: descend to find it
  }
  if (typeof value !== "object" || value === null) return path;
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBadPath(value[i] === undefined ? null : value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return path;
  }
  for (const key of Object.keys(value)) {
    if (!isStorableString(key)) return `${path} (a key)`;
    const item: unknown = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    const found = findBadPath(item, `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return path;
}
