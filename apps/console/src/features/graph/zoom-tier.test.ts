import { describe, expect, it } from 'vitest';
import { EDGE_PICTURE_MIN, edgesAsPicture, zoomTierOf } from './zoom-tier.ts';

describe('zoomTierOf', () => {
  it('draws everything when text is legible, less as the view zooms out', () => {
    expect(zoomTierOf(1)).toBe('full');
    expect(zoomTierOf(0.6)).toBe('full');
    expect(zoomTierOf(0.59)).toBe('compact');
    expect(zoomTierOf(0.3)).toBe('compact');
    expect(zoomTierOf(0.1)).toBe('overview');
    expect(zoomTierOf(0.02)).toBe('overview');
  });
});

describe('edgesAsPicture', () => {
  it('draws edges as one picture in the overview, and in compact only for big graphs', () => {
    expect(edgesAsPicture('overview', 1)).toBe(true);
    expect(edgesAsPicture('compact', EDGE_PICTURE_MIN)).toBe(true);
    expect(edgesAsPicture('compact', EDGE_PICTURE_MIN - 1)).toBe(false);
    expect(edgesAsPicture('full', 6000)).toBe(false);
  });
});
