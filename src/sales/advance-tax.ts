import { amountOf, convertMinor, minorOf, moneyOf, shareOf } from "./amounts.js";
import type { OrderDoc } from "./order.js";

/*
 * Output tax on customer advances (VAT on advance payments, EU VAT Directive art. 65: the
 * tax is due when the money is received, before the supply). Where the shop turns it on
 * (`tax.taxOnAdvances`), each capture before invoicing carries the tax contained in it,
 * per code, in proportion to the order's tax per code over its gross; the order keeps what
 * is outstanding, and an invoice applying the advance (or a refund of it) releases its
 * share — the whole rest when the whole advance goes — so the advance-tax account clears
 * to zero per order at the values it was booked at.
 */

/**
 * What remains of the output tax taken on an order's advances, per code: transaction
 * amounts and their functional values as booked.
 *
 * @example
 * ```ts
 * const t: AdvanceTax = { code: "DE-STD", base: "100", tax: "19", functionalBase: "100", functionalTax: "19" };
 * ```
 */
export interface AdvanceTax {
  readonly code: string;
  readonly base: string;
  readonly tax: string;
  readonly functionalBase: string;
  readonly functionalTax: string;
}

type Money = { amount: string; currency: string };
type AdvanceTaxLine = {
  code: string;
  jurisdiction: { country: string; region?: string };
  kind: "standard" | "reduced" | "zero" | "exempt" | "reverse-charge";
  rate: string;
  base: Money;
  tax: Money;
  functional: { base: Money; tax: Money };
};

/** The order's base and tax per code over all its lines and its shipping charge. */
function orderTaxByCode(order: OrderDoc): Map<string, { base: bigint; tax: bigint }> {
  const c = order.currency;
  const out = new Map<string, { base: bigint; tax: bigint }>();
  const add = (t: { readonly code: string; readonly base: string; readonly amount: string }) => {
    const entry = out.get(t.code) ?? { base: 0n, tax: 0n };
    entry.base += minorOf(t.base, c);
    entry.tax += minorOf(t.amount, c);
    out.set(t.code, entry);
  };
  for (const line of order.lines) for (const t of line.taxes) add(t);
  for (const t of order.shipping.taxes) add(t);
  return out;
}

function lineOf(order: OrderDoc, code: string, base: bigint, tax: bigint, functionalBase: bigint, functionalTax: bigint): AdvanceTaxLine {
  const applied = order.codes.find((k) => k.code === code);
  const c = order.currency;
  const fc = order.functionalCurrency;
  return {
    code,
    jurisdiction: applied?.jurisdiction ?? { country: order.shipTo?.country ?? "ZZ" },
    kind: applied?.kind ?? "standard",
    rate: applied?.rate ?? "0",
    base: moneyOf(base, c),
    tax: moneyOf(tax, c),
    functional: { base: moneyOf(functionalBase, fc), tax: moneyOf(functionalTax, fc) },
  };
}

/**
 * The output tax contained in `amount` captured before invoicing (tax per code × amount /
 * order gross, half-up), as event tax lines, and the order with it added to what is
 * outstanding. Codes charging no tax (zero, exempt, reverse charge) give no line.
 */
export function takeAdvanceTax(order: OrderDoc, amount: bigint, rate: string): { order: OrderDoc; lines: AdvanceTaxLine[] } {
  const c = order.currency;
  const fc = order.functionalCurrency;
  const gross = minorOf(order.totals.gross, c);
  if (gross <= 0n || amount <= 0n) return { order, lines: [] };
  const outstanding = new Map((order.advanceTax ?? []).map((t) => [t.code, t]));
  const lines: AdvanceTaxLine[] = [];
  for (const [code, total] of orderTaxByCode(order)) {
    if (total.tax === 0n) continue;
    const tax = shareOf(total.tax, amount, gross);
    const base = shareOf(total.base, amount, gross);
    if (tax === 0n) continue;
    const functionalBase = convertMinor(base, c, fc, rate);
    const functionalTax = convertMinor(tax, c, fc, rate);
    lines.push(lineOf(order, code, base, tax, functionalBase, functionalTax));
    const before = outstanding.get(code);
    outstanding.set(code, {
      code,
      base: amountOf((before === undefined ? 0n : minorOf(before.base, c)) + base, c),
      tax: amountOf((before === undefined ? 0n : minorOf(before.tax, c)) + tax, c),
      functionalBase: amountOf((before === undefined ? 0n : minorOf(before.functionalBase, fc)) + functionalBase, fc),
      functionalTax: amountOf((before === undefined ? 0n : minorOf(before.functionalTax, fc)) + functionalTax, fc),
    });
  }
  return { order: { ...order, advanceTax: [...outstanding.values()] }, lines };
}

/**
 * Releases the share `part / prepaid` of the outstanding advance tax (all of it when the
 * whole prepayment goes), at its booked values: the lines for `advanceTaxReleased` and the
 * order with the rest.
 */
export function releaseAdvanceTax(order: OrderDoc, part: bigint, prepaid: bigint): { order: OrderDoc; lines: AdvanceTaxLine[] } {
  const held = order.advanceTax ?? [];
  if (held.length === 0 || part <= 0n || prepaid <= 0n) return { order, lines: [] };
  const c = order.currency;
  const fc = order.functionalCurrency;
  const lines: AdvanceTaxLine[] = [];
  const rest: AdvanceTax[] = [];
  for (const t of held) {
    const all = { base: minorOf(t.base, c), tax: minorOf(t.tax, c), functionalBase: minorOf(t.functionalBase, fc), functionalTax: minorOf(t.functionalTax, fc) };
    const take = part >= prepaid ? all : { base: shareOf(all.base, part, prepaid), tax: shareOf(all.tax, part, prepaid), functionalBase: shareOf(all.functionalBase, part, prepaid), functionalTax: shareOf(all.functionalTax, part, prepaid) };
    if (take.tax !== 0n || take.functionalTax !== 0n) lines.push(lineOf(order, t.code, take.base, take.tax, take.functionalBase, take.functionalTax));
    const left = { base: all.base - take.base, tax: all.tax - take.tax, functionalBase: all.functionalBase - take.functionalBase, functionalTax: all.functionalTax - take.functionalTax };
    if (left.tax !== 0n || left.functionalTax !== 0n || left.base !== 0n || left.functionalBase !== 0n) {
      rest.push({ code: t.code, base: amountOf(left.base, c), tax: amountOf(left.tax, c), functionalBase: amountOf(left.functionalBase, fc), functionalTax: amountOf(left.functionalTax, fc) });
    }
  }
  return { order: { ...order, advanceTax: rest }, lines };
}
