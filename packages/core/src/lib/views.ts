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
