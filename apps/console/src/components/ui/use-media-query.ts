import { useSyncExternalStore } from 'react';

/** Whether a CSS media query matches now; re-renders when that changes. */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const mq = window.matchMedia(query);
      mq.addEventListener('change', onChange);
      return () => mq.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}

/** The phone layout (navigation drawer, stacked tables, read-only graph). */
export const SMALL_SCREEN = '(max-width: 720px)';
export const useSmallScreen = () => useMediaQuery(SMALL_SCREEN);
