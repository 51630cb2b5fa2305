// JSON request bodies are small (a question, a list of ids): refuse big ones
// before they are read and parsed.
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../errors";

const MAX_JSON_BYTES = 64 * 1024;

export const jsonBodyLimit = bodyLimit({
  maxSize: MAX_JSON_BYTES,
  onError: () => {
    throw new ApiError("request_too_large", `JSON request bodies may be at most ${MAX_JSON_BYTES} bytes.`);
  },
});
