/** Shallow merge for `data` patches (reference: "data is shallow-merged"). */
export function shallowMerge(
  base: Record<string, unknown>,
  patch: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!patch) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = v;
  return out;
}

export const lowerKeys = (keys: readonly string[]) => [...new Set(keys.map((k) => k.toLowerCase()))];

/** The keys among `keys` whose values differ between two views (for `*.updated` audit payloads). */
export function changedKeys<T extends object>(before: T, after: T, keys: readonly string[]): string[] {
  return keys.filter((k) => JSON.stringify(before[k as keyof T]) !== JSON.stringify(after[k as keyof T]));
}
