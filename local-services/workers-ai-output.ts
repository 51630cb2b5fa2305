// A completion in Workers AI's own text-generation shape (llama, mistral):
//   { response, usage }                                     without stream
//   data: {"response":"<piece>"} ... data: {"response":"","usage":{...}} data: [DONE]   with stream: true
// The live service also sends a random "p" padding field in each event; it
// carries nothing and is left out. `model` is the local stack's label, which
// the real binding does not send; the stream's last event carries it too, so
// a streamed answer names the same model as a whole one.
import type { Completion, Usage } from "./completion";
import { piecesOf } from "./completion";

export interface WorkersAiTextOutput {
  response: string;
  usage: Usage;
  model: string;
}

export function workersAiOutput({ text, usage, model }: Completion): WorkersAiTextOutput {
  return { response: text, usage, model };
}

export function* workersAiEvents({ text, usage, model }: Completion): Generator<string> {
  for (const piece of piecesOf(text)) yield JSON.stringify({ response: piece });
  yield JSON.stringify({ response: "", usage, model });
  yield "[DONE]";
}
