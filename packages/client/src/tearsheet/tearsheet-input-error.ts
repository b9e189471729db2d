/** The data given to `renderTearsheet` cannot make a sheet (too few candles, non-finite prices). */
export class TearsheetInputError extends Error {
  override readonly name = "TearsheetInputError";
  readonly reason: "too-few-candles" | "invalid-candle";

  constructor(message: string, reason: TearsheetInputError["reason"]) {
    super(message);
    this.reason = reason;
  }
}
