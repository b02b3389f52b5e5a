export async function benchAudit(): Promise<void> {}
