// POST /v1/chat/completions as OpenAI answers it, whole or streamed
// (chat.completion / chat.completion.chunk, `data: [DONE]`, usage in a last
// chunk with `choices: []` when stream_options.include_usage). The "model"
// quotes the sources of a grounded prompt (extractive-answer.ts) or echoes
// the question; with tools it calls them: every tool for tool_choice
// "required", the named one, or (auto) those whose name the last user message mentions.
import { completionOf, estimateTokens, piecesOf } from "../completion";
import { extractiveAnswer, NO_ANSWER } from "../extractive-answer";
import { isRecord } from "../json-type";
import { sseStream } from "../sse";
import { OpenAiErrors } from "./errors";

const SNAPSHOTS: Readonly<Record<string, string>> = {
  "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
  "gpt-4.1": "gpt-4.1-2025-04-14",
  "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
  "gpt-4o": "gpt-4o-2024-08-06",
};

export const snapshotOf = (model: string): string | undefined =>
  Object.hasOwn(SNAPSHOTS, model) ? SNAPSHOTS[model] : Object.values(SNAPSHOTS).includes(model) ? model : undefined;

const FINGERPRINT = "fp_local0001";
const STREAM_DELAY_MS = 5;

interface Call {
  id: string;
  name: string;
  arguments: string;
}

export function messageTexts(body: Record<string, unknown>): string[] {
  const messages = Array.isArray(body["messages"]) ? body["messages"] : [];
  return messages.map((m: unknown) => (isRecord(m) ? contentText(m["content"]) : ""));
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part: unknown) => (isRecord(part) && typeof part["text"] === "string" ? part["text"] : "")).join("\n");
}

export function chatCompletion(body: Record<string, unknown>): Response {
  const model = typeof body["model"] === "string" ? body["model"] : "";
  const snapshot = snapshotOf(model);
  if (!snapshot) return OpenAiErrors.noSuchModel(model);
  const messages = body["messages"];
  if (!Array.isArray(messages) || messages.length === 0) return OpenAiErrors.invalid("Invalid 'messages': empty array. Expected an array with minimum length 1.", "messages");
  const lastUser = [...messages].reverse().find((m: unknown) => isRecord(m) && m["role"] === "user");
  const question = isRecord(lastUser) ? contentText(lastUser["content"]) : "";
  const promptTokens = messageTexts(body).reduce((sum, text) => sum + 4 + estimateTokens(text), 0);
  const maxTokens = typeof body["max_completion_tokens"] === "number" ? body["max_completion_tokens"] : typeof body["max_tokens"] === "number" ? body["max_tokens"] : undefined;

  const calls = toolCalls(body, question);
  const grounded = extractiveAnswer(question);
  const answer = calls.length > 0 ? "" : grounded === NO_ANSWER && !question.includes("<sources>") ? `You asked: ${question.slice(0, 200)}` : grounded;
  const completion = completionOf(snapshot, answer, promptTokens, maxTokens);
  const text = calls.length > 0 ? null : completion.text;
  const completionTokens = calls.length > 0 ? calls.reduce((sum, c) => sum + estimateTokens(c.name + c.arguments), 0) : completion.usage.completion_tokens;
  const usage = usageOf(promptTokens, completionTokens);
  const finish = calls.length > 0 ? "tool_calls" : completion.finishReason;
  const id = `chatcmpl-${crypto.randomUUID().replaceAll("-", "").slice(0, 29)}`;
  const created = Math.floor(Date.now() / 1000);
  const head = { id, created, model: snapshot, service_tier: "default", system_fingerprint: FINGERPRINT };
  const headers = { "x-request-id": `req_${crypto.randomUUID().replaceAll("-", "")}`, "openai-model": snapshot };

  if (body["stream"] !== true) {
    const toolCallsJson = calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } }));
    return Response.json(
      {
        ...head,
        object: "chat.completion",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: text, refusal: null, annotations: [], ...(calls.length > 0 ? { tool_calls: toolCallsJson } : {}) },
            logprobs: null,
            finish_reason: finish,
          },
        ],
        usage,
      },
      { headers },
    );
  }
  const streamOptions = body["stream_options"];
  const includeUsage = isRecord(streamOptions) && streamOptions["include_usage"] === true;
  function* events(): Generator<string> {
    const chunk = (delta: object, finishReason: string | null) =>
      JSON.stringify({ ...head, object: "chat.completion.chunk", choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...(includeUsage ? { usage: null } : {}) });
    yield chunk({ role: "assistant", content: calls.length > 0 ? null : "", refusal: null }, null);
    for (const piece of text === null ? [] : piecesOf(text)) yield chunk({ content: piece }, null);
    for (const [index, call] of calls.entries()) {
      yield chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }, null);
      for (const piece of argumentPieces(call.arguments)) yield chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null);
    }
    yield chunk({}, finish);
    if (includeUsage) yield JSON.stringify({ ...head, object: "chat.completion.chunk", choices: [], usage });
    yield "[DONE]";
  }
  return new Response(sseStream(events(), STREAM_DELAY_MS), { headers: { ...headers, "content-type": "text/event-stream; charset=utf-8" } });
}

function usageOf(prompt: number, completion: number) {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function toolCalls(body: Record<string, unknown>, question: string): Call[] {
  const tools = Array.isArray(body["tools"]) ? body["tools"] : [];
  const functions = tools.flatMap((tool: unknown) => (isRecord(tool) && isRecord(tool["function"]) ? [tool["function"]] : []));
  const choice = body["tool_choice"];
  let chosen: Record<string, unknown>[];
  if (choice === "none" || functions.length === 0) chosen = [];
  else if (choice === "required") chosen = functions;
  else if (isRecord(choice) && isRecord(choice["function"])) {
    const wanted = choice["function"]["name"];
    chosen = functions.filter((f) => f["name"] === wanted);
  } else chosen = functions.filter((f) => typeof f["name"] === "string" && question.includes(f["name"]));
  return chosen.map((f) => ({ id: `call_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`, name: String(f["name"]), arguments: argumentsFor(f, question) }));
}

/** The question as the value of the function's first parameter. */
function argumentsFor(fn: Record<string, unknown>, question: string): string {
  const parameters = fn["parameters"];
  const properties = isRecord(parameters) && isRecord(parameters["properties"]) ? Object.keys(parameters["properties"]) : [];
  const first = properties[0];
  return JSON.stringify(first === undefined ? {} : { [first]: question.slice(0, 100) });
}

/** Arguments arrive in a few pieces, as the real stream sends them. */
function argumentPieces(args: string): string[] {
  const size = Math.max(1, Math.ceil(args.length / 3));
  const pieces: string[] = [];
  for (let i = 0; i < args.length; i += size) pieces.push(args.slice(i, i + size));
  return pieces;
}
