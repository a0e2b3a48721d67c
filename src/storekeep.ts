import type { Clock } from "./ports/clock.js";
import { systemClock } from "./ports/clock.js";
import { type IdGenerator, timeOrderedIds } from "./ports/ids.js";
import type { RateProvider } from "./ports/rates.js";
import type { Json, Store } from "./ports/storage.js";
import { memoryRates, memoryStore } from "./adapters/memory/index.js";
import { nativeDigest } from "./adapters/native-digest.js";
import type { Digest } from "./ports/digest.js";
import { jsDigest } from "./runner/hash.js";
import type { CommandDefinition, ExecuteOptions, ModuleDefinition } from "./runner/command.js";
import type { StandardSchemaV1 } from "./kernel/standard-schema.js";
import { type StorekeepConfig, resolveConfig } from "./runner/config.js";
import { type EventsApi, createEventsApi } from "./runner/consumers.js";
import { type Runtime, catalogEventValidator, createRuntime } from "./runner/runner.js";
import { recordParsedEvents } from "./runner/record-events.js";
import { libraryModule } from "./runner/library.js";
import { checkArg, plainInput } from "./kernel/boundary.js";
import { StorekeepError, isStorekeepError } from "./kernel/errors.js";
import { type FinanceApi, type FinanceOptions, createFinanceApi, financeEventDefinitions, financeModule, readBalances, readOpenItems, resolveFinanceOptions } from "./finance/index.js";
import { type InventoryAccountReader, type InventoryApi, type InventoryOptions, createInventoryApi, inventoryModule } from "./inventory/index.js";
import { Decimal } from "./kernel/decimal.js";
import { type AnalyticsApi, type AnalyticsOptions, type AnalyticsSources, type Turnover, analyticsEventDefinitions, analyticsModule, createAnalyticsApi } from "./analytics/index.js";
import { AVAILABILITY, QUANTITIES as INVENTORY_QUANTITIES, VALUES as INVENTORY_VALUES } from "./inventory/ledger-records.js";
import { LOCATIONS as INVENTORY_LOCATIONS, type Location, WAREHOUSES } from "./inventory/location.js";
import { splitStockByWarehouse } from "./analytics/stock-by-warehouse.js";
import { type CurrencyCode, minorUnits } from "./kernel/currencies.js";
import type { AccountRole } from "./kernel/events/account-roles.js";
import type { Transaction } from "./ports/storage.js";
import { type LocalDate, addDays } from "./kernel/local-date.js";
import { type SalesApi, type SalesOptions, createSalesApi, salesModule } from "./sales/index.js";
import { allocateDocumentNumber } from "./finance/numbering/number-series.js";
import { receivableDifference, receivableItems } from "./finance/open-item-tracking.js";
import { PRODUCTS, type Product } from "./inventory/product.js";
import { scopeOf } from "./inventory/reservations.js";
import { type CrmApi, type CrmOptions, createCrmApi, crmEventDefinitions, crmModule } from "./crm/index.js";
import { mergedCustomerTargets } from "./crm/reports.js";
import { type PurchasingApi, type PurchasingOptions, createPurchasingApi, purchasingModule, purchasingModuleOptions } from "./purchasing/index.js";
import { calculateTax, eventTaxLines } from "./finance/tax/index.js";
import { type ReplenishmentApi, autoForecast, createReplenishmentApi, replenishmentModule } from "./replenishment/index.js";
import { replenishmentSources } from "./replenishment-sources.js";
import { type EventCatalog, type EventDefinitions, type RecordEventInput, eventCatalog, type eventDefinitions, fillFunctionalFields, missingFunctionalFields } from "./kernel/events/index.js";

/**
 * Everything `createStorekeep` accepts; every member is optional.
 *
 * @example
 * ```ts
 * const options: StorekeepOptions = { config: { functionalCurrency: "GBP", timeZone: "Europe/London" } };
 * ```
 */
export interface StorekeepOptions<D extends EventDefinitions = typeof eventDefinitions> {
  /** Where data lives. Default: a fresh in-memory store. */
  readonly store?: Store;
  /** Where time comes from. Default: the system clock. */
  readonly clock?: Clock;
  /** Where ids come from. Default: time-ordered ids from the clock. */
  readonly ids?: IdGenerator;
  /** Exchange rates. Default: an empty in-memory table (single-currency shops need none). */
  readonly rates?: RateProvider;
  /** How the journal chain and claims hash (SHA-256). Default: the runtime's native SHA-256 where there is one, else the core's pure-JavaScript one; the same hashes either way. */
  readonly digest?: Digest;
  /** Shop-wide settings: functional currency, time zone, rounding, retries. */
  readonly config?: Partial<StorekeepConfig>;
  /** Extra modules of the host (their registries are migrated, their reactions run). */
  readonly modules?: readonly ModuleDefinition[];
  /** Finance settings: account map overrides, chart extensions, posting options. */
  readonly finance?: FinanceOptions;
  /** Inventory settings: snapshot interval, soft-hold minutes, a period guard. */
  readonly inventory?: InventoryOptions;
  /** CRM settings: the default country of national phone numbers, a shop's own RFM grid. */
  readonly crm?: CrmOptions;
  /** Sales settings: reservation and invoicing policy, payment terms, unpaid expiry, tax. */
  readonly sales?: SalesOptions;
  /** Analytics settings: on-time window, dead-stock window, ageing buckets, SKU categories. */
  readonly analytics?: AnalyticsOptions;
  /** Purchasing settings: approval limit, receipt/quantity/price tolerances, tax codes and the shop as buyer. */
  readonly purchasing?: PurchasingOptions;
  /** The event catalog payloads are validated against. Default: storekeep's own; extend it for host events. */
  readonly events?: EventCatalog<D>;
}

/**
 * The untyped shape of a recorded event, for code that builds events whose type is only known
 * at run time (a webhook relay, a replay tool); `sk.recordEvents` takes the typed
 * {@link RecordEventInput}, so cast such events (`as RecordEventInput[]`) deliberately.
 *
 * @example
 * ```ts
 * const e: HostEvent = { type: "PayoutSettled", aggregateType: "payout", aggregateId: "po_1", effectiveDate: "2026-11-27", payload: { ... } };
 * ```
 */
export interface HostEvent {
  readonly type: string;
  readonly schemaVersion?: number;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly aggregateVersion?: number;
  readonly effectiveDate: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * The storekeep facade: one namespace per module, the events API, and the command runner.
 *
 * @example
 * ```ts
 * const sk = createStorekeep();
 * await sk.recordEvents([{ type: "PaymentCaptured", aggregateType: "order", aggregateId: "ord_1", effectiveDate: "2026-11-27", payload }]);
 * const events = await sk.events.read(null);
 * ```
 */
export interface Storekeep<D extends EventDefinitions = typeof eventDefinitions> {
  readonly config: StorekeepConfig;
  readonly store: Store;
  readonly clock: Clock;
  /** The runner and read path (for host modules and advanced use). */
  readonly runtime: Runtime;
  /** The books: chart, journal, postings from every event, periods, statements, exports. */
  readonly finance: FinanceApi;
  /** The stock ledger: products, locations, movements, valuation, reservations, audit. */
  readonly inventory: InventoryApi;
  /** Orders from checkout to delivery, payments, invoices with legal numbers, returns, refunds, payouts. */
  readonly sales: SalesApi;
  /** Customers: contacts, duplicates and merges, consent, timeline, erasure, RFM segments, lifetime value, cohorts. */
  readonly crm: CrmApi;
  /** KPIs over the ledgers: the catalogue, series, comparisons, breakdowns, ageing. */
  readonly analytics: AnalyticsApi;
  /** Buying: suppliers, price lists, purchase orders, receipts, bills with a 3-way match, payments, returns, landed costs. */
  readonly purchasing: PurchasingApi;
  /** What to buy: explained suggestions from the sales history, stock and open orders, turned into draft purchase orders. */
  readonly replenishment: ReplenishmentApi;
  /** The outbox: read since a cursor, run named consumers with durable checkpoints. */
  readonly events: EventsApi;
  /** Creates the store's tables (idempotent); commands call it on first use anyway. */
  ready(): Promise<void>;
  /** Runs any command definition through the runner. */
  run<S extends StandardSchemaV1, O extends Json>(command: CommandDefinition<S, O>, input: StandardSchemaV1.InferInput<S>, options?: ExecuteOptions): Promise<O>;
  /**
   * Records host events (validated against the catalog) so reactions run on them atomically.
   * Typed per event type (see docs/events.md); a document in the functional currency may
   * leave out `functionalCurrency`, `rate`, `functionalAmount` and `functional`.
   */
  recordEvents(events: readonly RecordEventInput<D>[], options?: ExecuteOptions): Promise<{ recorded: number }>;
  /** Closes the store (connections, PGlite instances the store owns). */
  close(): Promise<void>;
}

/** Quantity and value per SKU summed over a range of daily buckets (the inventory balances). */
async function stockBySkuIn(tx: Transaction, buckets: { readonly from?: string; readonly to: string }): Promise<Map<string, { quantity: Decimal; value: Decimal }>> {
  const out = new Map<string, { quantity: Decimal; value: Decimal }>();
  const zero = new Decimal(0);
  for (const [key, row] of await tx.balances.sumByKey(INVENTORY_QUANTITIES, { buckets })) {
    const sku = key.slice(0, key.indexOf("|"));
    const s = out.get(sku);
    out.set(sku, { quantity: (s?.quantity ?? zero).plus(row["quantity"] ?? zero), value: zero });
  }
  for (const [sku, row] of await tx.balances.sumByKey(INVENTORY_VALUES, { buckets })) {
    const s = out.get(sku);
    out.set(sku, { quantity: s?.quantity ?? zero, value: row["value"] ?? zero });
  }
  return out;
}

/**
 * Creates a storekeep instance: the embedded in-memory store and the system clock unless
 * you pass your own.
 *
 * @example
 * ```ts
 * import { createStorekeep } from "storekeep";
 * const sk = createStorekeep({ config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" } });
 * await sk.ready();
 * ```
 */
export function createStorekeep<D extends EventDefinitions = typeof eventDefinitions>(createOptions: StorekeepOptions<D> = {}): Storekeep<D> {
  const options = storekeepOptions(createOptions) as StorekeepOptions;
  const config = resolveConfig(options.config);
  const clock = options.clock ?? systemClock;
  const baseCatalog = (options.events ?? eventCatalog) as unknown as EventCatalog<EventDefinitions>;
  // CRM's events join the catalog unless the host's catalog already has them.
  const withCrm = baseCatalog.isEventType("CustomerSegmentChanged") ? baseCatalog : (baseCatalog.extend(crmEventDefinitions) as unknown as EventCatalog<EventDefinitions>);
  // Analytics' alert events likewise.
  const withAnalytics = withCrm.isEventType("StockAlertRaised") ? withCrm : (withCrm.extend(analyticsEventDefinitions) as unknown as EventCatalog<EventDefinitions>);
  // And finance's own (an allocation moving a credit between documents).
  const catalog = withAnalytics.isEventType("CreditAllocated") ? withAnalytics : (withAnalytics.extend(financeEventDefinitions) as unknown as EventCatalog<EventDefinitions>);
  const store = options.store ?? memoryStore();
  const runtime = createRuntime({
    store,
    clock,
    ids: options.ids ?? timeOrderedIds(clock),
    rates: options.rates ?? memoryRates([]),
    digest: options.digest ?? nativeDigest() ?? jsDigest,
    config,
    modules: [...[inventoryModule(options.inventory), financeModule(options.finance), crmModule(options.crm), salesModule(options.sales), analyticsModule(options.analytics), purchasingModule(options.purchasing), replenishmentModule()].map(libraryModule), ...(options.modules ?? [])],
    validateEvent: catalogEventValidator(catalog),
    moduleOptions: { crm: options.crm ?? {}, purchasing: purchasingModuleOptions(options.purchasing, {
        calculateTax,
        eventTaxLines,
        allocateDocumentNumber,
        catalog: {
          unknownSkus: async (tx, skus) => {
            const known = new Set((await tx.documents.getMany(PRODUCTS, skus)).map((d) => d.id));
            return skus.filter((sku) => !known.has(sku));
          },
          warehouseExists: async (tx, warehouseId) => (await tx.documents.get(WAREHOUSES, warehouseId)) !== undefined,
        },
      }) },
  });
  const crm = createCrmApi(runtime, options.crm);
  const finance = createFinanceApi(runtime, options.finance);
  const inventory = createInventoryApi(runtime, { ...options.inventory, inventoryAccount: inventoryAccountReader(options.finance) });
  const purchasing = createPurchasingApi(runtime, {
    // Finance's payables items a supplier owes back (debit notes, advances): positive open amounts.
    payableCredits: async (tx, supplierId) => {
      const out: { documentId: string; documentType: string; currency: string; open: string }[] = [];
      for await (const item of readOpenItems(tx, "payables", { party: supplierId })) {
        if (new Decimal(item.openAmount).gt(0)) out.push({ documentId: item.documentId, documentType: item.documentType, currency: item.currency, open: item.openAmount });
      }
      return out;
    },
  });
  return {
    config,
    store,
    clock,
    runtime,
    finance,
    inventory,
    crm,
    sales: createSalesApi(runtime, options.sales ?? {}, {
      calculateTax,
      allocateDocumentNumber,
      openItems: receivableItems,
      partyReceivables: async (tx, customerId) => {
        // Finance's receivables of the customer: open invoices less credits on account, functional.
        let open = new Decimal(0);
        for await (const item of readOpenItems(tx, "receivables", { party: customerId })) open = open.plus(item.openFunctional);
        return open.toFixed();
      },
      receivableDifference: (tx, input) => receivableDifference(tx, config.functionalCurrency, input),
      warehouseExists: async (tx, warehouseId) => (await tx.documents.get(WAREHOUSES, warehouseId)) !== undefined,
      productOf: async (tx, sku) => {
        const product = await tx.documents.get<Product>(PRODUCTS, sku);
        return product === undefined ? undefined : { allowBackorders: product.data.allowBackorders };
      },
      productsOf: async (tx, skus) => new Map((await tx.documents.getMany<Product>(PRODUCTS, skus)).map((d) => [d.id, { allowBackorders: d.data.allowBackorders }])),
      availability: async (tx, skus) => {
        // Every warehouse's available units of the order's SKUs (on hand less held), for the sales sourcing policy: one list, one read.
        const warehouses = (await tx.documents.find<{ warehouseId: string }>(WAREHOUSES, { index: "byId", limit: 10_000 })).map((d) => d.data.warehouseId);
        const pairs = skus.flatMap((sku) => warehouses.map((warehouseId) => ({ sku, warehouseId })));
        const rows = await tx.counters.getMany(AVAILABILITY, pairs.map((p) => scopeOf(p.sku, p.warehouseId)));
        return pairs.map(({ sku, warehouseId }) => ({ sku, warehouseId, available: availableIn(rows, sku, warehouseId) }));
      },
      availableAt: async (tx, skus, warehouseId) => {
        if ((await tx.documents.get(WAREHOUSES, warehouseId)) === undefined) return undefined;
        const rows = await tx.counters.getMany(AVAILABILITY, skus.map((sku) => scopeOf(sku, warehouseId)));
        return new Map(skus.map((sku) => [sku, availableIn(rows, sku, warehouseId)]));
      },
    }),
    analytics: createAnalyticsApi(runtime, analyticsSources(options.finance, config), options.analytics, {
      expireHolds: (key) => inventory.expireReservations({}, { idempotencyKey: key }),
      revalue: async (date, key) => {
        const r = await finance.revalue({ date }, { idempotencyKey: key });
        return { date: r.date, entryId: r.entryId, netGain: r.netGain, rows: r.rows.length, replayed: r.replayed };
      },
      segments: async (asOf) => {
        await crm.syncTimeline();
        const counts = new Map<string, number>();
        for (const score of await crm.segments(asOf)) counts.set(score.segment, (counts.get(score.segment) ?? 0) + 1);
        return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([segment, customers]) => ({ segment, customers }));
      },
      forecastNext: (history) => {
        const f = autoForecast(history, { h: 1 });
        return { value: f.mean[0] ?? 0, method: f.model };
      },
      customerSegments: async (asOf) => {
        await crm.syncTimeline();
        const segments = new Map((await crm.segments(asOf)).map((score) => [score.customerId, score.segment]));
        // A merged customer's orders stay under the id they were placed with in analytics; CRM moved them to the
        // customer it was merged into and scores them there: the merged id takes that customer's segment.
        for (const [source, target] of await runtime.read((tx) => mergedCustomerTargets(tx))) {
          const segment = segments.get(target);
          if (segment !== undefined) segments.set(source, segment);
        }
        return segments;
      },
    }),
    purchasing,
    replenishment: createReplenishmentApi(runtime, replenishmentSources(config.timeZone, () => clock.now().toISOString()), (proposals, orderDate, execOptions) =>
      purchasing.draftOrdersFromSuggestions({ proposals: proposals.map((p) => ({ supplier: p.supplier, warehouse: p.warehouse, lines: p.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) })), orderDate, reuseDrafts: true }, execOptions),
    ),
    events: createEventsApi(runtime),
    ready: () => runtime.ready(),
    run: async (command, input, execOptions) => {
      let isCommand = false;
      try {
        isCommand = command !== null && typeof command === "object" && typeof (command as Partial<CommandDefinition<StandardSchemaV1, Json>>).handle === "function";
      } catch {
        isCommand = false;
      }
      if (!isCommand) {
        throw new StorekeepError("VALIDATION_FAILED", "run needs a command made with defineCommand.", { issues: [{ path: "command", message: "a command definition", code: "custom" }] });
      }
      return runtime.execute(command, plainInput(input, "run input"), checkArg(execOptions, "options?", "run options") as ExecuteOptions | undefined);
    },
    recordEvents: async (untrustedEvents, untrustedOptions) => {
      const execOptions = checkArg(untrustedOptions, "options?", "recordEvents options") as ExecuteOptions | undefined;
      const events = plainInput(untrustedEvents, "events") as HostEvent[];
      if (!Array.isArray(events)) {
        throw new StorekeepError("VALIDATION_FAILED", `recordEvents needs an array of events, got ${events === null ? "null" : typeof events}.`, { issues: [{ path: "events", message: "an array", code: "custom" }] });
      }
      for (const [index, event] of events.entries()) {
        if (event === null || typeof event !== "object" || Array.isArray(event)) {
          throw new StorekeepError("VALIDATION_FAILED", `events[${index}] must be an event object ({ type, aggregateType, aggregateId, effectiveDate, payload }).`, { issues: [{ path: `events[${index}]`, message: "an object", code: "custom" }] });
        }
      }
      for (const [index, event] of events.entries()) {
        if (!catalog.isEventType(event.type)) {
          throw new StorekeepError("VALIDATION_FAILED", `events[${index}].type "${String(event.type).slice(0, 80)}" is not in the event catalog; use a catalog type or extend the catalog with createStorekeep({ events }).`, {
            issues: [{ path: `events[${index}].type`, message: "unknown event type", code: "custom" }],
          });
        }
      }
      // Normalise (and upcast) payloads first, so the idempotency hash sees canonical input:
      // "12.75" and "12.750" are the same event.
      const normalised = events.map((event, index) => {
        const { schemaVersion, ...rest } = event;
        // A document in the functional currency may leave out its functional side.
        const payload = fillFunctionalFields(catalog, event.type, event.payload, config.functionalCurrency);
        try {
          return { ...rest, payload: catalog.parsePayload(event.type, payload, schemaVersion) as Record<string, unknown> };
        } catch (error) {
          if (isStorekeepError(error) && error.code === "VALIDATION_FAILED") {
            const issues = ((error.details["issues"] ?? []) as { path: string; message: string; code: string }[]).map((i) => ({ ...i, path: `events[${index}].payload${i.path ? `.${i.path}` : ""}` }));
            const missing = missingFunctionalFields(catalog, event.type, payload);
            const currency = (payload as Record<string, unknown> | null)?.["currency"];
            const hint =
              missing.length > 0 && typeof currency === "string" && currency !== config.functionalCurrency
                ? ` A document in ${currency.slice(0, 3)} when the books are kept in ${config.functionalCurrency} needs its functional side: add ${missing.join(", ")}.`
                : "";
            throw new StorekeepError("VALIDATION_FAILED", `events[${index}] (${event.type}): ${error.message}${hint}`, { ...error.details, issues });
          }
          throw error;
        }
      });
      // Every payload is the catalog's parse by now: the runner need not parse the events again.
      return runtime.execute(recordParsedEvents, { events: normalised }, execOptions);
    },
    close: async () => {
      await store.close?.();
    },
  };
}

/** The facade's options, checked and copied shallowly (they hold a store, a clock, modules: not plain data). */
/** Available units (on hand less held) of a SKU at a warehouse from its availability counter row, as a canonical decimal. */
function availableIn(rows: ReadonlyMap<string, Record<string, Decimal>>, sku: string, warehouseId: string): string {
  const row = rows.get(scopeOf(sku, warehouseId)) ?? {};
  return (row["onHand"] ?? new Decimal(0)).minus(row["reserved"] ?? 0).toFixed();
}

function storekeepOptions(options: unknown): StorekeepOptions {
  if (options === undefined) return {};
  const out: Record<string, unknown> = {};
  try {
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new StorekeepError("VALIDATION_FAILED", "createStorekeep options must be an object or left out.", { issues: [{ path: "options", message: "an object", code: "custom" }] });
    }
    for (const key of ["store", "clock", "ids", "rates", "config", "modules", "finance", "inventory", "crm", "sales", "analytics", "purchasing", "events", "digest"]) {
      const value = (options as Record<string, unknown>)[key];
      if (value === undefined) continue;
      if (key === "modules" ? !Array.isArray(value) : value === null || typeof value !== "object") {
        throw new StorekeepError("VALIDATION_FAILED", `createStorekeep option ${key} must be ${key === "modules" ? "an array" : "an object"} or left out.`, { issues: [{ path: key, message: key === "modules" ? "an array" : "an object", code: "custom" }] });
      }
      out[key] = value;
    }
  } catch (error) {
    if (isStorekeepError(error)) throw error;
    throw new StorekeepError("VALIDATION_FAILED", `createStorekeep options could not be read (${error instanceof Error ? error.message : String(error)}).`, { issues: [{ path: "options", message: "unreadable", code: "custom" }] });
  }
  return out as StorekeepOptions;
}

/** Reads the Inventory account's balance (debit minus credit, functional) as of a date, for the inventory audit. */
function inventoryAccountReader(finance: FinanceOptions | undefined): InventoryAccountReader {
  const code = resolveFinanceOptions(finance).accountMap.inventory;
  return async (tx, asOf) => {
    const balances = await readBalances(tx, { to: asOf ?? "9999-12-31" }, { keyPrefix: `${code}|` });
    let total = new Decimal(0);
    for (const [key, row] of balances) if (key.slice(0, key.lastIndexOf("|")) === code) total = total.plus(row.debit).minus(row.credit);
    return total;
  };
}

/** What analytics reads from the books and the stock ledger (analytics imports neither module). */
function analyticsSources(finance: FinanceOptions | undefined, config: { readonly functionalCurrency: string }): AnalyticsSources {
  const settings = resolveFinanceOptions(finance);
  const codeOf = (key: string): string => key.slice(0, key.lastIndexOf("|"));
  const plus = (a: Turnover | undefined, b: Turnover): Turnover => (a === undefined ? { debit: b.debit, credit: b.credit, closing: b.closing } : { debit: a.debit.plus(b.debit), credit: a.credit.plus(b.credit), closing: a.closing.plus(b.closing) });
  const readTotals = async (tx: Transaction, range: { from?: string; to: string }): Promise<Map<string, Turnover>> => {
    const out = new Map<string, Turnover>();
    for (const [key, row] of await readBalances(tx, range)) out.set(codeOf(key), plus(out.get(codeOf(key)), row));
    return out;
  };
  /*
   * What a report's transaction read already, by range: a KPI series asks, per point, for its
   * range's turnover and the balances as of its end and as of the day before its start. The
   * balance as of a date is then the one as of an earlier date already read plus the turnover
   * in between (one range read, or none when the point's own range is that range), so a
   * series reads the books once per point instead of three or four times. (Analytics reads
   * the books only in report transactions, which write nothing.)
   */
  const read = new WeakMap<Transaction, Map<string, Map<string, Turnover>>>();
  const addTotals = (a: ReadonlyMap<string, Turnover>, b: ReadonlyMap<string, Turnover>): Map<string, Turnover> => {
    const out = new Map(a);
    for (const [code, t] of b) out.set(code, plus(out.get(code), t));
    return out;
  };
  const totalsByCode = async (tx: Transaction, range: { from?: string; to: string }): Promise<Map<string, Turnover>> => {
    // A store that keeps running totals answers any range at the same cost: nothing to save.
    if (tx.balances.runningTotals === true) return readTotals(tx, range);
    let memo = read.get(tx);
    if (memo === undefined) read.set(tx, (memo = new Map()));
    const key = `${range.from ?? ""}|${range.to}`;
    const had = memo.get(key);
    if (had !== undefined) return had;
    let totals: Map<string, Turnover> | undefined;
    if (range.from === undefined) {
      // As of a date: the latest earlier as-of read plus the turnover since.
      let earlier: string | undefined;
      for (const k of memo.keys()) {
        if (!k.startsWith("|")) continue;
        const d = k.slice(1);
        if (d < range.to && (earlier === undefined || d > earlier)) earlier = d;
      }
      if (earlier !== undefined) totals = addTotals(memo.get(`|${earlier}`)!, await totalsByCode(tx, { from: addDays(earlier as LocalDate, 1), to: range.to }));
    }
    totals ??= await readTotals(tx, range);
    memo.set(key, totals);
    return totals;
  };
  return {
    async accountTotals(tx, roles, range) {
      const byCode = await totalsByCode(tx, range);
      const out: Partial<Record<AccountRole, Turnover>> = {};
      for (const role of roles) {
        const t = byCode.get(settings.accountMap[role]);
        if (t !== undefined) out[role] = t;
      }
      return out;
    },
    async cashPosition(tx, asOf) {
      const byCode = await totalsByCode(tx, { to: asOf });
      const codes = new Set([settings.accountMap.bank, settings.accountMap["psp-clearing"], ...settings.cashAccounts.map((r) => r.account)]);
      let total = new Decimal(0);
      for (const code of codes) {
        const t = byCode.get(code);
        if (t !== undefined) total = total.plus(t.debit).minus(t.credit);
      }
      return total;
    },
    stockBySku: (tx, asOf) => stockBySkuIn(tx, { to: asOf }),
    stockChangesBySku: (tx, after, asOf) => stockBySkuIn(tx, { from: addDays(after as LocalDate, 1), to: asOf }),
    async stockByWarehouse(tx, asOf) {
      // Units per SKU and warehouse (a location's warehouse; stock travelling sits under "in-transit").
      const units = new Map<string, Map<string, Decimal>>();
      const rows = await tx.balances.sumByKey(INVENTORY_QUANTITIES, { buckets: { to: asOf } });
      const locationIds = [...new Set([...rows.keys()].map((key) => key.split("|")[1]!).filter((l) => !l.startsWith("in-transit:")))];
      const warehouseOf = new Map((await tx.documents.getMany<Location>(INVENTORY_LOCATIONS, locationIds)).map((d) => [d.id, d.data.warehouseId]));
      for (const [key, row] of rows) {
        const [sku, locationId] = key.split("|") as [string, string];
        const warehouse = locationId.startsWith("in-transit:") ? "in-transit" : (warehouseOf.get(locationId) ?? locationId);
        const perSku = units.get(sku) ?? new Map<string, Decimal>();
        perSku.set(warehouse, (perSku.get(warehouse) ?? new Decimal(0)).plus(row["quantity"] ?? 0));
        units.set(sku, perSku);
      }
      const values = new Map<string, Decimal>();
      for (const [sku, row] of await tx.balances.sumByKey(INVENTORY_VALUES, { buckets: { to: asOf } })) values.set(sku, row["value"] ?? new Decimal(0));
      return splitStockByWarehouse(units, values, minorUnits(config.functionalCurrency as CurrencyCode));
    },
  };
}
