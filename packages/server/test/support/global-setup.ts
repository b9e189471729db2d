import { rm } from "node:fs/promises";
import type { TestProject } from "vitest/node";
import { writePipelineDataset } from "./pipeline-dataset.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A dataset the pipeline wrote from the testkit, shared read-only by every test file. */
    datasetDir: string;
  }
}

/** Writes the shared dataset once for the whole suite (a pipeline run takes ~15 s on 2 cores). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await writePipelineDataset();
  project.provide("datasetDir", dir);
  return () => rm(dir, { recursive: true, force: true });
}
