import { describe, expect, it } from "vitest";
import { progressReporter } from "../../examples/progress.js";

/* The demo's progress: a bar redrawn in place on a terminal, plain lines when the output is a file or a pipe. */

function output(isTTY: boolean): { isTTY: boolean; text: string; write(t: string): void } {
  return {
    isTTY,
    text: "",
    write(t: string) {
      this.text += t;
    },
  };
}

describe("the demo's progress display", () => {
  it("on a terminal: one bar redrawn in place (carriage returns), full at the end, then a newline", () => {
    const out = output(true);
    const report = progressReporter("trading days", out);
    for (let done = 1; done <= 10; done++) report({ done, total: 10 });
    const frames = out.text.split("\r").filter((f) => f !== "");
    expect(frames).toHaveLength(10);
    expect(frames[4]).toBe(`[${"#".repeat(20)}${".".repeat(20)}] 5/10 trading days`);
    expect(frames[9]).toBe(`[${"#".repeat(40)}] 10/10 trading days\n`);
    expect(out.text.split("\n")).toHaveLength(2);
  });

  it("not on a terminal: plain lines at each quarter and at the end, no carriage return", () => {
    const out = output(false);
    const report = progressReporter("trading days", out);
    for (let done = 1; done <= 10; done++) report({ done, total: 10 });
    expect(out.text).not.toContain("\r");
    expect(out.text.trimEnd().split("\n")).toEqual(["trading days 3/10", "trading days 5/10", "trading days 8/10", "trading days 10/10"]);
  });
});
