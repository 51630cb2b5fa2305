// Configuration read from the worker's vars, validated once per request.
import { ApiError } from "./errors";

const DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export function maxUploadBytes(env: Pick<GatewayEnv, "MAX_UPLOAD_BYTES">): number {
  if (!env.MAX_UPLOAD_BYTES) return DEFAULT_MAX_UPLOAD_BYTES;
  const value = Number(env.MAX_UPLOAD_BYTES);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ApiError("server_misconfigured", "The server's upload limit is misconfigured.");
  }
  return value;
}
