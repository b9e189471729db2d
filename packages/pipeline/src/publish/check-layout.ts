import type { DatasetSpec } from "@cexdata/schema";
import { PublishError } from "./errors.js";
import { filesOf } from "../store/read-local-dataset.js";

/**
 * The Hub's "Repository limitations and recommendations" (huggingface.co/docs/hub/storage-limits):
 * under 100k files per repo and under 10k entries per folder. A repo past them degrades (listing,
 * the web UI, git); the Hub refuses more than 10k files in one folder.
 */
export const HUB_LAYOUT_LIMITS = { filesPerRepo: 100_000, entriesPerFolder: 10_000 } as const;

export interface LayoutLimits {
  readonly filesPerRepo: number;
  readonly entriesPerFolder: number;
}

export interface LayoutReport {
  readonly files: number;
  /** The folder with the most entries (files and sub-folders directly inside it), "" for the root. */
  readonly fullestFolder: string;
  readonly fullestFolderEntries: number;
}

/** Files beside the data that every published repo holds. */
const REPO_FILES = [".gitattributes", "README.md", "spec.json"];

/** Counts the files of the repo a spec describes and the entries of its fullest folder. */
export function measureLayout(paths: Iterable<string>): LayoutReport {
  const all = new Set([...REPO_FILES, ...paths]);
  const entries = new Map<string, Set<string>>();
  for (const path of all) {
    const parts = path.split("/");
    for (let i = 0; i < parts.length; i++) {
      const folder = parts.slice(0, i).join("/");
      let set = entries.get(folder);
      if (!set) entries.set(folder, (set = new Set()));
      set.add(parts[i]!);
    }
  }
  let fullestFolder = "";
  let fullestFolderEntries = 0;
  for (const [folder, set] of entries) {
    if (set.size > fullestFolderEntries) [fullestFolder, fullestFolderEntries] = [folder, set.size];
  }
  return { files: all.size, fullestFolder, fullestFolderEntries };
}

/** Refuses a dataset whose repo would reach the Hub's recommended limits, with the numbers and a way out. */
export function checkLayout(spec: DatasetSpec, limits: LayoutLimits = HUB_LAYOUT_LIMITS): LayoutReport {
  const report = measureLayout(filesOf(spec).keys());
  if (report.files >= limits.filesPerRepo) {
    throw new PublishError(
      "layout",
      `the dataset would hold ${report.files} files, and the Hub recommends under ${limits.filesPerRepo} per repo: ` +
        `use coarser partitions (a year per file instead of a month) or split the dataset into several repos`,
    );
  }
  if (report.fullestFolderEntries >= limits.entriesPerFolder) {
    throw new PublishError(
      "layout",
      `folder ${report.fullestFolder || "(root)"} would hold ${report.fullestFolderEntries} entries, and the Hub ` +
        `recommends under ${limits.entriesPerFolder} per folder: partition it into sub-folders ` +
        `(as data/<table>/base=<BASE>/ does) or merge its files into fewer`,
    );
  }
  return report;
}
