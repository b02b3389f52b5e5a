export async function benchSweep(): Promise<void> {}
