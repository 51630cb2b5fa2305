// Opaque pagination cursors: base64url JSON of the last row's sort key.
import { z } from "zod";
import type { ListPosition } from "../shared/documents";
import { ApiError } from "./errors";

const Position = z.object({ t: z.number().int(), id: z.string().max(64) });

export function encodeCursor(position: ListPosition): string {
  const json = JSON.stringify({ t: position.createdAt, id: position.id });
  return btoa(json).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string): ListPosition {
  try {
    const json = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const { t, id } = Position.parse(JSON.parse(json));
    return { createdAt: t, id };
  } catch {
    throw new ApiError("invalid_cursor", "The cursor is not one this API returned.");
  }
}
