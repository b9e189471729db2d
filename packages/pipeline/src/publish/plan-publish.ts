import {
  SCHEMA_VERSION,
  TABLE_NAMES,
  type DatasetSpec,
  type SpecFile,
  type SpecTable,
} from "@cexdata/schema";
import { mergeFreshness } from "../store/merge-freshness.js";
import { PublishError } from "./errors.js";
import { filesOf } from "../store/read-local-dataset.js";

/** What the Hub holds at one revision, as far as publishing cares. */
export interface HubSnapshot {
  /** The commit these were read at; null for a repo without commits. */
  readonly head: string | null;
  readonly spec: DatasetSpec | null;
}

export interface PublishPlan {
  /** spec.json the commit writes. */
  readonly spec: DatasetSpec;
  /** True when that is the local spec.json unchanged (uploaded byte for byte). */
  readonly specIsLocal: boolean;
  /** Whether spec.json itself differs from the Hub's (false: only the card changed). */
  readonly specChanged: boolean;
  /** Data files to upload from the local dataset: new, or a different sha256 than the Hub's. */
  readonly uploads: readonly string[];
  /** Data files on the Hub the new spec no longer lists. */
  readonly deletes: readonly string[];
  /** True when the Hub's entries were merged in after losing a race. */
  readonly merged: boolean;
}

export interface PlanPublishParams {
  readonly local: DatasetSpec;
  readonly hub: HubSnapshot;
  /**
   * The snapshot of the first attempt, when this plan is made after losing the race for the branch
   * head: the Hub moved from `base` to `hub` under us, and the other publisher's work is merged in.
   */
  readonly base?: HubSnapshot;
  readonly now: Date;
}

/** Decides what one commit must hold. Pure: no I/O, so the rules read (and test) on their own. */
export function planPublish(params: PlanPublishParams): PublishPlan {
  const { local, hub, base } = params;
  if (!hub.spec) return fullPlan(local, [], true);
  if (sameTables(local, hub.spec)) return fullPlan(hub.spec, [], false, false);
  if (!base) {
    if (local.version <= hub.spec.version) {
      throw new PublishError(
        "stale-version",
        `local spec.json is version ${local.version} but the Hub already has version ${hub.spec.version} ` +
          `with different content; version must strictly increase: rebuild from the Hub's current files ` +
          `(or raise the version if this dataset is meant to replace it)`,
      );
    }
    return diffPlan(local, hub.spec, true, false);
  }
  const merged = mergeSpecs({ local, hub: hub.spec, base: base.spec, now: params.now });
  if (sameTables(merged, hub.spec)) return fullPlan(hub.spec, [], false, false);
  return diffPlan(merged, hub.spec, merged === local, true);
}

function fullPlan(
  spec: DatasetSpec,
  deletes: string[],
  specIsLocal: boolean,
  specChanged = true,
): PublishPlan {
  const uploads = specChanged ? [...filesOf(spec).keys()] : [];
  return { spec, specIsLocal, specChanged, uploads, deletes, merged: false };
}

function diffPlan(spec: DatasetSpec, hub: DatasetSpec, specIsLocal: boolean, merged: boolean): PublishPlan {
  const hubFiles = filesOf(hub);
  const next = filesOf(spec);
  const uploads = [...next.values()]
    .filter((f) => hubFiles.get(f.path)?.sha256 !== f.sha256)
    .map((f) => f.path);
  const deletes = [...hubFiles.keys()].filter((p) => !next.has(p));
  return { spec, specIsLocal, specChanged: true, uploads, deletes, merged };
}

/**
 * Three-way merge of spec.json after another publisher committed between our read (`base`) and our
 * commit (`hub`): our files win where only we changed them; files the other publisher added or changed
 * are kept; a file both changed differently cannot be merged here (its rows would be lost) and is refused.
 * `version` becomes greater than both.
 */
export function mergeSpecs(p: {
  local: DatasetSpec;
  hub: DatasetSpec;
  base: DatasetSpec | null;
  now: Date;
}): DatasetSpec {
  const { local, hub } = p;
  const base = p.base ? filesOf(p.base) : new Map<string, SpecFile>();
  const hubFiles = filesOf(hub);
  for (const [path, mine] of filesOf(local)) {
    const theirs = hubFiles.get(path);
    if (!theirs || theirs.sha256 === mine.sha256) continue;
    const theyChanged = base.get(path)?.sha256 !== theirs.sha256;
    const weChanged = base.get(path)?.sha256 !== mine.sha256;
    if (theyChanged && weChanged) {
      throw new PublishError(
        "conflict",
        `${path} was changed by another publisher while this run changed it too; ` +
          `re-run from the Hub's current files so both sets of rows end up in it`,
      );
    }
  }
  const tables: DatasetSpec["tables"] = {};
  for (const name of TABLE_NAMES) {
    const mine = local.tables[name];
    const theirs = hub.tables[name];
    if (!mine && !theirs) continue;
    tables[name] = mergeTable(mine, theirs, p.base?.tables[name], base);
  }
  // Our entries and the other publisher's: a run of other exchanges never erases ours, nor ours theirs.
  const freshness = mergeFreshness(p.base?.freshness, [local.freshness, hub.freshness]);
  const merged = { ...local, tables, ...(freshness && { freshness }) };
  if (sameTables(merged, local)) {
    return local.version > hub.version ? local : { ...local, version: hub.version + 1 };
  }
  return {
    version: Math.max(local.version, hub.version + 1),
    schema_version: SCHEMA_VERSION,
    update_time: p.now.toISOString(),
    tables,
    ...(freshness && { freshness }),
  };
}

function mergeTable(
  mine: SpecTable | undefined,
  theirs: SpecTable | undefined,
  baseTable: SpecTable | undefined,
  baseFiles: ReadonlyMap<string, SpecFile>,
): SpecTable {
  const files = new Map((mine?.files ?? []).map((f) => [f.path, f]));
  for (const f of theirs?.files ?? []) {
    const deletedByUs = mine !== undefined && baseFiles.get(f.path)?.sha256 === f.sha256;
    const ours = files.get(f.path);
    // Theirs replaces ours only where we left the base's version in place and they changed it.
    if (ours ? ours.sha256 === baseFiles.get(f.path)?.sha256 : !deletedByUs) files.set(f.path, f);
  }
  const table: SpecTable = {
    columns: (mine ?? theirs)!.columns,
    files: [...files.values()].sort((a, b) => a.path.localeCompare(b.path)),
  };
  const gaps = mergeEntries(mine?.gaps, theirs?.gaps, baseTable?.gaps);
  const coverage = mergeEntries(mine?.coverage, theirs?.coverage, baseTable?.coverage);
  if (gaps) table.gaps = gaps;
  if (coverage) table.coverage = coverage;
  return table;
}

/** Ours, plus what the other publisher added since the base (entries compared whole). */
function mergeEntries<T>(mine?: readonly T[], theirs?: readonly T[], base?: readonly T[]): T[] | undefined {
  if (!mine && !theirs) return undefined;
  const key = (e: T) => canonicalJson(e);
  const out = new Map((mine ?? []).map((e) => [key(e), e]));
  const inBase = new Set((base ?? []).map(key));
  for (const e of theirs ?? []) if (!inBase.has(key(e))) out.set(key(e), e);
  return [...out.values()];
}

/** Same files, gaps, coverage and freshness, whatever the version and update time say. */
export function sameTables(a: DatasetSpec, b: DatasetSpec): boolean {
  return canonicalTables(a) === canonicalTables(b);
}

function canonicalTables(spec: DatasetSpec): string {
  const sorted = (xs: readonly unknown[]) => xs.map((x) => canonicalJson(x)).sort();
  const out: string[] = [];
  for (const name of TABLE_NAMES) {
    const t = spec.tables[name];
    if (!t) continue;
    out.push(
      canonicalJson({
        name,
        columns: t.columns.map(canonicalJson),
        files: sorted(t.files),
        gaps: sorted(t.gaps ?? []),
        coverage: sorted(t.coverage ?? []),
      }),
    );
  }
  out.push(sorted(spec.freshness ?? []).join(","));
  return out.join("\n");
}

/** JSON with object keys sorted, so two equal values always print the same. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
