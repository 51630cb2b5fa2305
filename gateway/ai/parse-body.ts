// JSON bodies of the OpenAI-compatible routes, validated with zod; a failure
// is OpenAI's 400 naming the offending parameter.
import type { Context } from "hono";
import type { z } from "zod";
import { invalidParam, OpenAiError } from "./openai-error";

export async function parseBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new OpenAiError(400, "invalid_request_error", "invalid_json", "The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String) ?? [];
  if (issue?.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const param = [...path, key].join(".");
    throw new OpenAiError(400, "invalid_request_error", "unknown_parameter", `Unrecognized request argument supplied: ${param}`, param);
  }
  const param = path.length ? path.join(".") : null;
  const message = `Invalid value${param ? ` for '${param}'` : ""}: ${issue?.message ?? "invalid"}.`;
  if (param === null) throw new OpenAiError(400, "invalid_request_error", "invalid_value", message);
  throw invalidParam(param, message, issue?.code === "invalid_type" && issue.input === undefined ? "missing_required_parameter" : "invalid_value");
}
