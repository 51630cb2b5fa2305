// The JSON Schema type name of a value, as Workers AI's input validator words
// it in "Type mismatch of '/x', '<type>' not in '<expected>'".

export function jsonType(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "array" : typeof value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
