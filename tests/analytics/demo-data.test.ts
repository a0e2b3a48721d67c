import { describe, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { checkDemoData } from "./demo-data.js";

describe("analytics on the demo's data", () => {
  it("on memory: net revenue, gross margin and stock value equal the finance reports; a rebuild gives the same report", async () => {
    await checkDemoData(memoryStore());
  }, 300_000);
});
