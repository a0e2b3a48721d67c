import { defineConfig } from "tsup";

// The CommonJS build: one bundle per entry point with its .d.cts declarations. The ES module
// build is `tsc -p tsconfig.build.json` (dist/esm, one file per source module), so bundlers
// tree-shake it per module ("sideEffects": false) and every entry point shares one kernel.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    "testing/index": "src/testing/index.ts",
    "testing/arbitraries": "src/testing/arbitraries.ts",
    "postgres/index": "src/postgres.ts",
  },
  format: ["cjs"],
  dts: true,
  sourcemap: false,
  clean: false,
  target: "node20",
  splitting: false,
  treeshake: true,
  external: ["fast-check", "pg", "@electric-sql/pglite"],
});
