export async function benchLifecycle(): Promise<void> {}
