import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@cexdata/source"] },
  ssr: { resolve: { conditions: ["@cexdata/source"] } },
  test: {
    name: "server",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
