import { defineConfig } from "vitest/config";

// One `vitest run` at the root runs every package's suite as a project.
export default defineConfig({
  test: {
    projects: ["packages/*"],
    reporters: process.env.CI ? ["default"] : ["default"],
  },
});
