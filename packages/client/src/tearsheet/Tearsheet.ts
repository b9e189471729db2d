import { renderTearsheet } from "./render-tearsheet.js";
import type { TearsheetInput } from "./tearsheet-input.js";
import { computeTearsheetStatistics, type TearsheetStatistic } from "./tearsheet-statistics.js";
import { writeTearsheet } from "./write-tearsheet.js";

/**
 * A tearsheet held in memory: render it once, show it in a notebook, or write it to a file.
 *
 * In a tslab notebook (tslab renders HTML handed to it; @cexdata/client does not depend on tslab):
 * ```ts
 * import * as tslab from "tslab";
 * const sheet = new Tearsheet({ candles, provenance });
 * tslab.display.html(sheet.toHTML());
 * ```
 */
export class Tearsheet {
  readonly input: TearsheetInput;
  #html: string | undefined;

  constructor(input: TearsheetInput) {
    this.input = input;
  }

  /** The self-contained HTML document (`renderTearsheet`), rendered on first use. */
  toHTML(): string {
    this.#html ??= renderTearsheet(this.input);
    return this.#html;
  }

  /** The figures of the statistics table, as numbers. */
  statistics(): TearsheetStatistic[] {
    return computeTearsheetStatistics(this.input);
  }

  /** Writes the HTML to `path` (see `writeTearsheet`) and returns the absolute path written. */
  async write(path: string): Promise<string> {
    return writeTearsheet(path, this.input, this.toHTML());
  }
}
