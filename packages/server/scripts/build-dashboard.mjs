// Builds the dashboard at package build time: esbuild bundles dashboard/main.ts with lightweight-charts
// into dist/dashboard/app.js (no CDN at run time), beside index.html and app.css.
import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "dist", "dashboard");
await mkdir(out, { recursive: true });
await build({
  entryPoints: [path.join(root, "dashboard", "main.ts")],
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,
  sourcemap: true,
  outfile: path.join(out, "app.js"),
  logLevel: "warning",
});
for (const file of ["index.html", "app.css"])
  await copyFile(path.join(root, "dashboard", file), path.join(out, file));
process.stdout.write(`dashboard built into ${path.relative(process.cwd(), out) || "."}\n`);
