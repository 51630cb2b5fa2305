// Errors shaped like the ones the real Workers AI binding throws. The binding
// (workerd src/cloudflare/internal/ai-api.ts) parses the service's error body
// { internalCode, name, description } into
//   new InferenceUpstreamError(`${internalCode}: ${description}`, name)
// so callers see messages such as "3040: Capacity temporarily exceeded, please
// try again." and can only tell failures apart by the leading code.
// Codes and texts: /workers-ai/platform/errors/ and errors reported from the
// live binding.

export function aiError(internalCode: number, description: string): Error {
  // The real error is named "AiError" (or "InferenceUpstreamError"); a name
  // other than Error's own would reach the caller folded into the message
  // ("AiError: 3040: ...") through the service binding, and the message is
  // what callers match on, so the name is left alone.
  return new Error(`${internalCode}: ${description}`);
}

export const AiErrors = {
  noSuchModel: (model: string) => aiError(5007, `No such model ${model} or task`),
  /** Input that fails the model's JSON schema (the text of the real validator, approximated). */
  badInput: (detail: string) => aiError(5006, `Error: oneOf at '/' not met, 0 matches: ${detail}; required properties at '/' are 'requests'`),
  /** Input that fails a schema without a top-level oneOf (the reranker's), or whose oneOf detail the caller words itself. */
  schema: (detail: string) => aiError(5006, `Error: ${detail}`),
  /** Prompt plus max_tokens larger than the model's context window (HTTP 413 on the REST API). */
  contextWindow: (estimated: number, limit: number) =>
    aiError(5021, `The estimated number of input and maximum output tokens (${estimated}) exceeded this model context window limit (${limit}).`),
  /** 429: no capacity for the model right now; retrying later succeeds. */
  capacity: () => aiError(3040, "Capacity temporarily exceeded, please try again."),
  /** 429: the account's free Neurons for the day are used up; retrying today fails again. */
  dailyAllocation: () =>
    aiError(
      3036,
      "You have used up your daily free allocation of 10,000 neurons. Please upgrade to Cloudflare's Workers Paid plan if you would like to continue usage.",
    ),
  /** 500: the inference failed on Cloudflare's side. */
  internal: () => aiError(3043, "Internal server error"),
} as const;
