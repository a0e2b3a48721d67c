/**
 * Campaigns: define one (channel, target segment, cost, attribution window), target it
 * (only customers of the segment whose latest consent for the channel is granted; one
 * touch each on their timeline), and report attributed orders by last touch and by first
 * touch, with revenue, cost and return.
 */
import { z } from "zod";
import { Decimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import { defineLibraryCommand } from "../runner/library.js";
import { CAMPAIGNS, CUSTOMERS, type CustomerDoc, ORDERS, TIMELINE, type TimelineEntry } from "./customer.js";
import type { CrmOptions } from "./options.js";
import { currentConsent } from "./record-consent.js";
import { segmentsAsOf } from "./reports.js";
import { type CrmOrderDoc, orderNetAsOf } from "./timeline.js";
import { strictInput } from "../kernel/strict-input.js";

/** A stored campaign. */
export type CampaignDoc = {
  readonly campaignId: string;
  readonly name: string;
  readonly channel: string;
  readonly segment: string;
  readonly cost: { readonly amount: string; readonly currency: string };
  readonly attributionDays: number;
};

export const defineCampaignSchema = strictInput({
  campaignId: z.string().min(1).max(200).regex(/^[^|:]+$/, "may not contain | or :"),
  name: z.string().min(1).max(200),
  channel: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  /** The RFM segment it targets (a name of the grid in use). */
  segment: z.string().min(1).max(100),
  cost: strictInput({ amount: z.string().regex(/^\d+(\.\d+)?$/, "a non-negative decimal"), currency: z.string().regex(/^[A-Z]{3}$/) }),
  /** Orders placed within this many days after a touch are attributed to it. */
  attributionDays: z.number().int().min(1).max(365),
});

/**
 * Defines (or redefines) a campaign.
 *
 * @example
 * ```ts
 * await runtime.execute(defineCampaign, { campaignId: "spring", name: "Spring sale", channel: "email", segment: "at-risk", cost: { amount: "120", currency: "EUR" }, attributionDays: 14 });
 * ```
 */
export const defineCampaign = defineLibraryCommand({
  name: "crm.defineCampaign",
  input: defineCampaignSchema,
  async handle(ctx, input) {
    const existing = await ctx.tx.documents.get(CAMPAIGNS, input.campaignId);
    const doc: CampaignDoc = { ...input, cost: { amount: new Decimal(input.cost.amount).toString(), currency: input.cost.currency } };
    await ctx.tx.documents.put(CAMPAIGNS, input.campaignId, doc as unknown as JsonObject, existing?.version ?? 0);
    return { result: { campaignId: input.campaignId } };
  },
});

export const targetCampaignSchema = strictInput({ campaignId: z.string().min(1).max(200), asOf: localDateSchema });

async function campaign(tx: Transaction, campaignId: string): Promise<CampaignDoc> {
  const doc = await tx.documents.get<CampaignDoc>(CAMPAIGNS, campaignId);
  if (!doc) throw new StorekeepError("NOT_FOUND", `Campaign ${campaignId} does not exist; define it with crm.defineCampaign first.`, { campaignId });
  return doc.data;
}

/**
 * Targets a campaign: the customers in its segment as of `asOf` whose latest consent for
 * the campaign's channel is granted (erased and merged customers never) each get one
 * `campaign-touch` on their timeline, at the command's instant. Targeting again touches
 * only customers not touched yet.
 *
 * @example
 * ```ts
 * const { touched, withoutConsent } = await runtime.execute(targetCampaign, { campaignId: "spring", asOf: "2026-03-31" });
 * ```
 */
export const targetCampaign = defineLibraryCommand({
  name: "crm.targetCampaign",
  input: targetCampaignSchema,
  async handle(ctx, input) {
    const c = await campaign(ctx.tx, input.campaignId);
    const grid = (ctx.options["crm"] as CrmOptions | undefined)?.grid;
    const inSegment = (await segmentsAsOf(ctx.tx, input.asOf, { rates: ctx.rates, functionalCurrency: ctx.config.functionalCurrency }, grid)).filter((s) => s.segment === c.segment).map((s) => s.customerId);
    const docs = await ctx.tx.documents.getMany<CustomerDoc>(CUSTOMERS, inSegment);
    let touched = 0;
    let withoutConsent = 0;
    let already = 0;
    for (const d of docs.sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const consent = currentConsent(d.data.consent)[c.channel];
      if (d.data.status !== "active" || !consent?.granted) {
        withoutConsent++;
        continue;
      }
      const entryId = `campaign:${c.campaignId}:${d.id}`;
      if (await ctx.tx.documents.get(TIMELINE, entryId)) {
        already++;
        continue;
      }
      const entry: TimelineEntry = {
        entryId,
        customerId: d.id,
        at: ctx.now.toISOString(),
        kind: "campaign-touch",
        source: "shop",
        eventType: null,
        orderId: null,
        amount: null,
        channel: c.channel,
        campaignId: c.campaignId,
        subject: null,
        body: null,
        redacted: false,
      };
      await ctx.tx.documents.put(TIMELINE, entryId, entry as unknown as JsonObject, 0);
      touched++;
    }
    return { result: { campaignId: c.campaignId, segmentCustomers: inSegment.length, touched, withoutConsent, alreadyTouched: already } };
  },
});

/**
 * A campaign's results under one attribution model.
 *
 * @example
 * ```ts
 * import type { CampaignAttribution } from "storekeep";
 * const roi = (a: CampaignAttribution) => a.return;
 * ```
 */
export interface CampaignAttribution {
  readonly orders: number;
  readonly revenue: string;
  /** (revenue − cost) / cost; null when the cost is zero. */
  readonly return: string | null;
}

/**
 * The campaign report: touches, cost, and attribution by last touch and by first touch.
 *
 * @example
 * ```ts
 * import type { CampaignReport } from "storekeep";
 * const line = (r: CampaignReport) => `${r.campaignId}: ${r.lastTouch.revenue} ${r.currency} for ${r.cost}`;
 * ```
 */
export interface CampaignReport {
  readonly campaignId: string;
  readonly touches: number;
  readonly currency: string;
  readonly cost: string;
  readonly lastTouch: CampaignAttribution;
  readonly firstTouch: CampaignAttribution;
}

async function allTouches(tx: Transaction): Promise<TimelineEntry[]> {
  const out: TimelineEntry[] = [];
  let after: { values: string[]; id: string } | undefined;
  for (;;) {
    const page = await tx.documents.find<TimelineEntry>(TIMELINE, { index: "byKind", equals: ["campaign-touch"], limit: 5000, ...(after ? { after } : {}) });
    out.push(...page.map((d) => d.data));
    if (page.length < 5000) return out;
    const last = page[page.length - 1]!;
    after = { values: ["campaign-touch", last.data.at], id: last.id };
  }
}

/**
 * Attributes orders to campaign touches: an order (net of returns and cancellations, in the
 * campaign's currency) placed after a touch and within its campaign's window is eligible
 * for it; last touch credits the latest eligible touch, first touch the earliest.
 */
export async function campaignReport(tx: Transaction, campaignId: string): Promise<CampaignReport> {
  const c = await campaign(tx, campaignId);
  const touches = await allTouches(tx);
  const windows = new Map<string, number>();
  const byCustomer = new Map<string, TimelineEntry[]>();
  for (const t of touches) {
    if (t.campaignId === null) continue;
    if (!windows.has(t.campaignId)) {
      const doc = await tx.documents.get<CampaignDoc>(CAMPAIGNS, t.campaignId);
      windows.set(t.campaignId, doc ? doc.data.attributionDays : 0);
    }
    const list = byCustomer.get(t.customerId) ?? [];
    list.push(t);
    byCustomer.set(t.customerId, list);
  }
  const own = touches.filter((t) => t.campaignId === c.campaignId);
  const customers = [...new Set(own.map((t) => t.customerId))];
  const last = { orders: 0, revenue: new Decimal(0) };
  const first = { orders: 0, revenue: new Decimal(0) };
  for (const customerId of customers) {
    const orders = await tx.documents.find<CrmOrderDoc>(ORDERS, { index: "byCustomer", equals: [customerId], limit: 10_000 });
    const list = byCustomer.get(customerId) ?? [];
    for (const { data: o } of orders) {
      if (o.currency !== c.cost.currency) continue;
      // As the order stands now, net as CRM counts it (orderNetAsOf): a cancelled order is no purchase, a prepayment paid back counts off while owed.
      const net = orderNetAsOf(o, "9999-12-31");
      if (net.lte(0)) continue;
      const placed = Date.parse(o.placedAt);
      const eligible = list.filter((t) => {
        const at = Date.parse(t.at);
        return at < placed && placed - at <= (windows.get(t.campaignId ?? "") ?? 0) * 86_400_000;
      });
      if (eligible.length === 0) continue;
      eligible.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.entryId < b.entryId ? -1 : 1));
      if (eligible[eligible.length - 1]!.campaignId === c.campaignId) {
        last.orders++;
        last.revenue = last.revenue.plus(net);
      }
      if (eligible[0]!.campaignId === c.campaignId) {
        first.orders++;
        first.revenue = first.revenue.plus(net);
      }
    }
  }
  const cost = new Decimal(c.cost.amount);
  const ret = (revenue: Decimal) => (cost.isZero() ? null : revenue.minus(cost).div(cost).toDecimalPlaces(4).toString());
  return {
    campaignId: c.campaignId,
    touches: own.length,
    currency: c.cost.currency,
    cost: cost.toString(),
    lastTouch: { orders: last.orders, revenue: last.revenue.toString(), return: ret(last.revenue) },
    firstTouch: { orders: first.orders, revenue: first.revenue.toString(), return: ret(first.revenue) },
  };
}
