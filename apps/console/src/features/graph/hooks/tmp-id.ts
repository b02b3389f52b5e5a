let tmpSeq = 0;
/** A temporary id for a record the server has not created yet (the command stack maps it). */
export const tmpId = (kind: string) => `tmp-${kind}-${Date.now().toString(36)}-${++tmpSeq}`;
