import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isValidIban } from "../../src/purchasing/bank-account.js";
import { sepaText } from "../../src/purchasing/sepa.js";
import type { Storekeep } from "../../src/storekeep.js";
import { KINDS, codeOf, pgliteHolder, shop } from "./helpers.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

const DEBTOR = { name: "Mugs & More GmbH", iban: "DE02 1203 0000 0000 2020 51" };

/** A received and billed order of 100 × 1 from `supplierId` (no tax), billed on 2026-03-02 as `reference`. */
async function billed(sk: Storekeep, id: string, supplierId: string, reference?: string): Promise<void> {
  await sk.purchasing.createOrder({ purchaseOrderId: id, supplierId, warehouseId: "wh", lines: [{ sku: "MUG", quantity: 100, unitPrice: "1.19" }] });
  await sk.purchasing.sendOrder({ purchaseOrderId: id });
  await sk.purchasing.receiveGoods({ receiptId: `grn_${id}`, purchaseOrderId: id, lines: [{ lineId: "1", quantity: 100 }] });
  await sk.purchasing.recordBill({ billId: `b_${id}`, purchaseOrderId: id, date: "2026-03-02", ...(reference === undefined ? {} : { supplierReference: reference }), lines: [{ lineId: "1", quantity: 100, unitPrice: "1.19" }] });
}

/** Every tag opened is closed in order (the file is well-formed XML as far as its elements go). */
function balanced(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.replace(/<\?xml[^>]*\?>/, "").matchAll(/<(\/?)([A-Za-z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === "/") continue;
    if (m[1] === "/") {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]!);
  }
  return stack.length === 0;
}

const all = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`, "g"))].map((m) => m[1]);

describe("IBANs and SEPA text", () => {
  it("an IBAN is checked by its check digits (ISO 13616 mod 97), with or without spaces", () => {
    for (const good of ["DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "fr1420041010050500013m02606", "NL91ABNA0417164300", DEBTOR.iban]) expect(isValidIban(good), good).toBe(true);
    for (const bad of ["DE88370400440532013000", "GB82WEST12345698765433", "DE8937040044", "1289370400440532013000", ""]) expect(isValidIban(bad), bad).toBe(false);
  });

  it("SEPA text drops accents and keeps only the SEPA characters, cut to the field's length", () => {
    expect(sepaText("Müller & Söhne GmbH", 70)).toBe("Muller   Sohne GmbH");
    expect(sepaText("Straße 5 <b>", 70)).toBe("Strasse 5  b");
    expect(sepaText("x".repeat(80), 70)).toHaveLength(70);
  });
});

describe.each(KINDS)("purchasing.sepaCreditTransfer on %s", (kind) => {
  it("writes the bank file of recorded supplier payments: one transfer each to the supplier's IBAN, the sum in the header and the block, the supplier's invoice numbers as remittance", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "acme", name: "Müller & Söhne GmbH", currency: "EUR", leadTimeDays: 7, taxTreatment: "none", bank: { iban: "de89 3704 0044 0532 0130 00", bic: "cobadeffxxx" } });
    await sk.purchasing.defineSupplier({ supplierId: "beta", currency: "EUR", leadTimeDays: 7, taxTreatment: "none", bank: { iban: "NL91ABNA0417164300", name: "Beta B.V." } });
    expect((await sk.purchasing.supplier("acme"))?.bank).toEqual({ iban: "DE89370400440532013000", bic: "COBADEFFXXX" });
    await billed(sk, "po_1", "acme", "ACME-77");
    await billed(sk, "po_2", "acme", "ACME-78");
    await billed(sk, "po_3", "beta");
    clock.set("2026-03-10T09:30:00.000Z");
    await sk.purchasing.paySupplier({ paymentId: "sp_1", supplierId: "acme", billIds: ["b_po_1", "b_po_2"] });
    await sk.purchasing.paySupplier({ paymentId: "sp_2", supplierId: "beta", billIds: ["b_po_3"], amount: "100" });

    const file = await sk.purchasing.sepaCreditTransfer({ messageId: "RUN-2026-03-10", paymentIds: ["sp_1", "sp_2"], debtor: DEBTOR, executionDate: "2026-03-11" });
    expect(file).toMatchObject({ messageId: "RUN-2026-03-10", version: "pain.001.001.09", createdAt: "2026-03-10T09:30:00Z", executionDate: "2026-03-11", numberOfTransactions: 2, controlSum: "338.00" });
    expect(file.transfers).toEqual([
      { paymentId: "sp_1", supplierId: "acme", creditor: "Müller & Söhne GmbH", iban: "DE89370400440532013000", bic: "COBADEFFXXX", amount: "238.00", remittance: "ACME-77, ACME-78" },
      { paymentId: "sp_2", supplierId: "beta", creditor: "Beta B.V.", iban: "NL91ABNA0417164300", bic: null, amount: "100.00", remittance: "b_po_3" },
    ]);
    const xml = file.xml;
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/);
    expect(balanced(xml)).toBe(true);
    expect(all(xml, "MsgId")).toEqual(["RUN-2026-03-10"]);
    expect(all(xml, "NbOfTxs")).toEqual(["2", "2"]);
    expect(all(xml, "CtrlSum")).toEqual(["338.00", "338.00"]);
    expect(xml).toContain("<ReqdExctnDt><Dt>2026-03-11</Dt></ReqdExctnDt>");
    expect(all(xml, "InstdAmt")).toEqual(["238.00", "100.00"]);
    expect(all(xml, "IBAN")).toEqual(["DE02120300000000202051", "DE89370400440532013000", "NL91ABNA0417164300"]);
    expect(all(xml, "EndToEndId")).toEqual(["sp-1", "sp-2"]);
    expect(all(xml, "Nm")).toEqual(["Mugs   More GmbH", "Mugs   More GmbH", "Muller   Sohne GmbH", "Beta B.V."]);
    expect(all(xml, "Ustrd")).toEqual(["ACME-77, ACME-78", "b po 3"]);
    // The supplier with a BIC gets a creditor agent; the debtor without one is NOTPROVIDED (IBAN-only SEPA).
    expect(all(xml, "BICFI")).toEqual(["COBADEFFXXX"]);
    expect(all(xml, "Id")).toContain("NOTPROVIDED");
    // The older version for a bank that still takes only it: the same transfers, a bare execution date, BIC for BICFI.
    const old = await sk.purchasing.sepaCreditTransfer({ messageId: "RUN-2026-03-10", paymentIds: ["sp_1", "sp_2"], debtor: DEBTOR, executionDate: "2026-03-11", version: "pain.001.001.03" });
    expect(old.transfers).toEqual(file.transfers);
    expect(old.xml).toContain('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"');
    expect(all(old.xml, "ReqdExctnDt")).toEqual(["2026-03-11"]);
    expect(all(old.xml, "BIC")).toEqual(["COBADEFFXXX"]);
    expect(all(old.xml, "BICFI")).toEqual([]);
    expect(balanced(old.xml)).toBe(true);
    await sk.close();
  });

  it("refuses what a bank would refuse, naming what to fix", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    expect(await codeOf(() => sk.purchasing.defineSupplier({ supplierId: "x", currency: "EUR", leadTimeDays: 7, bank: { iban: "DE88370400440532013000" } }))).toBe("VALIDATION_FAILED");
    expect(await codeOf(() => sk.purchasing.defineSupplier({ supplierId: "x", currency: "EUR", leadTimeDays: 7, bank: { iban: "DE89370400440532013000", bic: "COBA" } }))).toBe("VALIDATION_FAILED");
    await sk.purchasing.defineSupplier({ supplierId: "nobank", currency: "EUR", leadTimeDays: 7, taxTreatment: "none" });
    await sk.purchasing.defineSupplier({ supplierId: "us", currency: "USD", leadTimeDays: 7, taxTreatment: "none", bank: { iban: "GB82WEST12345698765432" } });
    await billed(sk, "po_1", "nobank");
    await billed(sk, "po_2", "us");
    await sk.purchasing.paySupplier({ paymentId: "sp_1", supplierId: "nobank", billIds: ["b_po_1"] });
    await sk.purchasing.paySupplier({ paymentId: "sp_2", supplierId: "us", billIds: ["b_po_2"] });
    clock.set("2026-03-10T09:30:00.000Z");
    const ask = (q: Record<string, unknown>) => sk.purchasing.sepaCreditTransfer({ messageId: "M1", paymentIds: ["sp_1"], debtor: DEBTOR, executionDate: "2026-03-11", ...q } as never).catch((e: unknown) => e as { code: string; message: string });
    expect(await ask({})).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("defineSupplier") });
    expect(await ask({ paymentIds: ["sp_2"] })).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("euro only") });
    expect(await ask({ paymentIds: ["sp_9"] })).toMatchObject({ code: "NOT_FOUND" });
    expect(await ask({ debtor: { name: "Shop", iban: "DE02120300000000202052" } })).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("IBAN") });
    expect(await ask({ executionDate: "2026-03-09" })).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("past") });
    expect(await ask({ messageId: "run_1" })).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await ask({ paymentIds: ["sp_1", "sp_1"] })).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await ask({ currency: "EUR" })).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await ask({ version: "pain.001.001.02" })).toMatchObject({ code: "VALIDATION_FAILED" });
    await sk.close();
  });

  it("a payment into an account outside the EEA (Switzerland) carries both parties' structured postal addresses; without them the file is refused, naming the address to give", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    expect(await codeOf(() => sk.purchasing.defineSupplier({ supplierId: "x", currency: "EUR", leadTimeDays: 7, bank: { iban: "CH9300762011623852957", address: { town: "Zürich", country: "Switzerland" } } }))).toBe("VALIDATION_FAILED");
    await sk.purchasing.defineSupplier({ supplierId: "swiss", name: "Zürcher Keramik AG", currency: "EUR", leadTimeDays: 7, taxTreatment: "none", bank: { iban: "CH93 0076 2011 6238 5295 7" } });
    await sk.purchasing.defineSupplier({ supplierId: "acme", currency: "EUR", leadTimeDays: 7, taxTreatment: "none", bank: { iban: "DE89370400440532013000" } });
    await billed(sk, "po_1", "swiss");
    await billed(sk, "po_2", "acme");
    await sk.purchasing.paySupplier({ paymentId: "sp_1", supplierId: "swiss", billIds: ["b_po_1"] });
    await sk.purchasing.paySupplier({ paymentId: "sp_2", supplierId: "acme", billIds: ["b_po_2"] });
    clock.set("2026-03-10T09:30:00.000Z");
    const ask = (q: Record<string, unknown>) => sk.purchasing.sepaCreditTransfer({ messageId: "M1", paymentIds: ["sp_1", "sp_2"], debtor: DEBTOR, executionDate: "2026-03-11", ...q } as never).catch((e: unknown) => e as { code: string; message: string });
    // The payee's address first: the supplier's bank account has none.
    expect(await ask({})).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/outside the EEA \(CH\).*payee's postal address.*address: \{ town, country/) });
    await sk.purchasing.defineSupplier({ supplierId: "swiss", name: "Zürcher Keramik AG", currency: "EUR", leadTimeDays: 7, taxTreatment: "none", bank: { iban: "CH9300762011623852957", address: { street: "Bahnhofstrasse", buildingNumber: "10", postCode: "8001", town: "Zürich", country: "CH" } } });
    // Then the shop's own.
    expect(await ask({})).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("debtor.address") });
    // Paying only inside the EEA needs neither.
    expect(await ask({ paymentIds: ["sp_2"] })).toMatchObject({ numberOfTransactions: 1 });
    const debtor = { ...DEBTOR, address: { street: "Hauptstraße", buildingNumber: "1", postCode: "10115", town: "Berlin", country: "DE" } };
    for (const version of ["pain.001.001.09", "pain.001.001.03"] as const) {
      const file = await sk.purchasing.sepaCreditTransfer({ messageId: "M1", paymentIds: ["sp_1", "sp_2"], debtor, executionDate: "2026-03-11", version });
      expect(file.transfers[0]).toMatchObject({ iban: "CH9300762011623852957", address: { town: "Zürich", country: "CH" } });
      expect(balanced(file.xml)).toBe(true);
      // Debtor and Swiss payee in the schema's element order; the German payee without one given.
      expect([...file.xml.matchAll(/<PstlAdr>(.*?)<\/PstlAdr>/g)].map((m) => m[1])).toEqual([
        "<StrtNm>Hauptstrasse</StrtNm><BldgNb>1</BldgNb><PstCd>10115</PstCd><TwnNm>Berlin</TwnNm><Ctry>DE</Ctry>",
        "<StrtNm>Bahnhofstrasse</StrtNm><BldgNb>10</BldgNb><PstCd>8001</PstCd><TwnNm>Zurich</TwnNm><Ctry>CH</Ctry>",
      ]);
      expect(file.xml).toMatch(/<Dbtr><Nm>[^<]*<\/Nm><PstlAdr>/);
      expect(file.xml).toMatch(/<Cdtr><Nm>Zurcher Keramik AG<\/Nm><PstlAdr>/);
    }
    // A name or town only in a script SEPA does not carry would be an empty element: refused, naming it.
    expect(await ask({ debtor: { ...debtor, name: "Москва ООО" } })).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("debtor.name") });
    await sk.purchasing.defineSupplier({ supplierId: "swiss", name: "Zürcher Keramik AG", currency: "EUR", leadTimeDays: 7, taxTreatment: "none", bank: { iban: "CH9300762011623852957", address: { street: "Ὁδός", town: "Ζυρίχη", country: "CH" } } });
    expect(await ask({ debtor })).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/swiss's town.*Latin letters/) });
    // An optional field SEPA cannot carry is left out, not written empty.
    await sk.purchasing.defineSupplier({ supplierId: "swiss", name: "Zürcher Keramik AG", currency: "EUR", leadTimeDays: 7, taxTreatment: "none", bank: { iban: "CH9300762011623852957", address: { street: "Ὁδός", town: "Zürich", country: "CH" } } });
    const greek = await sk.purchasing.sepaCreditTransfer({ messageId: "M2", paymentIds: ["sp_1"], debtor, executionDate: "2026-03-11" });
    expect(greek.xml).toContain("<Cdtr><Nm>Zurcher Keramik AG</Nm><PstlAdr><TwnNm>Zurich</TwnNm><Ctry>CH</Ctry></PstlAdr></Cdtr>");
    // A supplier's invoice number SEPA cannot carry gives way to the bill's id as remittance.
    await billed(sk, "po_3", "acme", "СЧЁТ-1");
    await sk.purchasing.paySupplier({ paymentId: "sp_3", supplierId: "acme", billIds: ["b_po_3"] });
    expect((await sk.purchasing.sepaCreditTransfer({ messageId: "M3", paymentIds: ["sp_3"], debtor, executionDate: "2026-03-11" })).transfers[0]?.remittance).toBe("b_po_3");
    // From a Swiss account of the shop, even a payment into Germany needs the shop's address.
    expect(await ask({ paymentIds: ["sp_2"], debtor: { name: "Shop", iban: "CH9300762011623852957" } })).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("from an account outside the EEA") });
    await sk.close();
  });

  it("refuses an account in a country outside the SEPA schemes' scope (Serbia, Turkey), naming the country and purchasing.sepaCountries; the option adds a country once its banks take part", async () => {
    const serbian = { iban: "RS35260005601001611379", address: { town: "Beograd", country: "RS" } };
    const run = async (purchasing: { sepaCountries?: string[] }) => {
      const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000", ...purchasing });
      await sk.inventory.defineWarehouse({ warehouseId: "wh" });
      await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
      await sk.purchasing.defineSupplier({ supplierId: "rs", name: "Keramika doo", currency: "EUR", leadTimeDays: 7, taxTreatment: "none", bank: serbian });
      await sk.purchasing.defineSupplier({ supplierId: "acme", currency: "EUR", leadTimeDays: 7, taxTreatment: "none", bank: { iban: "DE89370400440532013000" } });
      await billed(sk, "po_1", "rs");
      await billed(sk, "po_2", "acme");
      await sk.purchasing.paySupplier({ paymentId: "sp_1", supplierId: "rs", billIds: ["b_po_1"] });
      await sk.purchasing.paySupplier({ paymentId: "sp_2", supplierId: "acme", billIds: ["b_po_2"] });
      clock.set("2026-03-10T09:30:00.000Z");
      const debtor = { ...DEBTOR, address: { town: "Berlin", country: "DE" } };
      const ask = (q: Record<string, unknown>) => sk.purchasing.sepaCreditTransfer({ messageId: "M1", paymentIds: ["sp_1", "sp_2"], debtor, executionDate: "2026-03-11", ...q } as never).catch((e: unknown) => e as { code: string; message: string });
      return { sk, ask };
    };
    const plain = await run({});
    expect(await plain.ask({})).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/paymentIds\[0\] sp_1 pays rs into an account in RS.*outside the SEPA schemes' scope.*purchasing\.sepaCountries/) });
    // Inside the scope, outside the EEA (Switzerland, the United Kingdom): carried, with addresses.
    expect(await plain.ask({ paymentIds: ["sp_2"], debtor: { name: "Shop", iban: "GB82WEST12345698765432", address: { town: "London", country: "GB" } } })).toMatchObject({ numberOfTransactions: 1 });
    // The shop's own account outside the scope.
    expect(await plain.ask({ paymentIds: ["sp_2"], debtor: { name: "Shop", iban: "TR330006100519786457841326", address: { town: "Istanbul", country: "TR" } } })).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("debtor.iban's country (TR)") });
    await plain.sk.close();
    // A shop whose bank reaches Serbian accounts by SEPA says so; the payee's address still travels (outside the EEA).
    const joined = await run({ sepaCountries: ["RS"] });
    const file = await joined.ask({});
    expect(file).toMatchObject({ numberOfTransactions: 2, transfers: [{ iban: "RS35260005601001611379", address: { town: "Beograd", country: "RS" } }, { iban: "DE89370400440532013000" }] });
    await joined.sk.close();
    expect(() => shop(kind, pg.get, pg.schema, { sepaCountries: ["rs"] })).toThrow(/sepaCountries\[0\].*two capitals/);
  });
});
