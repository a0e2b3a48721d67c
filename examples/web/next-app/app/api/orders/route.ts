/**
 * A Next.js App Router route handler (app/api/orders/route.ts): POST an order, GET the
 * stock. Route handlers take and return the web's standard Request and Response, so this
 * file needs nothing from `next` itself.
 *
 * One storekeep instance per server process: keep it in a module-level promise (a real
 * deployment passes `postgresStore({ client: pool })` from "storekeep/postgres").
 */
import { createStorekeep, isStorekeepError, memoryStore, systemClock, type Storekeep } from "storekeep";
import { checkout, statusOf, type CheckoutOrder } from "../../../../checkout.js";

let instance: Promise<Storekeep> | undefined;

/** The process's storekeep, created on first use. */
export function storekeep(): Promise<Storekeep> {
  instance ??= (async () => {
    const sk = createStorekeep({ clock: systemClock, store: memoryStore(), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh_main" });
    return sk;
  })();
  return instance;
}

function errorResponse(error: unknown): Response {
  if (isStorekeepError(error)) return Response.json({ code: error.code, message: error.message, details: error.details }, { status: statusOf(error.code) });
  throw error;
}

export async function POST(request: Request): Promise<Response> {
  try {
    const order = (await request.json()) as CheckoutOrder;
    return Response.json(await checkout(await storekeep(), order), { status: 201 });
  } catch (error) {
    return errorResponse(error);
  }
}

export async function GET(request: Request): Promise<Response> {
  try {
    const sku = new URL(request.url).searchParams.get("sku");
    const sk = await storekeep();
    return Response.json(await sk.inventory.valuation(sku === null ? {} : { sku }));
  } catch (error) {
    return errorResponse(error);
  }
}
