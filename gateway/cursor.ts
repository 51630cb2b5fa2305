// Opaque keyset-pagination cursors: base64url JSON of the last row's sort key
// (a timestamp and an id, the order every list here uses).
import { z } from "zod";
import { ApiError } from "./errors";

export interface CursorPosition {
  t: number;
  id: string;
}

const Position = z.object({ t: z.number().int(), id: z.string().max(200) });

export function encodeCursor(position: CursorPosition): string {
  return btoa(JSON.stringify({ t: position.t, id: position.id })).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    return Position.parse(JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/"))));
  } catch {
    throw new ApiError("invalid_cursor", "The cursor is not one this API returned.");
  }
}
