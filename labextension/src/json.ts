/**
 * The one guard for JSON read from the notebook, the kernel or the server.
 */
export type JSONObject = { [key: string]: unknown };

export function isObject<T>(value: T): value is T & JSONObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
