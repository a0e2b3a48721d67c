export { NUMBER_SERIES, allocateDocumentNumber, formatDocumentNumber, numberSeriesState, seriesIdOf } from "./number-series.js";
export type { AllocatedNumber, NumberSeriesKey } from "./number-series.js";
