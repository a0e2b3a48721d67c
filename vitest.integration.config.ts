import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.int.test.ts"],
    // Builds and packs the package once for the tests that install the tarball.
    globalSetup: ["tests/package/global-pack.ts"],
    setupFiles: ["tests/setup.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
