import { defineTaxCodes } from "../../../src/finance/tax/index.js";

/** A small, realistic code table: Germany (with the 2020 cut), France, Austria, Canada/Quebec, Switzerland. */
export const taxCodes = defineTaxCodes([
  {
    code: "DE-STD",
    jurisdiction: { country: "DE" },
    category: "standard",
    kind: "standard",
    rates: [
      { rate: "0.19", validFrom: "2007-01-01", validTo: "2020-06-30" },
      { rate: "0.16", validFrom: "2020-07-01", validTo: "2020-12-31" },
      { rate: "0.19", validFrom: "2021-01-01" },
    ],
  },
  { code: "DE-RED", jurisdiction: { country: "DE" }, category: "food", kind: "reduced", rates: [{ rate: "0.07", validFrom: "2007-01-01" }] },
  { code: "DE-ZERO", jurisdiction: { country: "DE" }, category: "solar", kind: "zero", rates: [{ rate: "0", validFrom: "2023-01-01" }] },
  { code: "DE-EX", jurisdiction: { country: "DE" }, category: "insurance", kind: "exempt", rates: [{ rate: "0", validFrom: "2007-01-01" }] },
  { code: "DE-RC", jurisdiction: { country: "DE" }, category: "*", kind: "reverse-charge", rates: [{ rate: "0.19", validFrom: "2007-01-01" }] },
  { code: "DE-EXP", jurisdiction: { country: "DE" }, category: "*", kind: "zero", rates: [{ rate: "0", validFrom: "2007-01-01" }] },
  { code: "FR-STD", jurisdiction: { country: "FR" }, category: "standard", kind: "standard", rates: [{ rate: "0.2", validFrom: "2014-01-01" }] },
  { code: "FR-RED", jurisdiction: { country: "FR" }, category: "food", kind: "reduced", rates: [{ rate: "0.055", validFrom: "2014-01-01" }] },
  { code: "AT-STD", jurisdiction: { country: "AT" }, category: "standard", kind: "standard", rates: [{ rate: "0.2", validFrom: "2016-01-01" }] },
  { code: "CA-GST", jurisdiction: { country: "CA" }, category: "standard", kind: "standard", rates: [{ rate: "0.05", validFrom: "2008-01-01" }] },
  { code: "CA-QC-QST", jurisdiction: { country: "CA", region: "QC" }, category: "standard", kind: "standard", rates: [{ rate: "0.09975", validFrom: "2013-01-01" }] },
  {
    code: "CA-QC-QST-1995",
    jurisdiction: { country: "CA", region: "QC" },
    category: "legacy",
    kind: "standard",
    compound: true,
    rates: [{ rate: "0.085", validFrom: "2012-01-01" }],
  },
  { code: "CA-GST-LEGACY", jurisdiction: { country: "CA" }, category: "legacy", kind: "standard", rates: [{ rate: "0.05", validFrom: "2008-01-01" }] },
  { code: "CH-STD", jurisdiction: { country: "CH" }, category: "standard", kind: "standard", rates: [{ rate: "0.081", validFrom: "2024-01-01" }] },
]);

export const DE = { country: "DE" } as const;
