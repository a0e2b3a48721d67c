/**
 * Docs that cannot rot: every fenced TypeScript block of README.md and docs/*.md is
 * type-checked and run against the packed tarball, installed into an empty ESM project as a
 * user would install it.
 *
 * The fence's info string says how a block is used:
 * - "ts": a whole ES module program (top-level await allowed): type-checked and run;
 * - "ts continued": continues the previous block of the same page (one program);
 * - "ts check-only": type-checked, not run (it needs a server, a test runner or a web framework);
 * - "ts cjs": a CommonJS program (a .cts file): type-checked and run;
 * - "ts partial": a deliberate fragment (an interface listing, a sketch with placeholders): neither.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packAndInstall, root, run, tsc } from "../package/packed.js";

type Mode = "run" | "check-only" | "cjs" | "partial";

interface Program {
  readonly id: string; // "docs/inventory.md:9"
  readonly slug: string;
  readonly mode: Mode;
  code: string;
}

const PAGES = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

function programsOf(page: string): Program[] {
  const lines = readFileSync(join(root, page), "utf8").split("\n");
  const programs: Program[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(?:\s+(.*))?$/.exec(lines[i] as string);
    if (!open) continue;
    const info = (open[2] ?? "").trim();
    const start = i + 1;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i] as string);
    const id = `${page}:${start}`;
    const slug = `${page.replace(/[^a-z0-9]+/gi, "_")}_${start}`;
    if (info === "continued") {
      const previous = programs.at(-1);
      if (!previous) throw new Error(`${id}: "ts continued" but no block before it on the page`);
      previous.code += `\n// --- ${id}\n${body.join("\n")}`;
      continue;
    }
    const mode: Mode = info === "" ? "run" : (info as Mode);
    if (!["run", "check-only", "cjs", "partial"].includes(mode)) throw new Error(`${id}: unknown fence info "ts ${info}"`);
    programs.push({ id, slug, mode, code: `// ${id}\n${body.join("\n")}` });
  }
  return programs;
}

const programs = PAGES.flatMap(programsOf);
const checked = programs.filter((p) => p.mode !== "partial");
const runnable = programs.filter((p) => p.mode === "run" || p.mode === "cjs");
let work = "";
let consumer = "";
let typeErrors = "";

beforeAll(() => {
  const packed = packAndInstall("storekeep-snippets-", ["fast-check@4", "pg@8", "@types/pg@8", "@types/node@20", "@electric-sql/pglite@0.5", "vitest@4"]);
  work = packed.work;
  consumer = packed.consumer;
  const dir = join(consumer, "snippets");
  mkdirSync(dir, { recursive: true });
  for (const p of checked) writeFileSync(join(dir, `${p.slug}.${p.mode === "cjs" ? "cts" : "mts"}`), `${p.code}\nexport {};\n`);
  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", lib: ["ES2022", "DOM"], types: ["node"], strict: true, skipLibCheck: true, rootDir: "snippets", outDir: "out", noUnusedLocals: false },
      include: ["snippets"],
    }),
  );
  try {
    run(tsc, ["-p", "tsconfig.json", "--pretty", "false"], consumer);
  } catch (error) {
    typeErrors = (error as Error).message;
  }
}, 900_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("documented snippets, against the packed tarball", () => {
  it("finds the snippets of every page (the extraction has teeth)", () => {
    expect(runnable.length).toBeGreaterThanOrEqual(10);
    expect(checked.some((p) => p.id.startsWith("README.md:"))).toBe(true);
    expect(checked.some((p) => p.id.startsWith("docs/getting-started.md:"))).toBe(true);
  });

  it("every snippet type-checks (strict, NodeNext)", () => {
    const perSnippet = typeErrors
      .split("\n")
      .filter((line) => /^snippets\/.*\(\d+,\d+\): error/.test(line))
      .map((line) => {
        const slug = line.slice("snippets/".length).replace(/\.[cm]ts\(.*/, "");
        return `${checked.find((p) => p.slug === slug)?.id ?? slug}: ${line}`;
      });
    expect(perSnippet).toEqual([]);
    expect(typeErrors).toBe("");
  });

  it.each(runnable.map((p) => [p.id, p] as const))("%s runs", (_id, p) => {
    const file = join(consumer, "out", `${p.slug}.${p.mode === "cjs" ? "cjs" : "mjs"}`);
    expect(existsSync(file), `${p.id} was not compiled`).toBe(true);
    run(process.execPath, [file], consumer);
  });
});
