// JSON request bodies are small (a question, a list of ids): refuse big ones
// before they are read and parsed.
import { ApiError } from "../errors";
import { limitBody } from "./body-limit";

export const MAX_JSON_BYTES = 64 * 1024;

export const jsonBodyLimit = limitBody(MAX_JSON_BYTES, (max) => new ApiError("request_too_large", `JSON request bodies may be at most ${max} bytes.`));
