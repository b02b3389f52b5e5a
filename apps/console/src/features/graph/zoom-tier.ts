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

/**
 * Edges in the graph from which the `compact` tier draws them into one picture too (canvas/overview-layer):
 * zoomed out on a big graph, long edges cross the view by the thousand (1,138 SVG edges mounted at
 * zoom 0.33 on the 3,000-node bench graph, p95 frame 117 ms while panning), and they are too small
 * to click anyway. Smaller graphs keep clickable SVG edges in `compact`.
 */
export const EDGE_PICTURE_MIN = 1000;

/** Whether React Flow gets no edges and the picture draws them instead. */
export function edgesAsPicture(tier: ZoomTier, edgeCount: number): boolean {
  return tier === 'overview' || (tier === 'compact' && edgeCount >= EDGE_PICTURE_MIN);
}
