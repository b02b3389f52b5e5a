/**
 * How much of the graph is drawn at a zoom level. Below `compact` text is too small to read, so a
 * node is a coloured card with its title only; below `overview` it is a plain block and edges lose
 * their markers. Edge labels need `full`. Pure; unit-tested in zoom-tier.test.ts.
 */
export type ZoomTier = 'full' | 'compact' | 'overview';

export const ZOOM_TIERS = { full: 0.6, compact: 0.3 } as const;

export function zoomTierOf(zoom: number): ZoomTier {
  if (zoom >= ZOOM_TIERS.full) return 'full';
  if (zoom >= ZOOM_TIERS.compact) return 'compact';
  return 'overview';
}
