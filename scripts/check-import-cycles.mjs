#!/usr/bin/env node
// Fails when a package's source has an import cycle, between files or between folders.
//
// Every relative `import`/`export ... from` of packages/*/src (type-only imports included: a cycle of
// types is still two files that cannot be understood, moved or tested one without the other) makes an
// edge file -> file, and folder -> folder when the two files live in different folders. A cycle is a
// strongly connected component of more than one node (or a file importing itself). Run by `pnpm lint`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const packagesDir = path.join(root, "packages");

/** Every production .ts file under `dir` (a test may import across folders: it is no dependency). */
function listSources(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSources(full));
    else if (/\.ts$/.test(entry.name) && !/\.(d|test)\.ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)/g;

/** The .ts file a relative specifier names (`./x.js` -> `./x.ts`, a folder -> its index.ts). */
function resolveImport(fromFile, specifier) {
  if (!specifier.startsWith(".")) return null;
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [base.replace(/\.js$/, ".ts"), `${base}.ts`, path.join(base, "index.ts")];
  for (const c of candidates) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      // not this one
    }
  }
  return null;
}

/** Tarjan's strongly connected components of a graph given as Map<node, Set<node>>. */
function stronglyConnected(graph) {
  let index = 0;
  const indexes = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const visit = (start) => {
    // Iterative, so a deep import chain cannot overflow the call stack.
    const work = [[start, [...(graph.get(start) ?? [])], 0]];
    indexes.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node, edges] = frame;
      if (frame[2] < edges.length) {
        const next = edges[frame[2]++];
        if (!indexes.has(next)) {
          indexes.set(next, index);
          low.set(next, index++);
          stack.push(next);
          onStack.add(next);
          work.push([next, [...(graph.get(next) ?? [])], 0]);
        } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), indexes.get(next)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) === indexes.get(node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        components.push(component);
      }
    }
  };
  for (const node of graph.keys()) if (!indexes.has(node)) visit(node);
  return components;
}

function cyclesOf(graph) {
  return stronglyConnected(graph).filter((c) => c.length > 1 || (graph.get(c[0])?.has(c[0]) ?? false));
}

const problems = [];
let fileCount = 0;
for (const pkg of readdirSync(packagesDir).sort()) {
  const src = path.join(packagesDir, pkg, "src");
  try {
    if (!statSync(src).isDirectory()) continue;
  } catch {
    continue;
  }
  const files = listSources(src);
  fileCount += files.length;
  const fileGraph = new Map(files.map((f) => [f, new Set()]));
  const folderGraph = new Map();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(SPECIFIER)) {
      const target = resolveImport(file, match[1] ?? match[2]);
      if (target === null || !fileGraph.has(target)) continue;
      fileGraph.get(file).add(target);
      const from = path.dirname(file);
      const to = path.dirname(target);
      if (!folderGraph.has(from)) folderGraph.set(from, new Set());
      if (!folderGraph.has(to)) folderGraph.set(to, new Set());
      if (from !== to) folderGraph.get(from).add(to);
    }
  }
  const rel = (p) => path.relative(root, p) || ".";
  for (const cycle of cyclesOf(fileGraph))
    problems.push(`file cycle: ${cycle.map(rel).sort().join(" <-> ")}`);
  for (const cycle of cyclesOf(folderGraph))
    problems.push(
      `folder cycle: ${cycle
        .map((d) => `${rel(d)}/`)
        .sort()
        .join(" <-> ")}`,
    );
}

if (problems.length > 0) {
  console.error(`import cycles in packages/*/src (${problems.length}):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`no import cycles between files or folders (${fileCount} files in packages/*/src)`);
