export async function benchGraphRead(): Promise<void> {}
