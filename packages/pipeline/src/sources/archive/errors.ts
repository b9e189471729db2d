/** The archive has no such file (yet): daily files appear the next day, monthly ones in the first week. */
export class ArchiveNotFoundError extends Error {
  override readonly name = "ArchiveNotFoundError";
  constructor(readonly url: string) {
    super(`archive file not published: ${url}`);
  }
}

/** A zip whose sha256 differs from its `.CHECKSUM`, or that will not unzip. Never reaches the dataset. */
export class ArchiveIntegrityError extends Error {
  override readonly name = "ArchiveIntegrityError";
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`archive file refused (${reason}): ${url}`);
  }
}

/** The archive answered with something other than 200 / 404 after the retries. */
export class ArchiveFetchError extends Error {
  override readonly name = "ArchiveFetchError";
  constructor(
    readonly url: string,
    readonly status: number | null,
    message: string,
  ) {
    super(`archive fetch failed (${status ?? "network"}): ${url}: ${message}`);
  }
}

/** A CSV whose columns do not match the format its date implies (e.g. a header where none was expected). */
export class ArchiveFormatError extends Error {
  override readonly name = "ArchiveFormatError";
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`archive CSV ${file} does not match its format: ${message}`);
  }
}

/** A symbol or table the archive does not carry (e.g. open interest of a spot market). */
export class ArchiveUnsupportedError extends Error {
  override readonly name = "ArchiveUnsupportedError";
}
