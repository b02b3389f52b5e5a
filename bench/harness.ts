/** Tiny benchmark harness: warm up, then time `iterations` runs; report the median per-op time. */
export interface Measurement {
  name: string;
  medianMs: number;
  p95Ms: number;
  iterations: number;
}

export async function measure(name: string, iterations: number, fn: () => unknown): Promise<Measurement> {
  for (let i = 0; i < Math.min(20, iterations); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
  return { name, medianMs: at(0.5), p95Ms: at(0.95), iterations };
}

/** Prints a subject against its baseline as a ratio (subject / baseline). */
export function report(title: string, baseline: Measurement, subject: Measurement): void {
  const ratio = subject.medianMs / baseline.medianMs;
  console.log(`\n${title}`);
  console.log(
    `  baseline  ${baseline.name.padEnd(48)} median ${baseline.medianMs.toFixed(3)} ms  p95 ${baseline.p95Ms.toFixed(3)} ms`,
  );
  console.log(
    `  subject   ${subject.name.padEnd(48)} median ${subject.medianMs.toFixed(3)} ms  p95 ${subject.p95Ms.toFixed(3)} ms`,
  );
  console.log(`  ratio     ${ratio.toFixed(2)}x the baseline`);
}
