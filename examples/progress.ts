/**
 * The demo's progress display for long work: a bar redrawn in place on a terminal, and plain
 * lines (at each quarter and at the end) when the output is a file or a pipe, where a bar's
 * carriage returns would only make noise.
 */

/** Where progress goes: `process.stdout` in the demo. */
export interface ProgressOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * An `onProgress` callback for `{ done, total }` that draws on `out`.
 *
 * @example
 * ```ts
 * await simulateShop(sk, clock, invoices, log, progressReporter("trading days"));
 * ```
 */
export function progressReporter(what: string, out: ProgressOutput = process.stdout): (p: { done: number; total: number }) => void {
  const tty = out.isTTY === true;
  let quarter = 0;
  return ({ done, total }) => {
    if (tty) {
      out.write(`\r[${"#".repeat(total === 0 ? 40 : Math.round((done / total) * 40)).padEnd(40, ".")}] ${done}/${total} ${what}`);
      if (done === total) out.write("\n");
    } else if (done === total || done * 4 >= (quarter + 1) * total) {
      quarter = total === 0 ? 4 : Math.floor((done * 4) / total);
      out.write(`${what} ${done}/${total}\n`);
    }
  };
}
