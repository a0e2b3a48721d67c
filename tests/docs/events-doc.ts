/**
 * Generates docs/events.md from the event catalog: each event's description (the TSDoc of
 * its schema), its fields and types (the schema's JSON Schema, input side), what finance
 * posts for it (the posting rule run on the catalog's example) and the example payload.
 *
 * `npm run docs:events` writes the page; `tests/docs/events-doc.test.ts` fails when the page
 * and the catalog disagree.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { DEFAULT_ACCOUNTS, DEFAULT_ACCOUNT_MAP } from "../../src/finance/chart.js";
import { unitsToString } from "../../src/finance/posting-kernel.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { postingRules } from "../../src/finance/posting-rules.js";
import { eventCatalog, eventDefinitions, eventExamples, INVENTORY_EVENT_TYPES, PURCHASING_EVENT_TYPES, SALES_EVENT_TYPES, type EventType } from "../../src/kernel/events/index.js";

const root = resolve(import.meta.dirname, "../..");
/** Where the page lives. */
export const EVENTS_DOC = join(root, "docs", "events.md");

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
};

/** The prose of each `export const xxxSchema` TSDoc block in src/kernel/events, by schema name. */
function schemaProse(): Map<string, string> {
  const dir = join(root, "src", "kernel", "events");
  const prose = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(dir, file), "utf8");
    // The block right before the schema: a body never spans a `*/` (a field's comment inside the previous schema is not its prose).
    for (const match of text.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export const (\w+Schema)\b/g)) {
      const body = (match[1] as string)
        .split("\n")
        .map((line) => line.replace(/^\s*\* ?/, ""))
        .join("\n");
      const beforeTags = body.split(/\n@\w+/)[0] as string;
      prose.set(match[2] as string, beforeTags.replace(/\s+/g, " ").trim());
    }
  }
  return prose;
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(" \\| ");
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return [...new Set(options.map(typeOf))].join(" \\| ");
  if (schema.type === "array") return `${schema.items ? typeOf(schema.items) : "unknown"}[]`;
  if (schema.type === "object" && schema.properties) {
    const keys = Object.keys(schema.properties);
    if (keys.length === 2 && keys.includes("amount") && keys.includes("currency")) return "money";
    return "object";
  }
  if (Array.isArray(schema.type)) return schema.type.join(" \\| ");
  return schema.type ?? "any";
}

/** One row per field, nested objects and array items flattened into dotted paths. */
function rows(schema: JsonSchema, prefix: string, out: string[][]): void {
  const required = new Set(schema.required ?? []);
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    const type = typeOf(field);
    out.push([`\`${path}\``, type, required.has(name) ? "yes" : "no"]);
    if (type === "object") rows(field, `${path}.`, out);
    if (field.type === "array" && field.items?.type === "object" && typeOf(field.items) !== "money") rows(field.items, `${path}[].`, out);
  }
}

const ACCOUNT_NAMES = new Map(DEFAULT_ACCOUNTS.map((a) => [a.code, a.name]));

function postingsOf(type: EventType): string {
  const payload = eventCatalog.parsePayload(type, eventExamples[type]);
  const rule = postingRules[type] as (event: unknown, context: unknown) => readonly { memo: string; domain: string; lines: readonly { account: string; currency: string; amount: bigint; functional: bigint }[] }[];
  const entries = rule({ id: "evt_1", type, effectiveDate: "2026-11-27", payload }, { accountMap: DEFAULT_ACCOUNT_MAP, functionalCurrency: "EUR" });
  if (entries.length === 0) return "Posts nothing (no value moves).";
  return entries
    .map((entry) => {
      const lines = entry.lines.map((line) => {
        const side = line.functional > 0n || (line.functional === 0n && line.amount > 0n) ? "Dr" : "Cr";
        const abs = (u: bigint) => new Decimal(unitsToString(u < 0n ? -u : u)).toFixed(2);
        const foreign = line.currency === "EUR" ? "" : ` (${abs(line.amount)} ${line.currency})`;
        return `| ${side} | ${line.account} ${ACCOUNT_NAMES.get(line.account) ?? ""} | ${abs(line.functional)} EUR${foreign} |`;
      });
      return [`Entry (${entry.domain} domain): ${entry.memo}`, "", "| | account | amount |", "| --- | --- | --- |", ...lines].join("\n");
    })
    .join("\n\n");
}

/** The whole page, generated. */
export function renderEventsDoc(): string {
  const prose = schemaProse();
  const out: string[] = [
    "# Events",
    "",
    "<!-- Generated from the event catalog by `npm run docs:events`; a test fails when this page and the catalog disagree. Do not edit by hand. -->",
    "",
    "Every business event storekeep records or emits, with its fields, what the books post for it and",
    "an example payload. Amounts are `{ amount, currency }` with the amount as a decimal string; quantities",
    "and rates are decimal strings. `sk.recordEvents` takes these payloads (see getting-started.md); the",
    "default chart's accounts are shown for the postings (a shop's account map may send a role elsewhere),",
    "for the catalog's example payload in a shop whose functional currency is EUR.",
    "",
  ];
  const groups: [string, readonly EventType[]][] = [
    ["Sales", SALES_EVENT_TYPES],
    ["Purchasing", PURCHASING_EVENT_TYPES],
    ["Inventory", INVENTORY_EVENT_TYPES],
  ];
  const listed = new Set(groups.flatMap(([, types]) => types));
  const rest = (Object.keys(eventDefinitions) as EventType[]).filter((t) => !listed.has(t));
  if (rest.length > 0) groups.push(["Other", rest]);
  for (const [group, types] of groups) {
    out.push(`## ${group}`, "", ...types.map((t) => `- [${t}](#${t.toLowerCase()})`), "");
    for (const type of types) {
      const definition = eventDefinitions[type];
      const json = z.toJSONSchema(definition.schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
      const table: string[][] = [];
      rows(json, "", table);
      const schemaName = `${type.charAt(0).toLowerCase()}${type.slice(1)}Schema`;
      out.push(
        `### ${type}`,
        "",
        `Schema version ${definition.schemaVersion}. ${prose.get(schemaName) ?? ""}`.trim(),
        "",
        "| field | type | required |",
        "| --- | --- | --- |",
        ...table.map((r) => `| ${r.join(" | ")} |`),
        "",
        "**Posts** (default chart):",
        "",
        postingsOf(type),
        "",
        "Example payload:",
        "",
        "```json",
        JSON.stringify(eventExamples[type], null, 2),
        "```",
        "",
      );
    }
  }
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

if (process.argv.includes("--write")) {
  writeFileSync(EVENTS_DOC, renderEventsDoc());
  console.log(`wrote ${EVENTS_DOC}`);
}
