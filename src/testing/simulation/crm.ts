import { isStorekeepError } from "../../kernel/errors.js";
import { type ModulePart, type ShopContext, type SimStep, retryingInjected } from "./context.js";

/*
 * CRM's part of the whole-shop simulation: customers created (some sharing an e-mail, so
 * CRM reports them as duplicates), renamed, given and withdrawing consent, noted on their
 * timeline, merged, split again, erased; segments refreshed and the timeline synced from the
 * outbox. The sales part places a share of its orders for these customers
 * (`ShopContext.customers`).
 *
 * A model of each customer (status, name, e-mails, consent history, where it was merged)
 * says what every command must do: a command on a customer the model says is erased must be
 * refused with INVALID_TRANSITION, any other refusal of it fails the seed. Invariants after
 * every step, for every customer id ever created: the id resolves to the customer the model
 * says (through merges); an erased customer shows no personal data — no name, contact,
 * address or consent — and keeps none through later merges, updates or consent; an active
 * one shows the model's name and e-mails and, per channel, its latest consent. Every few
 * steps: each erased customer's timeline holds no subject or body. At full checks: after a
 * sync of the timeline, each customer's order entries are the orders placed for ids that
 * resolve to it (not for customers split again by an unmerge: an entry synced while two were
 * one stays with the target); RFM segments score no customer that was merged into another, and none the
 * shop never created.
 *
 * Campaigns: a new campaign targeted at a segment scored now over one channel touches exactly
 * the segment's customers the model says are active and whose latest consent for the channel
 * (the model's consent history, through merges and splits) is granted — no erased, merged or
 * unconsenting customer is in the audience, and none who consents is left out.
 *
 * CRM commands do not run inside the simulator's concurrent batches (the model follows
 * one command at a time); they meet injected store failures and lost commits like the rest.
 */

interface Consent {
  readonly channel: string;
  readonly granted: boolean;
  readonly at: string;
}

interface CustomerModel {
  readonly id: string;
  status: "active" | "merged" | "erased";
  mergedInto: string | null;
  name: string | null;
  emails: string[];
  consent: Consent[];
  /** Interactions with a subject and body (erasure must redact them). */
  notes: number;
  /** A shopper places orders (the sales part draws from them); a prospect never does. */
  readonly shopper: boolean;
}

interface MergeModel {
  readonly source: string;
  readonly target: string;
  readonly sourceBefore: CustomerModel;
  readonly targetBefore: CustomerModel;
}

const CHANNELS = ["email", "sms"] as const;

/** CRM's commands and invariants for the simulator. */
export function crmPart(shop: ShopContext): ModulePart & { /** The customers the sales part places orders for (the shoppers). */ readonly customers: () => readonly string[]; /** The customer an id resolves to now (through merges). */ readonly resolve: (id: string) => string } {
  const { sk, random } = shop;
  const customers = new Map<string, CustomerModel>();
  const merges = new Map<string, MergeModel>();
  /** Ids of customers split again by an unmerge (their timeline's order entries are not checked against the model). */
  const splitIds = new Set<string>();
  let created = 0;

  const resolve = (id: string): CustomerModel => {
    let c = customers.get(id)!;
    for (let hop = 0; c.status === "merged" && hop < 100; hop++) c = customers.get(c.mergedInto!)!;
    return c;
  };
  const clone = (c: CustomerModel): CustomerModel => ({ ...c, emails: [...c.emails], consent: [...c.consent] });
  const ids = (): string[] => [...customers.keys()];
  const now = (): string => shop.clock.now().toISOString();
  /** A command the model says must be refused because the customer was erased. */
  const refusedAsErased = async (run: () => Promise<unknown>, what: string): Promise<string> => {
    try {
      await run();
    } catch (error) {
      if (isStorekeepError(error) && error.code === "INVALID_TRANSITION") {
        shop.tally("crm.refused-as-erased");
        return "refused: erased";
      }
      throw error;
    }
    throw new Error(`${what} on an erased customer was accepted; it must be refused with INVALID_TRANSITION`);
  };
  const alone = (run: () => Promise<unknown>) => async (): Promise<unknown> => (shop.concurrent() ? "skip" : run());

  const steps = (): SimStep[] => {
    const any = customers.size > 0 ? 1 : 0;
    return [
      {
        name: "crm.createCustomer",
        weight: customers.size < 30 ? 0.8 : 0.1,
        run: alone(async () => {
          const n = ++created;
          const id = `cus_${shop.seed}_${n}`;
          // One in five shares an e-mail with an earlier customer: a duplicate CRM must report.
          const shared = customers.size > 0 && random.chance(0.2) ? random.pick([...customers.values()].filter((c) => c.status === "active" && c.emails.length > 0)) : undefined;
          const emails = [`c${n}@example.com`, ...(shared === undefined ? [] : [shared.emails[0]!])];
          const result = await sk.crm.createCustomer({ customerId: id, name: `Customer ${n}`, emails });
          if (shared !== undefined && !result.duplicates.includes(shared.id)) throw new Error(`customer ${id} shares ${shared.emails[0]} with ${shared.id}, but createCustomer reported duplicates ${JSON.stringify(result.duplicates)}`);
          customers.set(id, { id, status: "active", mergedInto: null, name: `Customer ${n}`, emails, consent: [], notes: 0, shopper: random.chance(0.7) });
          shop.tally("crm.customers");
          return result;
        }),
      },
      {
        name: "crm.updateCustomer",
        weight: 0.4 * any,
        run: alone(async () => {
          const id = random.pick(ids());
          const target = resolve(id);
          const name = `Renamed ${shop.id("name")}`;
          if (target.status === "erased") return refusedAsErased(() => sk.crm.updateCustomer({ customerId: id, name }), "updateCustomer");
          const result = await sk.crm.updateCustomer({ customerId: id, name });
          target.name = name;
          return result;
        }),
      },
      {
        name: "crm.recordConsent",
        weight: 0.8 * any,
        run: alone(async () => {
          const id = random.pick(ids());
          const target = resolve(id);
          const channel = random.pick(CHANNELS);
          const granted = random.chance(0.6);
          const input = { customerId: id, channel, granted, source: granted ? "checkout checkbox" : "unsubscribe link" };
          if (target.status === "erased") return refusedAsErased(() => sk.crm.recordConsent(input), "recordConsent");
          const at = now();
          const result = await sk.crm.recordConsent(input);
          target.consent.push({ channel, granted, at });
          shop.tally(`crm.consent.${granted ? "granted" : "withdrawn"}`);
          return result;
        }),
      },
      {
        name: "crm.addInteraction",
        weight: 0.5 * any,
        run: alone(async () => {
          const id = random.pick(ids());
          const target = resolve(id);
          const input = { customerId: id, kind: "ticket", subject: `Parcel ${shop.id("parcel")} late`, body: "Where is my parcel? Call me back.", channel: "email" };
          if (target.status === "erased") return refusedAsErased(() => sk.crm.addInteraction(input), "addInteraction");
          const result = await sk.crm.addInteraction(input);
          target.notes++;
          return result;
        }),
      },
      {
        name: "crm.mergeCustomers",
        weight: 0.6 * any,
        run: alone(async () => {
          const everyone = [...customers.values()].filter((c) => c.status === "active");
          // Half the merges are of two prospects (customers without orders), which may be split again.
          const prospects = everyone.filter((c) => !c.shopper);
          const active = prospects.length >= 2 && random.chance(0.5) ? prospects : everyone;
          if (active.length < 2) return "skip";
          const source = random.pick(active);
          const target = random.pick(active.filter((c) => c !== source));
          const result = await sk.crm.mergeCustomers({ sourceId: source.id, targetId: target.id });
          merges.set(source.id, { source: source.id, target: target.id, sourceBefore: clone(source), targetBefore: clone(target) });
          // As CRM merges: the target keeps its name (else the source's), gains the source's e-mails and consent history (by instant, the target's first).
          target.name = target.name ?? source.name;
          for (const e of source.emails) if (!target.emails.includes(e)) target.emails.push(e);
          target.consent = [...target.consent, ...source.consent].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
          target.notes += source.notes;
          Object.assign(source, { status: "merged", mergedInto: target.id, name: null, emails: [], consent: [], notes: 0 });
          shop.tally("crm.merges");
          return result;
        }),
      },
      {
        name: "crm.unmergeCustomer",
        weight: merges.size > 0 ? 0.8 : 0,
        run: alone(async () => {
          const m = random.pick([...merges.values()]);
          const target = customers.get(m.target)!;
          // A target merged on since must be split first; an erased one kept no merge record.
          if (target.status === "merged" || target.status === "erased") {
            const code = target.status === "merged" ? "INVALID_TRANSITION" : "NOT_FOUND";
            try {
              await sk.crm.unmergeCustomer({ sourceId: m.source });
            } catch (error) {
              if (!(isStorekeepError(error) && error.code === code)) throw error;
              if (target.status === "erased") merges.delete(m.source);
              shop.tally("crm.unmerge-refused");
              return `refused: ${code}`;
            }
            throw new Error(`unmergeCustomer(${m.source}) was accepted though its target ${m.target} is ${target.status}; it must be refused with ${code}`);
          }
          // Every id that resolves to either now: an order's timeline entry synced while they were one stays with the target when they split.
          for (const id of ids()) if ([m.source, m.target].includes(resolve(id).id)) splitIds.add(id);
          const result = await sk.crm.unmergeCustomer({ sourceId: m.source });
          // As CRM splits: the source as it was; the target keeps what it has but what came from the source alone.
          const s0 = m.sourceBefore;
          const t0 = m.targetBefore;
          const sourceEmails = new Set(s0.emails.filter((e) => !t0.emails.includes(e)));
          // The decisions that came from the source are the source's own records (the merge moved
          // these very records to the target), not every record alike in channel, decision and
          // instant: a decision recorded on the merged customer stays with the target, even one
          // recorded at the instant of one of the source's.
          const sourceConsent = new Set<Consent>(s0.consent);
          // A withdrawal recorded while they were one goes back with the source too (it may have been the source's).
          const known = new Set<Consent>([...s0.consent, ...t0.consent, ...[...merges.values()].filter((o) => o.target === m.target && o.source !== m.source).flatMap((o) => o.sourceBefore.consent)]);
          const withdrawn = target.consent.filter((c) => !c.granted && !known.has(c));
          target.name = t0.name === null && target.name === s0.name ? null : target.name;
          target.emails = target.emails.filter((e) => !sourceEmails.has(e));
          // (A decision the target held before the merge stays, even when the source holds it too: a
          // withdrawal recorded during an earlier merge went back with both.)
          const targetConsent = new Set<Consent>(t0.consent);
          target.consent = target.consent.filter((c) => !sourceConsent.has(c) || targetConsent.has(c));
          target.notes = Math.max(0, target.notes - s0.notes);
          customers.set(m.source, { ...clone(s0), consent: [...s0.consent, ...withdrawn] });
          merges.delete(m.source);
          shop.tally("crm.unmerges");
          return result;
        }),
      },
      {
        name: "crm.eraseCustomer",
        weight: 0.15 * any,
        run: alone(async () => {
          const id = random.pick(ids());
          const target = resolve(id);
          const result = await sk.crm.eraseCustomer({ customerId: id });
          if (result.customerId !== target.id) throw new Error(`eraseCustomer(${id}) erased ${result.customerId}; ${id} resolves to ${target.id}`);
          Object.assign(target, { status: "erased", name: null, emails: [], consent: [] });
          // Erasure deletes the merge records into the customer, and into those merged into it, down the chain: nothing to undo there.
          for (const pending = [target.id]; pending.length > 0; ) {
            const into = pending.pop()!;
            for (const m of [...merges.values()]) {
              if (m.target !== into) continue;
              merges.delete(m.source);
              pending.push(m.source);
            }
          }
          shop.tally("crm.erasures");
          return result;
        }),
      },
      {
        name: "crm.refreshSegments",
        weight: 0.2 * any,
        run: alone(() => sk.crm.refreshSegments({ asOf: shop.today() })),
      },
      {
        name: "crm.targetCampaign",
        weight: 0.5 * any,
        run: alone(async () => {
          // A new campaign on a segment scored now, over e-mail or SMS: its audience (the customers
          // touched) must be exactly the segment's customers the model says are active with their
          // latest consent for the channel granted — never an erased, merged or unconsenting one.
          const asOf = shop.today();
          // Segments score the orders CRM has synced: sync first (else most shops have none yet).
          await sk.crm.syncTimeline();
          const scores = await sk.crm.segments(asOf);
          if (scores.length === 0) return "skip";
          const segment = random.pick(scores).segment;
          const channel = random.pick(CHANNELS);
          // Now and then a customer of the segment has just opted in or out (so audiences are not all empty, and not all consenting).
          const member = customers.get(random.pick(scores.filter((s) => s.segment === segment)).customerId);
          if (member !== undefined && member.status === "active" && random.chance(0.6)) {
            const at = now();
            const granted = random.chance(0.7);
            await sk.crm.recordConsent({ customerId: member.id, channel, granted, source: granted ? "newsletter form" : "unsubscribe link" });
            member.consent.push({ channel, granted, at });
          }
          const campaignId = shop.id("campaign");
          await sk.crm.defineCampaign({ campaignId, name: `Campaign ${campaignId}`, channel, segment, cost: { amount: "50", currency: "EUR" }, attributionDays: 7 });
          const result = await sk.crm.targetCampaign({ campaignId, asOf });
          const consenting = (c: CustomerModel): boolean => {
            let latest: Consent | undefined;
            for (const k of c.consent) if (k.channel === channel && (latest === undefined || k.at >= latest.at)) latest = k;
            return latest?.granted === true;
          };
          const expected = scores
            .filter((s) => s.segment === segment)
            .map((s) => customers.get(s.customerId))
            .filter((c): c is CustomerModel => c !== undefined && c.status === "active" && consenting(c))
            .map((c) => c.id)
            .sort();
          // Who was touched: the segment's customers' timelines; the report's count of touches says no one else was.
          const touched = new Set<string>();
          for (const s of scores.filter((x) => x.segment === segment)) {
            const c = customers.get(s.customerId);
            if (c === undefined || c.status === "merged") continue;
            for (const e of await timelineOf(c.id)) if (e.kind === "campaign-touch" && e.entryId.startsWith(`campaign:${campaignId}:`)) touched.add(e.entryId.slice(`campaign:${campaignId}:`.length));
          }
          const report = await sk.crm.campaignReport(campaignId);
          const audience = [...touched].sort();
          const outside = audience.filter((id) => !expected.includes(id)).map((id) => `${id} (${customers.get(id)?.status ?? "unknown"}${customers.get(id) !== undefined && !consenting(customers.get(id)!) ? `, no ${channel} consent` : ""})`);
          const missing = expected.filter((id) => !touched.has(id));
          if (outside.length > 0 || missing.length > 0 || result.touched !== expected.length || report.touches !== expected.length) {
            throw new Error(`campaign ${campaignId} (${channel}, ${segment}) touched ${result.touched} (report: ${report.touches}): outside the audience ${outside.join(", ") || "none"}; consenting active customers of the segment left out ${missing.join(", ") || "none"}; the model's audience ${expected.join(", ") || "none"}`);
          }
          shop.tally("crm.campaigns-checked");
          shop.tally("crm.campaign-touches", expected.length);
          shop.tally("crm.campaign-segment-customers", result.segmentCustomers);
          return result;
        }),
      },
      {
        name: "crm.syncTimeline",
        weight: 0.4 * any,
        run: alone(() => sk.crm.syncTimeline()),
      },
    ];
  };

  const timelineOf = async (id: string) => {
    const entries = [];
    let before: { at: string; entryId: string } | undefined;
    for (let page = 0; page < 200; page++) {
      const p = await sk.crm.timeline(id, { limit: 200, ...(before === undefined ? {} : { before }) });
      entries.push(...p.entries);
      if (p.next === null) break;
      before = p.next;
    }
    return entries;
  };

  const invariants = async (full: boolean): Promise<string[]> => {
    const violations: string[] = [];
    for (const id of ids()) {
      const expected = resolve(id);
      const view = await sk.crm.customer(id);
      if (view === undefined) {
        violations.push(`customer ${id} is not found`);
        continue;
      }
      if (view.customerId !== expected.id) violations.push(`customer ${id} resolves to ${view.customerId}, the model says ${expected.id}`);
      if (view.status !== expected.status) violations.push(`customer ${expected.id} is ${view.status}, the model says ${expected.status}`);
      if (expected.status === "erased") {
        const left = [view.name !== null ? "name" : "", view.emails.length > 0 ? "e-mails" : "", view.phones.length > 0 ? "phones" : "", view.addresses.length > 0 ? "addresses" : "", Object.keys(view.consent).length + view.consentHistory.length > 0 ? "consent" : ""].filter((x) => x !== "");
        if (left.length > 0) violations.push(`erased customer ${expected.id} still shows ${left.join(", ")}`);
        continue;
      }
      if (view.name !== expected.name) violations.push(`customer ${expected.id} is named ${JSON.stringify(view.name)}, the model says ${JSON.stringify(expected.name)}`);
      if ([...view.emails].sort().join(",") !== [...expected.emails].sort().join(",")) violations.push(`customer ${expected.id} has e-mails ${view.emails.join(",")}, the model says ${expected.emails.join(",")}`);
      for (const channel of CHANNELS) {
        // The latest decision per channel: the last recorded among those of the latest instant.
        let latest: Consent | undefined;
        for (const c of expected.consent) if (c.channel === channel && (latest === undefined || c.at >= latest.at)) latest = c;
        const shown = view.consent[channel];
        if ((latest === undefined) !== (shown === undefined) || (latest !== undefined && shown !== undefined && latest.granted !== shown.granted)) {
          violations.push(`customer ${expected.id}'s ${channel} consent is ${shown === undefined ? "unset" : String(shown.granted)}, the model's latest decision is ${latest === undefined ? "none" : String(latest.granted)}`);
        }
      }
    }
    if (full || shop.step() % 5 === 0) {
      for (const c of customers.values()) {
        if (c.status !== "erased") continue;
        const kept = (await timelineOf(c.id)).filter((e) => e.subject !== null || e.body !== null);
        if (kept.length > 0) violations.push(`erased customer ${c.id}'s timeline still holds the subject or body of ${kept.map((e) => e.entryId).join(", ")}`);
      }
    }
    if (full && customers.size > 0) {
      // The sync writes (CRM's projection), so it meets injected failures: the check retries it.
      await retryingInjected(() => sk.crm.syncTimeline());
      for (const c of customers.values()) {
        if (c.status === "merged") continue;
        if (ids().some((raw) => splitIds.has(raw) && resolve(raw).id === c.id)) continue;
        const placed = shop.ordersFor((raw) => customers.has(raw) && resolve(raw).id === c.id);
        const onTimeline = (await timelineOf(c.id)).filter((e) => e.kind === "order").length;
        if (onTimeline !== placed) violations.push(`customer ${c.id}'s timeline holds ${onTimeline} orders, ${placed} were placed for ids that resolve to it`);
      }
      const scored = await sk.crm.segments(shop.today());
      for (const s of scored) {
        const model = customers.get(s.customerId);
        if (model === undefined) violations.push(`segments score ${s.customerId}, a customer the shop never created`);
        else if (model.status === "merged") violations.push(`segments score ${s.customerId}, merged into ${model.mergedInto}`);
      }
    }
    return violations;
  };

  return { name: "crm", steps, invariants, customers: () => [...customers.values()].filter((c) => c.shopper).map((c) => c.id), resolve: (id) => (customers.has(id) ? resolve(id).id : id) };
}
