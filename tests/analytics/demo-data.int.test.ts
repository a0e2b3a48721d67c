import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { checkDemoData } from "./demo-data.js";

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

describe("analytics on the demo's data", () => {
  it("on PGlite: net revenue, gross margin and stock value equal the finance reports; a rebuild gives the same report", async () => {
    await checkDemoData(postgresStore({ client: db, schema: `demo_data_${Date.now()}` }));
  }, 900_000);
});
