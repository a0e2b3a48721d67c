import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ORDER_TRANSITIONS, SALES_STATE_MACHINES } from "../../src/sales/state-machines.js";
import { ORDERS_DOC, renderOrdersDoc } from "./orders-doc.js";

describe("docs/orders.md", () => {
  it("shows the state diagrams the transition tables generate (run `npm run docs:orders` after changing a table)", () => {
    const onDisk = readFileSync(ORDERS_DOC, "utf8");
    expect(onDisk === renderOrdersDoc(onDisk), "docs/orders.md is out of date: run `npm run docs:orders`").toBe(true);
  });

  it("draws every transition of every machine", () => {
    const page = readFileSync(ORDERS_DOC, "utf8");
    for (const machine of Object.values(SALES_STATE_MACHINES)) {
      for (const [from, row] of Object.entries(machine.table)) for (const [action, to] of Object.entries(row)) expect(page).toContain(`${from.replace(/-/g, "_")} --> ${String(to).replace(/-/g, "_")}: ${action}`);
    }
    expect(page).toContain(`placed --> cancelled: cancel`);
    expect(ORDER_TRANSITIONS.completed).toEqual({});
  });
});
