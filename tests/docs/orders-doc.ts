/**
 * Keeps the state diagrams of docs/orders.md generated from the sales transition tables:
 * each block between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` is the
 * Mermaid diagram of machine NAME (order, payment, shipment, return).
 *
 * `npm run docs:orders` rewrites the blocks; `tests/docs/orders-doc.test.ts` fails when a
 * block and its table disagree.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SALES_STATE_MACHINES, mermaidStateDiagram } from "../../src/sales/state-machines.js";

const root = resolve(import.meta.dirname, "../..");
/** Where the page lives. */
export const ORDERS_DOC = join(root, "docs", "orders.md");

/** The page with every generated block rewritten from the tables. */
export function renderOrdersDoc(page: string): string {
  let out = page;
  for (const [name, machine] of Object.entries(SALES_STATE_MACHINES)) {
    const open = `<!-- generated:${name} -->`;
    const close = `<!-- /generated:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`docs/orders.md lacks the block ${open} ... ${close}`);
    const block = `${open}\n\`\`\`mermaid\n${mermaidStateDiagram(machine.table, machine.initial)}\n\`\`\`\n`;
    out = out.slice(0, start) + block + out.slice(end);
  }
  return out;
}

if (process.argv.includes("--write")) {
  writeFileSync(ORDERS_DOC, renderOrdersDoc(readFileSync(ORDERS_DOC, "utf8")));
  console.log(`wrote ${ORDERS_DOC}`);
}
