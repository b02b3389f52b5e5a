import { describe, expect, it } from 'vitest';
import { zoomTierOf } from './zoom-tier.ts';

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
