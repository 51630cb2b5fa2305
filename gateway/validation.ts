// zod validation whose failures speak the one error envelope.
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { ApiError } from "./errors";

export const validate = <Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) =>
  zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? `${target} \`${issue.path.join(".")}\`: ` : `${target}: `;
      throw new ApiError("invalid_request", `${where}${issue?.message ?? "invalid"}`);
    }
  });
