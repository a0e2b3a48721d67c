/**
 * The CRM module: its store registry, its commands, and `sk.crm`.
 */
import { hardenApi, query } from "../kernel/boundary.js";
import { StorekeepError } from "../kernel/errors.js";
import { type LocalDate, isLocalDate } from "../kernel/local-date.js";
import { checkPenalizer } from "./bg-nbd.js";
import type { JsonObject, StoreRegistry } from "../ports/storage.js";
import { insertDocuments } from "../runner/batch-documents.js";
import { holdCreates } from "../runner/page-creates.js";
import type { ExecuteOptions, ModuleDefinition } from "../runner/command.js";
import type { Runtime } from "../runner/runner.js";
import type { z } from "zod";
import { addInteraction } from "./add-interaction.js";
import type { CohortReport } from "./cohorts.js";
import { createCustomer } from "./create-customer.js";
import { ALIASES, CAMPAIGNS, CONTACT_KEYS, CUSTOMERS, MERGES, ORDERS, SEGMENTS, TIMELINE } from "./customer.js";
import { eraseCustomer } from "./erase-customer.js";
import { mergeCustomers } from "./merge-customers.js";
import { unmergeCustomer } from "./unmerge-customer.js";
import type { CrmOptions } from "./options.js";
import { recordConsent } from "./record-consent.js";
import { refreshSegments } from "./refresh-segments.js";
import { type CustomerValueReport, type CustomerView, type TimelinePage, cohortsAsOf, customerValueAsOf, customerView, segmentsAsOf, timelinePage } from "./reports.js";
import type { RfmScore } from "./rfm.js";
import { applyTimelineEvent, readTimelineAhead } from "./timeline.js";
import { type CampaignReport, campaignReport, defineCampaign, targetCampaign } from "./campaigns.js";
import { updateCustomer } from "./update-customer.js";
import { CHECKPOINTS, createEventsApi } from "../runner/consumers.js";
import { syncInPages } from "../runner/paged-sync.js";

/** Events per transaction when the timeline syncs. */
const TIMELINE_PAGE = 200;

const CRM_REGISTRY: Partial<StoreRegistry> = {
  collections: [
    { name: CUSTOMERS, indexes: { byStatus: { fields: ["status", "customerId"] } } },
    { name: CONTACT_KEYS, indexes: { byKey: { fields: ["key", "customerId"] } } },
    { name: ALIASES },
    { name: TIMELINE, indexes: { byCustomer: { fields: ["customerId", "at"] }, byKind: { fields: ["kind", "at"] } } },
    { name: ORDERS, indexes: { byCustomer: { fields: ["customerId", "placedOn"] }, byPlaced: { fields: ["placedOn", "orderId"] } } },
    { name: SEGMENTS },
    { name: CAMPAIGNS },
    { name: MERGES, indexes: { byTarget: { fields: ["targetId", "sourceId"] } } },
  ],
};

/**
 * The CRM module for `createRuntime` (the facade adds it; its options travel as
 * `options.crm` to the commands).
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ ...ports, modules: [crmModule({ defaultCountry: "DE" })] });
 * ```
 */
export function crmModule(options: CrmOptions = {}): ModuleDefinition {
  void options;
  return { name: "crm", registry: CRM_REGISTRY };
}

/**
 * Every CRM command definition (for `runtime.execute` or `sk.run`).
 *
 * @example
 * ```ts
 * const { createCustomer } = crmCommands();
 * ```
 */
export function crmCommands() {
  return { createCustomer, updateCustomer, mergeCustomers, unmergeCustomer, recordConsent, addInteraction, eraseCustomer, refreshSegments, defineCampaign, targetCampaign };
}

type In<C> = C extends { input: infer S extends z.ZodType } ? z.input<S> : never;

/**
 * `sk.crm`: customers, duplicates and merges, consent, the interaction timeline, erasure,
 * RFM segments, lifetime value and cohorts.
 *
 * @example
 * ```ts
 * const { customerId } = await sk.crm.createCustomer({ name: "Ann Lee", emails: ["ann@example.com"] });
 * await sk.crm.recordConsent({ customerId, channel: "email", granted: true, source: "checkout checkbox" });
 * await sk.crm.syncTimeline();
 * const page = await sk.crm.timeline(customerId);
 * ```
 */
export interface CrmApi {
  createCustomer(input: In<typeof createCustomer>, options?: ExecuteOptions): Promise<{ customerId: string; duplicates: string[] }>;
  updateCustomer(input: In<typeof updateCustomer>, options?: ExecuteOptions): Promise<{ customerId: string; duplicates: string[] }>;
  mergeCustomers(input: In<typeof mergeCustomers>, options?: ExecuteOptions): Promise<{ sourceId: string; targetId: string; timelineEntries: number; orders: number }>;
  /** Splits a merged customer off again: its own contacts, history and id back (see `unmergeCustomer`). */
  unmergeCustomer(input: In<typeof unmergeCustomer>, options?: ExecuteOptions): Promise<{ sourceId: string; targetId: string; timelineEntries: number; orders: number }>;
  recordConsent(input: In<typeof recordConsent>, options?: ExecuteOptions): Promise<{ customerId: string; channel: string; granted: boolean }>;
  addInteraction(input: In<typeof addInteraction>, options?: ExecuteOptions): Promise<{ entryId: string; customerId: string }>;
  eraseCustomer(input: In<typeof eraseCustomer>, options?: ExecuteOptions): Promise<{ customerId: string; timelineEntries: number }>;
  refreshSegments(input: In<typeof refreshSegments>, options?: ExecuteOptions): Promise<{ customers: number; changed: number }>;
  defineCampaign(input: In<typeof defineCampaign>, options?: ExecuteOptions): Promise<{ campaignId: string }>;
  targetCampaign(input: In<typeof targetCampaign>, options?: ExecuteOptions): Promise<{ campaignId: string; segmentCustomers: number; touched: number; withoutConsent: number; alreadyTouched: number }>;
  /** Campaign revenue, cost and return by last touch and by first touch. */
  campaignReport(campaignId: string): Promise<CampaignReport>;
  /** Feeds timelines and CRM's order projection from the outbox (the durable consumer `crm.timeline`). */
  syncTimeline(maxEvents?: number): Promise<{ processed: number; position: string | null }>;
  /** The customer an id means now (after merges), or undefined. */
  customer(customerId: string): Promise<CustomerView | undefined>;
  /** A page of the customer's timeline, newest first. */
  timeline(customerId: string, query?: { before?: { at: string; entryId: string }; from?: string; to?: string; limit?: number }): Promise<TimelinePage>;
  /** RFM segments as of a date (purchases net of cancellations and returns). */
  segments(asOf: string): Promise<RfmScore[]>;
  /** Monthly acquisition cohorts as of a date. */
  cohorts(asOf: string): Promise<CohortReport>;
  /**
   * BG/NBD + Gamma-Gamma lifetime value as of a date (weeks; default horizon 52 weeks,
   * 0.2%/week discount; `penalizer` as in {@link fitBgNbd}, default 0). Read the report's
   * `warnings` before trusting its figures on a young shop.
   */
  customerValue(asOf: string, horizon?: { weeks?: number; discountRatePerWeek?: number; penalizer?: number }): Promise<CustomerValueReport>;
}

/** The lifetime-value horizon, checked (whole weeks, a discount rate per week, a penalizer ≥ 0). */
function horizonArg(h: { weeks?: unknown; discountRatePerWeek?: unknown; penalizer?: unknown }): { weeks: number; discountRatePerWeek: number; penalizer: number } {
  const bad = (path: string, message: string, got: unknown): StorekeepError =>
    new StorekeepError("VALIDATION_FAILED", `crm.customerValue: ${path} must be ${message}; got ${String(got)}.`, { issues: [{ path, message, code: "custom" }] });
  const weeks = h.weeks ?? 52;
  if (typeof weeks !== "number" || !Number.isInteger(weeks) || weeks < 1 || weeks > 5200) throw bad("weeks", "a whole number of weeks from 1 to 5200", weeks);
  const rate = h.discountRatePerWeek ?? 0.002;
  if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0 || rate >= 1) throw bad("discountRatePerWeek", "a rate from 0 (inclusive) to 1 (exclusive), e.g. 0.002 for 0.2% a week", rate);
  return { weeks, discountRatePerWeek: rate, penalizer: checkPenalizer(h.penalizer, "crm.customerValue") };
}

function dateArg(name: string, value: unknown): LocalDate {
  if (!isLocalDate(value)) throw new StorekeepError("VALIDATION_FAILED", `crm.${name} needs a date (YYYY-MM-DD).`, { issues: [{ path: "asOf", message: "a date", code: "custom" }] });
  return value;
}

const command = ["input", "options?"] as const;
const CRM_SHAPES = {
  methods: {
    createCustomer: command,
    updateCustomer: command,
    mergeCustomers: command,
    unmergeCustomer: command,
    recordConsent: command,
    addInteraction: command,
    eraseCustomer: command,
    refreshSegments: command,
    defineCampaign: command,
    targetCampaign: command,
    campaignReport: ["string"],
    syncTimeline: ["number?"],
    customer: ["string"],
    timeline: ["string", query(["before", "from", "to", "limit"], true)],
    segments: ["string"],
    cohorts: ["string"],
    customerValue: ["string", query(["weeks", "discountRatePerWeek", "penalizer"], true)],
  },
} as const;

/**
 * Builds `sk.crm` on a runtime.
 *
 * @example
 * ```ts
 * const crm = createCrmApi(runtime, { defaultCountry: "GB" });
 * ```
 */
export function createCrmApi(runtime: Runtime, options: CrmOptions = {}): CrmApi {
  const run = <T>(c: Parameters<Runtime["execute"]>[0], input: unknown, o?: ExecuteOptions): Promise<T> => runtime.execute(c, input, o) as Promise<T>;
  const events = createEventsApi(runtime);
  const crmMoney = { rates: runtime.rates, functionalCurrency: runtime.config.functionalCurrency };
  const consumer = events.consumer("crm.timeline", async (event) => {
    await runtime.read((tx) => applyTimelineEvent(tx, event));
  });
  /*
   * A page of events goes in one transaction with the checkpoint (read ahead, applied in order,
   * its timeline entries inserted together), so a sync makes a few round trips per page, not
   * several per event. A page that fails is rolled back whole and run again event by event
   * through the consumer above, which stops before the failing event and keeps the checkpoint
   * there.
   */
  const syncPages = (maxEvents = 10_000): Promise<{ processed: number; position: string | null }> =>
    syncInPages(runtime, {
      collection: CHECKPOINTS,
      id: "crm.timeline",
      pageSize: TIMELINE_PAGE,
      maxEvents,
      async apply(tx, page) {
        // New orders' documents wait in the page and go in together at its end, with the entries.
        const held = holdCreates(tx, await readTimelineAhead(tx, page));
        const entries: { id: string; data: JsonObject }[] = [];
        for (const event of page) await applyTimelineEvent(held.tx, event, entries);
        await held.flush();
        await insertDocuments(tx, TIMELINE, entries);
      },
      async onPageFailed(page) {
        const r = await consumer.runOnce(page.length);
        if (r.error !== undefined) throw r.error;
        return { processed: r.processed, position: r.position };
      },
    });
  const api: CrmApi = {
    createCustomer: (i, o) => run(createCustomer, i, o),
    updateCustomer: (i, o) => run(updateCustomer, i, o),
    mergeCustomers: (i, o) => run(mergeCustomers, i, o),
    unmergeCustomer: (i, o) => run(unmergeCustomer, i, o),
    recordConsent: (i, o) => run(recordConsent, i, o),
    addInteraction: (i, o) => run(addInteraction, i, o),
    eraseCustomer: (i, o) => run(eraseCustomer, i, o),
    refreshSegments: (i, o) => run(refreshSegments, i, o),
    defineCampaign: (i, o) => run(defineCampaign, i, o),
    targetCampaign: (i, o) => run(targetCampaign, i, o),
    campaignReport: (id) => runtime.read((tx) => campaignReport(tx, id)),
    syncTimeline: (maxEvents) => syncPages(maxEvents),
    customer: (id) => runtime.read((tx) => customerView(tx, id)),
    timeline: (id, q = {}) => runtime.read((tx) => timelinePage(tx, id, q)),
    segments: (asOf) => runtime.read((tx) => segmentsAsOf(tx, dateArg("segments", asOf), crmMoney, options.grid)),
    cohorts: (asOf) => runtime.read((tx) => cohortsAsOf(tx, dateArg("cohorts", asOf))),
    customerValue: async (asOf, h = {}) => {
      const date = dateArg("customerValue", asOf);
      const horizon = horizonArg(h);
      return runtime.read((tx) => customerValueAsOf(tx, date, horizon, crmMoney));
    },
  };
  return hardenApi(api, "crm", CRM_SHAPES as never);
}
