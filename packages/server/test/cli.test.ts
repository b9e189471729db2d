import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, inject, it } from "vitest";

// The bin as installed: dist/cli/main.js (build the package first).
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli", "main.js");

it("cexdata-server serves a dataset on the port it prints and stops cleanly on SIGTERM", async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run pnpm --filter @cexdata/server build`);
  const child = spawn(process.execPath, [CLI, "--dataset", inject("datasetDir"), "--port", "0"], {
    env: { ...process.env, CEXDATA_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  let stdout = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`exited ${code} before listening: ${stdout}`)));
  });
  expect(stdout).toContain(`dashboard ${url}/`);
  const rows = (await (await fetch(`${url}/v1/tokens/ETH/ohlcv?interval=1h&limit=3`)).json()) as unknown[];
  expect(rows).toHaveLength(3);
  expect((await fetch(`${url}/`)).headers.get("content-type")).toMatch(/text\/html/);
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
});

it("cexdata-server without a dataset says what is missing and exits 2", async () => {
  const child = spawn(process.execPath, [CLI], {
    env: { PATH: process.env.PATH },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  expect(code).toBe(2);
  expect(stderr).toContain("--dataset is required");
});
