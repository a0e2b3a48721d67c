/**
 * The web examples, as a user copies them: installed beside the packed tarball and Fastify
 * in an empty ESM project, type-checked (strict, NodeNext), then driven — the Fastify
 * service through `app.inject`, the Next.js route handler with standard Requests.
 */
import { cpSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packAndInstall, root, run, tsc } from "../package/packed.js";

let work = "";
let consumer = "";

beforeAll(() => {
  const packed = packAndInstall("storekeep-web-", ["fastify@5", "@types/node@20"]);
  work = packed.work;
  consumer = packed.consumer;
  cpSync(join(root, "examples", "web"), join(consumer, "web"), { recursive: true });
  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", lib: ["ES2022", "DOM"], types: ["node"], strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: true, outDir: "out", rootDir: "." },
      include: ["web", "drive-*.ts"],
    }),
  );
}, 900_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const DRIVE_FASTIFY = `
import { createStorekeep, memoryStore } from "storekeep";
import { ManualClock } from "storekeep/testing";
import { buildService } from "./web/fastify-service.js";

const sk = createStorekeep({ clock: new ManualClock("2026-11-27T09:00:00Z"), store: memoryStore(), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" } });
await sk.inventory.defineWarehouse({ warehouseId: "wh_main" });
const app = buildService(sk);
const call = async (method: "GET" | "POST", url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: r.statusCode, body: r.json() as Record<string, unknown> };
};
const out: Record<string, unknown> = {};
out.product = (await call("POST", "/products", { sku: "MUG", costingMethod: "fifo" })).status;
out.receipt = (await call("POST", "/receipts", { sku: "MUG", warehouseId: "wh_main", quantity: "10", unitCost: "4.00" }, { "idempotency-key": "grn-1" })).status;
out.receiptReplay = (await call("POST", "/receipts", { sku: "MUG", warehouseId: "wh_main", quantity: "10", unitCost: "4.00" }, { "idempotency-key": "grn-1" })).status;
const order = { orderId: "ord_1", warehouseId: "wh_main", date: "2026-11-27", currency: "EUR", vatRate: "0.19", lines: [{ sku: "MUG", quantity: "3", unitPrice: "9.99" }] };
out.order = await call("POST", "/orders", order);
out.orderReplay = (await call("POST", "/orders", order)).status;
out.oversold = await call("POST", "/orders", { ...order, orderId: "ord_2", lines: [{ sku: "MUG", quantity: "8", unitPrice: "9.99" }] });
out.invalid = await call("POST", "/receipts", { sku: "MUG", warehouseId: "wh_main", quantity: "1e3", unitCost: "4" });
out.stock = (await call("GET", "/stock?sku=MUG")).body;
out.trialBalance = (await call("GET", "/books/trial-balance?asOf=2026-11-30")).body;
await app.close();
await sk.close();
console.log(JSON.stringify(out));
`;

const DRIVE_NEXT = `
import { GET, POST, storekeep } from "./web/next-app/app/api/orders/route.js";

const sk = await storekeep();
await sk.inventory.defineProduct({ sku: "TEE", costingMethod: "moving-average" });
await sk.inventory.receive({ sku: "TEE", warehouseId: "wh_main", quantity: "5", unitCost: "7.50" });
const post = (body: unknown) => POST(new Request("http://shop.test/api/orders", { method: "POST", body: JSON.stringify(body) }));
// The business date in the shop zone (Europe/Berlin), as the receipt above is dated: from 22:00 or 23:00 UTC the UTC date is a day behind it.
const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
const order = { orderId: "ord_9", warehouseId: "wh_main", date: today, currency: "EUR", vatRate: "0.07", lines: [{ sku: "TEE", quantity: "2", unitPrice: "19.95" }] };
const created = await post(order);
const refused = await post({ ...order, orderId: "ord_10", lines: [{ sku: "TEE", quantity: "4", unitPrice: "19.95" }] });
const stock = await GET(new Request("http://shop.test/api/orders?sku=TEE"));
console.log(JSON.stringify({ created: { status: created.status, body: await created.json() }, refused: { status: refused.status, body: await refused.json() }, stock: await stock.json() }));
await sk.close();
`;

describe("the web examples, against the packed tarball", () => {
  it("type-check (strict, NodeNext) with Fastify installed and no `next` package", () => {
    writeFileSync(join(consumer, "drive-fastify.ts"), DRIVE_FASTIFY);
    writeFileSync(join(consumer, "drive-next.ts"), DRIVE_NEXT);
    const output = (() => {
      try {
        return run(tsc, ["-p", "tsconfig.json", "--pretty", "false"], consumer);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(output.trim()).toBe("");
  });

  it("the Fastify service takes orders in and gives stock and books out; errors are HTTP statuses with storekeep's code", () => {
    const out = JSON.parse(run(process.execPath, [join(consumer, "out", "drive-fastify.js")], consumer)) as Record<string, any>;
    expect(out.product).toBe(200);
    expect([out.receipt, out.receiptReplay]).toEqual([200, 200]);
    // 3 × 9.99 = 29.97 net, 19% VAT 5.69 (5.6943 rounded half-even), gross 35.66.
    expect(out.order).toEqual({ status: 201, body: { orderId: "ord_1", net: "29.97", tax: "5.69", gross: "35.66" } });
    expect(out.orderReplay).toBe(201);
    expect(out.oversold.status).toBe(409);
    expect(out.oversold.body.code).toBe("INSUFFICIENT_STOCK");
    expect(out.invalid.status).toBe(400);
    expect(out.invalid.body.code).toBe("VALIDATION_FAILED");
    // 10 received, 3 shipped once (the replayed order moved nothing), the refused order nothing.
    expect(out.stock).toEqual([expect.objectContaining({ sku: "MUG", quantity: "7", value: "28" })]);
    const rows = out.trialBalance.rows as { account: string; debit: string; credit: string }[];
    const row = (account: string) => rows.find((r) => r.account === account);
    expect(row("1200")).toMatchObject({ debit: "35.66" }); // receivable
    expect(row("4100")).toMatchObject({ credit: "29.97" }); // revenue
    expect(row("5100")).toMatchObject({ debit: "12" }); // COGS: 3 × 4.00
    expect(out.trialBalance.totals.debit).toBe(out.trialBalance.totals.credit);
  });

  it("the Next.js route handler answers standard Requests", () => {
    const out = JSON.parse(run(process.execPath, [join(consumer, "out", "drive-next.js")], consumer)) as Record<string, any>;
    expect(out.created).toEqual({ status: 201, body: { orderId: "ord_9", net: "39.90", tax: "2.79", gross: "42.69" } });
    expect(out.refused.status).toBe(409);
    expect(out.refused.body.code).toBe("INSUFFICIENT_STOCK");
    expect(out.stock).toEqual([expect.objectContaining({ sku: "TEE", quantity: "3" })]);
  });
});
