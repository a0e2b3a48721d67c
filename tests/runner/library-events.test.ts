import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { eventExamples } from "../../src/kernel/events/examples.js";
import { checkLibraryEvents, defineLibraryCommand, libraryModule } from "../../src/runner/library.js";
import { defineCommand, type ModuleDefinition } from "../../src/runner/command.js";
import { createRuntime, resolveConfig } from "../../src/runner/index.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * The runner does not parse the events of storekeep's own commands and reactions again (they
 * are built from validated input); tests/setup.ts turns on the check that such an event is
 * exactly what the parse would make of it. Host emitters are always parsed.
 */

const runtimeWith = (modules: ModuleDefinition[] = []) =>
  createRuntime({ store: memoryStore(), clock: new ManualClock(new Date("2026-11-27T10:00:00Z")), ids: sequentialIds(), rates: memoryRates([]), config: resolveConfig(), modules });

// "2.50" is not the catalog's canonical decimal ("2.5"): a parse changes it.
const sloppy = { ...eventExamples.StockReserved, quantity: "2.50" };
const tidy = { ...eventExamples.StockReserved, quantity: "2.5" };
const reserved = (payload: typeof sloppy) => ({ type: "StockReserved", aggregateType: "reservation", aggregateId: "res_1", effectiveDate: "2026-11-27", payload });

afterEach(() => checkLibraryEvents(true));

describe("library events", () => {
  it("a library command's canonical event is stored exactly as built, with the check on and off", async () => {
    for (const on of [true, false]) {
      checkLibraryEvents(on);
      const runtime = runtimeWith();
      const emit = defineLibraryCommand({ name: "lib.emit", input: z.object({}), async handle() { return { result: null, events: [reserved(tidy)] }; } });
      await runtime.execute(emit, {});
      const [event] = await runtime.store.readEvents(null, 10);
      expect(event?.payload).toEqual(tidy);
    }
  });

  it("with the check on, a library command whose event a parse would change fails and stores nothing", async () => {
    checkLibraryEvents(true);
    const runtime = runtimeWith();
    const emit = defineLibraryCommand({ name: "lib.sloppy", input: z.object({}), async handle() { return { result: null, events: [reserved(sloppy)] }; } });
    await expect(runtime.execute(emit, {})).rejects.toThrow(/library emitter built a StockReserved event that the catalog's parse changes/);
    expect(await runtime.store.readEvents(null, 10)).toHaveLength(0);
  });

  it("a library module's reaction is checked the same way", async () => {
    checkLibraryEvents(true);
    const module = libraryModule({ name: "lib", registry: {}, reactions: [{ name: "lib.react", on: ["ReservationReleased"], async handle() { return [reserved(sloppy)]; } }] });
    const runtime = runtimeWith([module]);
    const release = defineLibraryCommand({ name: "lib.release", input: z.object({}), async handle() { return { result: null, events: [{ type: "ReservationReleased", aggregateType: "reservation", aggregateId: "res_1", effectiveDate: "2026-11-27", payload: eventExamples.ReservationReleased }] }; } });
    await expect(runtime.execute(release, {})).rejects.toThrow(/StockReserved/);
  });

  it("a host command's event is always parsed: a non-canonical decimal is normalised, a bad payload refused", async () => {
    checkLibraryEvents(false);
    const runtime = runtimeWith();
    const emit = defineCommand({ name: "host.emit", input: z.object({}), async handle() { return { result: null, events: [reserved(sloppy)] }; } });
    await runtime.execute(emit, {});
    const [event] = await runtime.store.readEvents(null, 10);
    expect(event?.payload.quantity).toBe("2.5");
    const bad = defineCommand({ name: "host.bad", input: z.object({}), async handle() { return { result: null, events: [reserved({ ...tidy, quantity: "-x" })] }; } });
    await expect(runtime.execute(bad, {})).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("a host module's reaction is parsed even beside library modules", async () => {
    checkLibraryEvents(false);
    const host: ModuleDefinition = { name: "host", registry: {}, reactions: [{ name: "host.react", on: ["ReservationReleased"], async handle() { return [reserved({ ...tidy, quantity: "-x" })]; } }] };
    const runtime = runtimeWith([host]);
    const release = defineLibraryCommand({ name: "lib.release2", input: z.object({}), async handle() { return { result: null, events: [{ type: "ReservationReleased", aggregateType: "reservation", aggregateId: "res_1", effectiveDate: "2026-11-27", payload: eventExamples.ReservationReleased }] }; } });
    await expect(runtime.execute(release, {})).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});
