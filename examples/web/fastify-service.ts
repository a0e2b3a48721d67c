/**
 * A shop's back-office service on Fastify: products and receipts in, orders in, stock and
 * books out. Every route is one storekeep command or report; storekeep's errors become
 * HTTP statuses with their stable code and a message that says what to fix.
 *
 *   npm install storekeep fastify
 *   node --experimental-strip-types fastify-service.ts   (or compile it with tsc)
 *
 * `buildService(sk)` returns the Fastify instance without listening, so tests drive it with
 * `app.inject` (tests/examples/web.int.test.ts does, against the packed package).
 */
import Fastify, { type FastifyInstance } from "fastify";
import { createStorekeep, isStorekeepError, memoryStore, systemClock, type Storekeep } from "storekeep";
import { checkout, statusOf, type CheckoutOrder } from "./checkout.js";

export function buildService(sk: Storekeep): FastifyInstance {
  const app = Fastify();

  app.setErrorHandler((error, _request, reply) => {
    if (isStorekeepError(error)) return reply.status(statusOf(error.code)).send({ code: error.code, message: error.message, details: error.details });
    return reply.status(500).send({ code: "INTERNAL", message: "internal error" });
  });

  app.post<{ Body: { sku: string; costingMethod: "fifo" | "moving-average" } }>("/products", async (request) => sk.inventory.defineProduct(request.body));

  app.post<{ Body: { sku: string; warehouseId: string; quantity: string; unitCost: string } }>("/receipts", async (request) => {
    const key = request.headers["idempotency-key"];
    return sk.inventory.receive(request.body, typeof key === "string" ? { idempotencyKey: key } : {});
  });

  app.post<{ Body: CheckoutOrder }>("/orders", async (request, reply) => reply.status(201).send(await checkout(sk, request.body)));

  app.get<{ Querystring: { sku?: string } }>("/stock", async (request) => sk.inventory.valuation(request.query.sku === undefined ? {} : { sku: request.query.sku }));

  app.get<{ Querystring: { asOf: string } }>("/books/trial-balance", async (request) => sk.finance.trialBalance({ asOf: request.query.asOf }));

  return app;
}

/** Starts the service on the embedded store (run this file directly). */
export async function main(): Promise<void> {
  const sk = createStorekeep({ clock: systemClock, store: memoryStore(), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh_main" });
  const app = buildService(sk);
  await app.listen({ port: Number(process.env.PORT ?? 3000) });
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
