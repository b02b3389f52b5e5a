/** The size a node has before React Flow has measured it (matches `.gnode` in styles.css). */
export const DEFAULT_NODE_SIZE = { width: 220, height: 76 } as const;
