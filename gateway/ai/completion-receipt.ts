// The id a chat completion goes out with: a receipt signed for the caller's
// tenant (receipt.ts), or, when RECEIPT_SECRET is not usable, undefined and
// the provider's plain id stays (chat never fails for want of a receipt).
import type { Context } from "hono";
import type { AppEnv } from "../context";
import type { Plan } from "./plan";
import { signReceipt } from "./receipt";
import { receiptKey } from "./receipt-key";

export async function completionReceipt(c: Context<AppEnv>, plan: Pick<Plan, "assignment">, model: string): Promise<string | undefined> {
  try {
    const key = await receiptKey(c.env);
    if (!key.ok) return undefined;
    return await signReceipt(key.key, c.get("caller").tenantId, {
      requestId: c.get("requestId"),
      at: Date.now(),
      experiment: plan.assignment?.experiment ?? "",
      variant: plan.assignment?.variant ?? "",
      model,
    });
  } catch (error) {
    console.error("receipt not signed", { requestId: c.get("requestId"), error: String(error) });
    return undefined;
  }
}
