import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.int.test.ts"],
    // Builds and packs the package once for the tests that install the tarball.
    globalSetup: ["tests/package/global-pack.ts"],
    setupFiles: ["tests/setup.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Files run side by side, one worker per core: each uses its own schemas on the server,
    // its own temporary directories and its own connections (the connection-loss test
    // terminates only its own backends). On a 2-core machine the longest file, the
    // simulator on the server (~2 minutes), sets the pace.
    maxWorkers: availableParallelism(),
  },
});
