import type { JsonObject } from "../ports/storage.js";
import { defineLibraryCommand } from "../runner/library.js";
import { checkNewAccount } from "./account-registry.js";
import { accountInputSchema } from "./accounts.js";
import { FINANCE_STORE } from "./ledger-store.js";
import type { FinanceSettings } from "./settings.js";



/**
 * Adds an account to the chart.
 *
 * @example
 * ```ts
 * const defineAccount = defineAccountCommand(resolveFinanceOptions());
 * await runtime.execute(defineAccount, { code: "6100", name: "Payment fees", type: "expense" });
 * ```
 */
export function defineAccountCommand(settings: FinanceSettings) {
  return defineLibraryCommand({
    name: "finance.defineAccount",
    input: accountInputSchema,
    async handle(ctx, input) {
      const account = await checkNewAccount(ctx.tx, settings, input as never);
      await ctx.tx.documents.put(FINANCE_STORE.accounts, account.code, account as unknown as JsonObject, 0);
      return { result: account as unknown as JsonObject };
    },
  });
}
