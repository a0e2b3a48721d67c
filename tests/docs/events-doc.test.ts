import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../src/kernel/events/index.js";
import { EVENTS_DOC, renderEventsDoc } from "./events-doc.js";

describe("docs/events.md", () => {
  it("is what the event catalog generates (run `npm run docs:events` after changing an event)", () => {
    const onDisk = readFileSync(EVENTS_DOC, "utf8");
    expect(onDisk === renderEventsDoc(), "docs/events.md is out of date: run `npm run docs:events`").toBe(true);
  });

  it("lists every catalog event with its fields, postings and example", () => {
    const page = renderEventsDoc();
    for (const type of EVENT_TYPES) expect(page).toContain(`### ${type}\n`);
    const captured = page.slice(page.indexOf("### PaymentCaptured"), page.indexOf("### ShipmentDispatched"));
    expect(captured).toContain("| `functionalAmount` | money |");
    expect(captured).toContain("| Dr | 1150 Payment provider clearing | 92.00 EUR (100.00 USD) |");
    expect(captured).toContain('"rate": "0.92"');
  });
});
