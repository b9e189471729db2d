/**
 * Reads a `.CHECKSUM` file: `<sha256 hex><two spaces><zip name>`, with or without a trailing
 * newline (Binance's have none). Returns the hex digest, or null if the file does not name `zipName`.
 */
export function parseChecksum(text: string, zipName: string): string | null {
  const m = /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(text.trim());
  if (!m || m[2] !== zipName) return null;
  return m[1]!.toLowerCase();
}
