import { createContext, useContext } from 'react';
import type { ZoomTier } from './zoom-tier.ts';

/** The canvas reads the zoom once and publishes only tier changes; nodes and edges read this. */
export const ZoomTierContext = createContext<ZoomTier>('full');
export const useZoomTier = () => useContext(ZoomTierContext);
