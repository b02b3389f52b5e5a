import { describe, expect, it } from 'vitest';
import { startPeriodic } from './periodic.ts';

const log = { info: () => undefined, error: () => undefined };

describe('periodic helper', () => {
  it('kick during a pass runs exactly one more pass after it (requests coalesce)', async () => {
    let passes = 0;
    let release: () => void = () => undefined;
    const worker = startPeriodic({
      name: 't',
      periodMs: 60_000,
      log,
      pass: () => {
        passes += 1;
        return new Promise<void>((r) => {
          release = r;
        });
      },
    });
    worker.kick();
    expect(passes).toBe(1);
    worker.kick();
    worker.kick();
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(passes).toBe(2);
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(passes).toBe(2);
    await worker.stop();
  });

  it('kick after stop does nothing', async () => {
    let passes = 0;
    const worker = startPeriodic({ name: 't', periodMs: 60_000, log, pass: () => Promise.resolve(void (passes += 1)) });
    await worker.stop();
    worker.kick();
    expect(passes).toBe(0);
  });
});
