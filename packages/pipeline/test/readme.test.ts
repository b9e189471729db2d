import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../src/config/config-schema.js";

it("the README shows the embedded default config as it is", async () => {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Configuration"));
  const block = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  expect(block).toBeDefined();
  expect(JSON.parse(block!)).toEqual(DEFAULT_CONFIG);
});
