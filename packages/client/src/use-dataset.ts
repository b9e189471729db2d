import { Dataset, type DatasetOptions } from "./Dataset.js";

let shared: Dataset | null = null;

/** The Dataset a Token uses: the one given, one built from options, or one shared default per process. */
export function useDataset(dataset: Dataset | DatasetOptions | string | undefined): Dataset {
  if (dataset instanceof Dataset) return dataset;
  if (dataset !== undefined) return new Dataset(dataset);
  shared ??= new Dataset();
  return shared;
}
