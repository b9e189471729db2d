/**
 * The version of the dataset contract a spec.json was written under, `MAJOR.MINOR`. A minor version
 * only adds (a nullable column, a table): a reader of an older minor ignores what it does not know.
 * A major version changes what existing columns or files mean: a reader refuses a newer major rather
 * than misread it. A spec.json without `schema_version` was written before versions were recorded: 1.0.
 *
 * 1.0  the tables of the first release.
 * 1.1  mark_ohlcv_1h, index_ohlcv_1h, premium_index_ohlcv_1h, long_short_ratios; taker_buy_volume and
 *      taker_buy_quote_volume in ohlcv_1m|1h|1d.
 * 1.2  funding_predictions; liquidations and book_depth keep each closed year in one `YYYY.parquet`
 *      (months while the year is open); funding_rates, open_interest, mark/index/premium_index_ohlcv_1h,
 *      long_short_ratios and funding_predictions keep every closed year of a base in one `all.parquet`
 *      (the open year in `YYYY.parquet`). Columns and rows of existing tables are unchanged, `all` is a
 *      period a 1.x client already parses, and it picks files by their min/max ts whatever their
 *      period, so it reads the new layout: a minor version.
 */
export const SCHEMA_VERSION = "1.2";

/** What a spec.json without a schema_version was written under. */
export const UNVERSIONED_SCHEMA = "1.0";

export const SCHEMA_VERSION_PATTERN = /^(\d{1,4})\.(\d{1,4})$/;

export class SchemaVersionError extends Error {
  override readonly name = "SchemaVersionError";
  constructor(
    /** The dataset's schema_version. */
    readonly datasetVersion: string,
    /** The version this code reads. */
    readonly supportedVersion: string,
  ) {
    super(
      `the dataset is written in schema ${datasetVersion}, a newer major version than the schema ` +
        `${supportedVersion} this code reads; upgrade @cexdata/client (or @cexdata/pipeline) to read it`,
    );
  }
}

function majorOf(version: string): number {
  const m = SCHEMA_VERSION_PATTERN.exec(version);
  return m ? Number(m[1]) : Number.NaN;
}

/** Throws SchemaVersionError when `datasetVersion` has a newer major than `supported`. */
export function assertReadableSchema(
  datasetVersion: string | undefined,
  supported: string = SCHEMA_VERSION,
): void {
  if (majorOf(datasetVersion ?? UNVERSIONED_SCHEMA) > majorOf(supported)) {
    throw new SchemaVersionError(datasetVersion ?? UNVERSIONED_SCHEMA, supported);
  }
}
