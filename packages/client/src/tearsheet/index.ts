export { renderTearsheet } from "./render-tearsheet.js";
export { writeTearsheet } from "./write-tearsheet.js";
export { Tearsheet } from "./Tearsheet.js";
export { computeTearsheetStatistics, type TearsheetStatistic } from "./tearsheet-statistics.js";
export { TearsheetInputError } from "./tearsheet-input-error.js";
export type {
  TearsheetFundingRow,
  TearsheetInput,
  TearsheetOpenInterestRow,
  TearsheetProvenance,
} from "./tearsheet-input.js";
export { tearsheetForToken, type TearsheetToken, type TokenTearsheetOptions } from "./token-tearsheet.js";
