import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { Unzip, UnzipInflate, UnzipPassThrough } from "fflate";
import { ArchiveIntegrityError } from "./errors.js";

/**
 * Stream-unzips the single CSV of a verified archive zip into `csvPath`, never holding the whole
 * file in memory. A zip that is truncated, holds no CSV or will not inflate is refused.
 */
export async function unzipCsv(params: { zipPath: string; csvPath: string; url: string }): Promise<void> {
  const out = await open(params.csvPath, "w");
  const pending: Uint8Array[] = [];
  let failure: string | null = null;
  let files = 0;
  let finished = false;
  const unzip = new Unzip((file) => {
    if (!file.name.toLowerCase().endsWith(".csv")) return;
    if (++files > 1) {
      failure = "more than one CSV in the zip";
      return;
    }
    file.ondata = (err, chunk, final) => {
      if (err) failure = `inflate: ${err.message}`;
      else {
        pending.push(chunk);
        if (final) finished = true;
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  try {
    for await (const chunk of createReadStream(params.zipPath, { highWaterMark: 1 << 20 })) {
      unzip.push(chunk as Uint8Array);
      for (const piece of pending.splice(0)) await out.write(piece);
      if (failure !== null) break;
    }
    if (failure === null) unzip.push(new Uint8Array(0), true);
    for (const piece of pending.splice(0)) await out.write(piece);
  } catch (err) {
    failure ??= err instanceof Error ? err.message : String(err);
  } finally {
    await out.close();
  }
  if (failure === null && files === 0) failure = "no CSV in the zip";
  if (failure === null && !finished) failure = "truncated zip";
  if (failure !== null) throw new ArchiveIntegrityError(params.url, `corrupt zip: ${failure}`);
}
