import { Decimal } from "../../kernel/decimal.js";
import { isStorekeepError } from "../../kernel/errors.js";
import type { PositionedEvent } from "../../ports/storage.js";
import type { ModulePart, ShopContext, SimStep } from "./context.js";

/*
 * CRM's part of the whole-shop simulation: customers created (some sharing an e-mail with an
 * earlier one, so duplicates are found), updated, merged and split off again, erased; consent
 * given and withdrawn (some back-dated), interactions recorded, segments refreshed, a campaign
 * targeted; and the orders sales places name these customers (merged and erased ones too).
 * The part keeps its own model of the customers — who an id resolves to, whose e-mails, consent
 * records, interactions and orders are whose — and checks after every step, once CRM has read
 * the outbox (`syncTimeline`, retried over injected failures): an erased customer's personal
 * data (names, e-mails, interaction subjects and bodies) is gone from every CRM read and from
 * the merge records, and stays gone; every id resolves to its survivor; each customer's
 * consent per channel is the latest decision recorded for it (merges and splits move the
 * history); each interaction is on the timeline of the customer that holds it, once; CRM's
 * order projection holds each order once, owned by the customer the model says; RFM segments
 * name only customers that exist and are not merged away, and count each one's purchases
 * (orders net of credits above zero) once; duplicates name only active customers sharing an
 * e-mail; a campaign (redefined for a segment some customer is in) reaches exactly the
 * segment's active customers whose latest e-mail decision is a grant. CRM commands that change customers run alone (the model follows commits in order);
 * in a concurrent batch they are skipped.
 */

/** A consent decision in the model (`seq` orders records with equal instants as recorded). */
interface Consent {
  readonly channel: string;
  readonly granted: boolean;
  readonly at: string;
  readonly source: string;
}

interface ModelCustomer {
  readonly id: string;
  status: "active" | "merged" | "erased";
  mergedInto: string | null;
  /** Normalised e-mails the customer holds now. */
  emails: string[];
  consent: Consent[];
  /** Interaction entry ids whose timeline entry belongs to this customer. */
  interactions: Set<string>;
}

interface ModelMerge {
  readonly sourceId: string;
  readonly targetId: string;
  readonly source: { emails: string[]; consent: Consent[] };
  readonly targetEmailsBefore: string[];
  readonly interactions: string[];
  readonly orders: string[];
}

const CHANNELS = ["email", "sms"] as const;
const KINDS = ["message", "ticket", "note"] as const;
/** Event types CRM's timeline reads (src/crm/timeline.ts). */
const TIMELINE_TYPES = new Set(["OrderPlaced", "PaymentCaptured", "OrderInvoiced", "ShipmentDispatched", "RefundIssued", "CreditNoteIssued", "ReturnReceived"]);

/** CRM's commands and invariants for the simulator. */
export function crmPart(shop: ShopContext): ModulePart {
  const { sk, random } = shop;
  const customers = new Map<string, ModelCustomer>();
  const merges = new Map<string, ModelMerge>();
  // Personal data the run gave CRM: each string and the customers it was given to (resolved then).
  const personal = new Map<string, Set<string>>();
  // Orders CRM has read, and the customer each belongs to now.
  const owners = new Map<string, string>();
  const pending: string[] = [];
  let lastConsentAt = 0;

  const resolve = (id: string): string => {
    let current = id;
    for (let hop = 0; hop < 100; hop++) {
      const c = customers.get(current);
      if (c === undefined || c.mergedInto === null) return current;
      current = c.mergedInto;
    }
    return current;
  };
  const give = (text: string, holder: string): void => {
    const set = personal.get(text) ?? new Set<string>();
    set.add(holder);
    personal.set(text, set);
  };
  const customerNamed = (): string | undefined => (shop.customers.ids.length === 0 ? undefined : random.pick(shop.customers.ids));
  // E-mails given so far: a quarter of new ones reuse one (upper-cased now and then: matching is case-folded), so duplicates are found.
  const emailsGiven: string[] = [];
  const emailFor = (id: string): string => {
    if (emailsGiven.length > 0 && random.chance(0.25)) {
      const earlier = random.pick(emailsGiven);
      return random.chance(0.3) ? earlier.toUpperCase() : earlier;
    }
    const email = `${id}-${shop.id("m")}@example.com`;
    emailsGiven.push(email);
    return email;
  };
  const latest = (records: readonly Consent[]): Map<string, Consent> => {
    const out = new Map<string, Consent>();
    for (const r of records) {
      const prev = out.get(r.channel);
      if (prev === undefined || r.at > prev.at) out.set(r.channel, r);
    }
    return out;
  };
  const activeHoldingEmail = (emails: readonly string[], except: string): string[] =>
    [...customers.values()].filter((c) => c.id !== except && c.status === "active" && c.emails.some((e) => emails.includes(e))).map((c) => c.id).sort();

  /** Runs a command the model predicts: an outcome other than the prediction is a violation; the caller's refusal is rethrown. */
  const predicted = async <T>(name: string, expect: string | undefined, run: () => Promise<T>): Promise<T> => {
    let result: T;
    try {
      result = await run();
    } catch (error) {
      const code = isStorekeepError(error) ? error.code : undefined;
      if (code !== "STORE_FAILURE" && code !== expect) pending.push(`${name} was refused with ${code ?? String(error)} (${(error as Error).message}); the model expected ${expect ?? "success"}`);
      throw error;
    }
    if (expect !== undefined) pending.push(`${name} succeeded; the model expected the refusal ${expect}`);
    return result;
  };

  const alone = (step: SimStep): SimStep => ({ ...step, run: async () => (shop.concurrent() ? "skip" : step.run()) });

  const steps = (): SimStep[] => {
    const any = shop.customers.ids.length > 0 ? 1 : 0;
    return [
      alone({
        name: "crm.createCustomer",
        weight: any === 0 ? 2.5 : 1.6,
        run: async () => {
          const customerId = shop.id("cus");
          const emails = [emailFor(customerId)];
          const name = `Name [${customerId}]`;
          const expected = activeHoldingEmail(emails.map((e) => e.toLowerCase()), customerId);
          const result = await sk.crm.createCustomer({ customerId, name, emails, tags: random.chance(0.3) ? ["vip"] : [] });
          customers.set(customerId, { id: customerId, status: "active", mergedInto: null, emails: emails.map((e) => e.toLowerCase()), consent: [], interactions: new Set() });
          shop.customers.ids.push(customerId);
          give(name, customerId);
          for (const e of emails) give(e.toLowerCase(), customerId);
          if (JSON.stringify(result.duplicates) !== JSON.stringify(expected)) pending.push(`createCustomer ${customerId} reported duplicates ${JSON.stringify(result.duplicates)}; the active customers sharing its e-mail are ${JSON.stringify(expected)}`);
          if (expected.length > 0) shop.tally("crm.duplicatesFound");
          return result;
        },
      }),
      alone({
        name: "crm.updateCustomer",
        weight: 0.7 * any,
        run: async () => {
          const named = customerNamed();
          if (named === undefined) return "skip";
          const holder = customers.get(resolve(named))!;
          const emails = random.chance(0.5) ? [emailFor(holder.id)] : undefined;
          const name = `Name [${holder.id} ${shop.id("v")}]`;
          const result = await predicted("updateCustomer", holder.status === "erased" ? "INVALID_TRANSITION" : undefined, () => sk.crm.updateCustomer({ customerId: named, name, ...(emails ? { emails } : {}) }));
          give(name, holder.id);
          if (emails) {
            holder.emails = emails.map((e) => e.toLowerCase());
            for (const e of holder.emails) give(e, holder.id);
          }
          return result;
        },
      }),
      alone({
        name: "crm.recordConsent",
        weight: 1.2 * any,
        run: async () => {
          const named = customerNamed();
          if (named === undefined) return "skip";
          const holder = customers.get(resolve(named))!;
          // Distinct instants (the model's "latest" needs no tie rule); some back-dated by up to a month.
          const now = shop.clock.now().getTime();
          const backDated = random.chance(0.2);
          const ms = backDated ? now - random.int(1, 30) * 86_400_000 - random.int(0, 999) : Math.max(now, lastConsentAt + 1);
          if (!backDated) lastConsentAt = ms;
          const record: Consent = { channel: random.pick(CHANNELS), granted: random.chance(0.6), at: new Date(ms).toISOString(), source: `sim ${shop.id("src")}` };
          const result = await predicted("recordConsent", holder.status === "erased" ? "INVALID_TRANSITION" : undefined, () => sk.crm.recordConsent({ customerId: named, ...record }));
          if (holder.consent.some((r) => r.at === record.at && r.channel === record.channel)) shop.tally("crm.consentSameInstant");
          holder.consent.push(record);
          if (backDated) shop.tally("crm.consentBackDated");
          return result;
        },
      }),
      alone({
        name: "crm.addInteraction",
        weight: 1.2 * any,
        run: async () => {
          const named = customerNamed();
          if (named === undefined) return "skip";
          const holder = customers.get(resolve(named))!;
          const entryId = shop.id("int");
          const subject = `Subject [${holder.id} ${entryId}]`;
          const body = `Body [${holder.id} ${entryId}]`;
          const result = await predicted("addInteraction", holder.status === "erased" ? "INVALID_TRANSITION" : undefined, () => sk.crm.addInteraction({ customerId: named, kind: random.pick(KINDS), entryId, channel: "email", subject, body }));
          holder.interactions.add(`shop:${entryId}`);
          give(subject, holder.id);
          give(body, holder.id);
          return result;
        },
      }),
      alone({
        name: "crm.mergeCustomers",
        weight: 1.5 * any,
        run: async () => {
          if (shop.customers.ids.length < 2) return "skip";
          // Mostly two active customers (a duplicate when there is one); sometimes any two ids (an erased one or the same customer: refused).
          const active = [...customers.values()].filter((c) => c.status === "active").map((c) => c.id);
          const sourceId = active.length > 0 && random.chance(0.8) ? random.pick(active) : random.pick(shop.customers.ids);
          const twins = activeHoldingEmail(customers.get(resolve(sourceId))!.emails, resolve(sourceId));
          const targetId = twins.length > 0 && random.chance(0.6) ? random.pick(twins) : active.length > 1 && random.chance(0.8) ? random.pick(active) : random.pick(shop.customers.ids);
          const s = customers.get(resolve(sourceId))!;
          const t = customers.get(resolve(targetId))!;
          const expect = s.status === "erased" || t.status === "erased" || s.id === t.id ? "INVALID_TRANSITION" : undefined;
          const result = await predicted("mergeCustomers", expect, () => sk.crm.mergeCustomers({ sourceId, targetId }));
          const movedOrders = [...owners.entries()].filter(([, owner]) => owner === s.id).map(([orderId]) => orderId);
          merges.set(s.id, { sourceId: s.id, targetId: t.id, source: { emails: [...s.emails], consent: [...s.consent] }, targetEmailsBefore: [...t.emails], interactions: [...s.interactions], orders: movedOrders });
          t.emails = [...t.emails, ...s.emails.filter((e) => !t.emails.includes(e))];
          t.consent = [...t.consent, ...s.consent];
          for (const i of s.interactions) t.interactions.add(i);
          for (const o of movedOrders) owners.set(o, t.id);
          for (const holders of personal.values()) if (holders.has(s.id)) holders.add(t.id);
          Object.assign(s, { status: "merged", mergedInto: t.id, emails: [], consent: [], interactions: new Set() });
          if (result.orders !== movedOrders.length) pending.push(`merging ${s.id} into ${t.id} moved ${result.orders} orders; the model says ${s.id} had ${movedOrders.length}`);
          shop.tally("crm.merged");
          return result;
        },
      }),
      alone({
        name: "crm.unmergeCustomer",
        weight: merges.size > 0 ? 1.2 : 0.1 * any,
        refusals: ["NOT_FOUND"],
        run: async () => {
          const merged = [...merges.keys()];
          // Mostly a customer merged away; sometimes any id (nothing to undo: NOT_FOUND).
          const sourceId = merged.length > 0 && random.chance(0.8) ? random.pick(merged) : customerNamed();
          if (sourceId === undefined) return "skip";
          const record = merges.get(sourceId);
          const target = record === undefined ? undefined : customers.get(record.targetId)!;
          const expect = record === undefined ? "NOT_FOUND" : target!.status === "merged" ? "INVALID_TRANSITION" : undefined;
          const result = await predicted("unmergeCustomer", expect, () => sk.crm.unmergeCustomer({ sourceId }));
          const s = customers.get(sourceId)!;
          const t = target!;
          const came = record!.source.emails.filter((e) => !record!.targetEmailsBefore.includes(e));
          t.emails = t.emails.filter((e) => !came.includes(e));
          t.consent = t.consent.filter((r) => !record!.source.consent.includes(r));
          Object.assign(s, { status: "active", mergedInto: null, emails: [...record!.source.emails], consent: [...record!.source.consent], interactions: new Set<string>() });
          for (const i of record!.interactions) {
            if (t.interactions.delete(i)) s.interactions.add(i);
          }
          for (const o of record!.orders) if (owners.get(o) === t.id) owners.set(o, s.id);
          merges.delete(sourceId);
          shop.tally("crm.unmerged");
          return result;
        },
      }),
      alone({
        name: "crm.eraseCustomer",
        weight: 0.45 * any,
        run: async () => {
          const named = customerNamed();
          if (named === undefined) return "skip";
          const holder = customers.get(resolve(named))!;
          const result = await predicted("eraseCustomer", undefined, () => sk.crm.eraseCustomer({ customerId: named }));
          if (holder.status !== "erased") shop.tally(holder.interactions.size > 0 ? "crm.erased.with-interactions" : "crm.erased");
          Object.assign(holder, { status: "erased", emails: [], consent: [] });
          // Merges into the erased customer (through chains) can no longer be undone: their records are gone.
          const gone = [holder.id];
          for (let id = gone.pop(); id !== undefined; id = gone.pop()) {
            for (const m of [...merges.values()]) {
              if (m.targetId !== id) continue;
              merges.delete(m.sourceId);
              gone.push(m.sourceId);
            }
          }
          return result;
        },
      }),
      {
        name: "crm.refreshSegments",
        weight: 0.5 * any,
        run: async () => {
          await sync();
          const result = await sk.crm.refreshSegments({ asOf: shop.today() });
          if (!shop.concurrent()) {
            const now = await sk.crm.segments(shop.today());
            if (result.customers !== now.length) pending.push(`refreshSegments scored ${result.customers} customers; segments() now scores ${now.length}`);
          }
          return result;
        },
      },
      alone({
        name: "crm.targetCampaign",
        weight: 0.4 * any,
        run: async () => {
          await sync();
          // The campaign (re)defined for a segment some customer is in now, then targeted.
          const scores = await sk.crm.segments(shop.today());
          const segment = scores.length > 0 ? random.pick(scores).segment : "new-customers";
          await sk.crm.defineCampaign({ campaignId: "sim-campaign", name: "Simulated", channel: "email", segment, cost: { amount: "50", currency: "EUR" }, attributionDays: 14 });
          const result = await sk.crm.targetCampaign({ campaignId: "sim-campaign", asOf: shop.today() });
          if (result.touched + result.withoutConsent + result.alreadyTouched !== result.segmentCustomers) pending.push(`targetCampaign: touched ${result.touched} + without consent ${result.withoutConsent} + already ${result.alreadyTouched} != ${result.segmentCustomers} in the segment`);
          // Only active customers whose latest e-mail decision is a grant are reached.
          const inSegment = scores.filter((x) => x.segment === segment).map((x) => customers.get(x.customerId));
          const consenting = inSegment.filter((c) => c?.status === "active" && latest(c.consent).get("email")?.granted === true).length;
          if (result.segmentCustomers !== inSegment.length || result.touched + result.alreadyTouched !== consenting) pending.push(`targetCampaign on ${segment}: ${result.segmentCustomers} in the segment, ${result.touched + result.alreadyTouched} reached; the model has ${inSegment.length}, ${consenting} consenting to e-mail`);
          shop.tally("crm.campaignTouches", result.touched);
          return result;
        },
      }),
    ];
  };

  /** Lets CRM read the outbox (retried over injected failures); orders it now knows get their owner in the model. */
  const sync = async (): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await sk.crm.syncTimeline(10_000);
        if (r.processed === 0) break;
      } catch (error) {
        if (!(isStorekeepError(error) && (error.code === "STORE_FAILURE" || error.code === "COMMIT_OUTCOME_UNKNOWN")) || attempt > 1000) throw error;
      }
    }
    for (const [orderId, named] of shop.customers.ordered) {
      if (owners.has(orderId)) continue;
      const owner = resolve(named);
      owners.set(orderId, owner);
      shop.tally(customers.get(owner)?.status === "erased" ? "crm.orders.of-erased" : owner !== named ? "crm.orders.of-merged-id" : "crm.orders");
    }
  };

  const allEntries = async (id: string) => {
    const out: Awaited<ReturnType<typeof sk.crm.timeline>>["entries"][number][] = [];
    let before: { at: string; entryId: string } | undefined;
    for (;;) {
      const page = await sk.crm.timeline(id, { limit: 500, ...(before ? { before } : {}) });
      out.push(...page.entries);
      if (page.next === null) return out;
      before = page.next;
    }
  };

  const invariants = async (full: boolean): Promise<string[]> => {
    const violations = pending.splice(0);
    if (customers.size === 0 && shop.customers.ordered.size === 0) return violations;
    await sync();
    // Personal data that must be gone: given only to customers now erased (or merged into one).
    const gone = [...personal.entries()].filter(([, holders]) => [...holders].every((h) => customers.get(resolve(h))?.status === "erased")).map(([text]) => text);
    const leaks = (where: string, value: unknown): void => {
      const json = JSON.stringify(value).toLowerCase();
      for (const text of gone) if (json.includes(text.toLowerCase())) violations.push(`erased personal data "${text}" is still in ${where}`);
    };
    const segmentDocs = await sk.runtime.read(async (tx) => ({
      segments: await tx.documents.getMany<{ segment: string }>("crm.segments", [...customers.keys()]),
      merges: await tx.documents.getMany("crm.merges", [...customers.keys()]),
      orders: await tx.documents.getMany<{ orderId: string; customerId: string; total: string; credited: string; placedOn: string }>("crm.orders", [...owners.keys()]),
    }));
    for (const m of segmentDocs.merges) leaks(`the merge record of ${m.id}`, m.data);
    const modelMerges = [...merges.keys()].sort();
    const storedMerges = segmentDocs.merges.map((m) => m.id).sort();
    if (JSON.stringify(modelMerges) !== JSON.stringify(storedMerges)) violations.push(`merge records kept for ${JSON.stringify(storedMerges)}; the model's undoable merges are ${JSON.stringify(modelMerges)}`);
    for (const s of segmentDocs.segments) if (customers.get(s.id)?.status === "merged") violations.push(`merged customer ${s.id} still has a stored segment (${s.data.segment})`);

    for (const c of customers.values()) {
      const view = await sk.crm.customer(c.id);
      const survivor = resolve(c.id);
      if (view === undefined) {
        violations.push(`customer ${c.id} is not found`);
        continue;
      }
      if (view.customerId !== survivor) violations.push(`customer ${c.id} resolves to ${view.customerId}, not its survivor ${survivor}`);
      if (c.status === "merged") continue;
      leaks(`customer ${c.id}`, view);
      if (view.status !== c.status) violations.push(`customer ${c.id} is ${view.status}; the model says ${c.status}`);
      if (c.status === "erased" && (view.name !== null || view.emails.length + view.phones.length + view.addresses.length + view.tags.length + view.groups.length + view.consentHistory.length > 0 || Object.keys(view.consent).length > 0)) {
        violations.push(`erased customer ${c.id} still shows personal data: ${JSON.stringify(view).slice(0, 200)}`);
      }
      const emails = view.emails.map((e) => e.toLowerCase()).sort();
      if (JSON.stringify(emails) !== JSON.stringify([...c.emails].sort())) violations.push(`customer ${c.id} holds e-mails ${JSON.stringify(emails)}; the model says ${JSON.stringify([...c.emails].sort())}`);
      for (const d of view.duplicates) if (customers.get(d)?.status !== "active") violations.push(`customer ${c.id} lists ${d} (${customers.get(d)?.status}) as a duplicate`);
      const expectedDuplicates = c.status === "active" ? activeHoldingEmail(c.emails, c.id) : [];
      if (JSON.stringify([...view.duplicates].sort()) !== JSON.stringify(expectedDuplicates)) violations.push(`customer ${c.id} lists duplicates ${JSON.stringify(view.duplicates)}; active customers sharing an e-mail: ${JSON.stringify(expectedDuplicates)}`);
      const want = latest(c.consent);
      for (const channel of CHANNELS) {
        const has = view.consent[channel];
        const expected = want.get(channel);
        if ((has?.granted ?? null) !== (expected?.granted ?? null) || (has?.at ?? null) !== (expected?.at ?? null)) {
          violations.push(`customer ${c.id}'s ${channel} consent is ${JSON.stringify(has ?? null)}; the latest decision recorded for it is ${JSON.stringify(expected ?? null)}`);
        }
      }
      const entries = await allEntries(c.id);
      leaks(`the timeline of ${c.id}`, entries);
      const interactions = entries.filter((e) => e.entryId.startsWith("shop:") && e.kind !== "campaign-touch").map((e) => e.entryId).sort();
      if (JSON.stringify(interactions) !== JSON.stringify([...c.interactions].sort())) violations.push(`customer ${c.id}'s timeline holds interactions ${JSON.stringify(interactions)}; the model says ${JSON.stringify([...c.interactions].sort())}`);
      if (c.status === "erased") for (const e of entries) if (e.subject !== null || e.body !== null) violations.push(`erased customer ${c.id}'s timeline entry ${e.entryId} keeps a subject or body`);
      for (const e of entries) if (e.customerId !== c.id) violations.push(`timeline entry ${e.entryId} on ${c.id}'s timeline names ${e.customerId}`);
    }

    // CRM's order projection: each order once, owned by the customer the model says; segments count it once.
    const projected = new Map(segmentDocs.orders.map((d) => [d.id, d.data]));
    const purchases = new Map<string, number>();
    for (const [orderId, owner] of owners) {
      const doc = projected.get(orderId);
      if (doc === undefined) {
        violations.push(`CRM never projected order ${orderId} of ${owner}`);
        continue;
      }
      if (doc.customerId !== owner) violations.push(`CRM's order ${orderId} belongs to ${doc.customerId}; the model says ${owner}`);
      if (doc.placedOn <= shop.today() && new Decimal(doc.total).minus(doc.credited).gt(0)) purchases.set(doc.customerId, (purchases.get(doc.customerId) ?? 0) + 1);
    }
    const scores = await sk.crm.segments(shop.today());
    for (const s of scores) {
      const c = customers.get(s.customerId);
      if (c === undefined || c.status === "merged") violations.push(`segments score ${s.customerId}, ${c === undefined ? "no customer" : "a customer merged away"}`);
      if (s.frequency !== (purchases.get(s.customerId) ?? 0)) violations.push(`segments count ${s.frequency} purchases of ${s.customerId}; its orders net of credits above zero are ${purchases.get(s.customerId) ?? 0}`);
    }
    if (scores.length !== purchases.size) violations.push(`segments score ${scores.length} customers; ${purchases.size} have purchases`);

    if (full) {
      // Every timeline event of an order CRM projected is on exactly one timeline.
      const expected = new Set<string>();
      let cursor: string | null = null;
      for (;;) {
        const page: readonly PositionedEvent[] = await shop.store.readEvents(cursor, 10_000);
        for (const e of page) {
          const orderId = (e.payload as { orderId?: unknown }).orderId;
          if (TIMELINE_TYPES.has(e.type) && typeof orderId === "string" && projected.has(orderId)) expected.add(`ev:${e.id}`);
        }
        if (page.length < 10_000) break;
        cursor = page[page.length - 1]!.position;
      }
      const seen = new Map<string, number>();
      for (const c of customers.values()) {
        if (c.status === "merged") continue;
        for (const e of await allEntries(c.id)) if (e.source === "event") seen.set(e.entryId, (seen.get(e.entryId) ?? 0) + 1);
      }
      for (const [id, n] of seen) if (n !== 1 || !expected.has(id)) violations.push(`timeline event entry ${id} is on ${n} timelines${expected.has(id) ? "" : " (no such order event)"}`);
      for (const id of expected) if (!seen.has(id)) violations.push(`the order event ${id} is on no timeline`);
    }
    return violations;
  };

  return { name: "crm", steps, invariants };
}
