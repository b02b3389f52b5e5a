import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import type { Database } from './database.ts';

/**
 * The embedded database runs on its own thread (docs/database.md "The embedded database runs off
 * the event loop"): a long statement must not hold up the server's event loop, and everything that
 * crosses the thread (results, errors, transactions, notifications) must behave as in process.
 */
describe('embedded database thread', () => {
  let db: Database;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mm-pglite-thread-'));
    db = await openDatabase({ dataDir: dir });
    await db.prisma.$executeRawUnsafe('CREATE TABLE t (id int PRIMARY KEY, note text)');
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the event loop free while a statement runs', async () => {
    let ticks = 0;
    let worstGapMs = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worstGapMs = Math.max(worstGapMs, now - last);
      last = now;
      ticks += 1;
    }, 5);
    const started = performance.now();
    await db.prisma.$queryRawUnsafe('SELECT pg_sleep(0.4)::text AS slept');
    const tookMs = performance.now() - started;
    clearInterval(timer);
    // In the server's thread the 400 ms statement would have blocked every tick.
    expect(tookMs).toBeGreaterThanOrEqual(390);
    expect(ticks).toBeGreaterThan(20);
    expect(worstGapMs).toBeLessThan(150);
  });

  it('returns rows, maps errors as Prisma does, and keeps transactions atomic', async () => {
    await db.prisma.$executeRawUnsafe(`INSERT INTO t VALUES (1, 'one')`);
    await expect(db.prisma.$executeRawUnsafe(`INSERT INTO t VALUES (1, 'again')`)).rejects.toMatchObject({
      code: 'P2010',
      meta: { driverAdapterError: { cause: { kind: 'UniqueConstraintViolation' } } },
    });
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO t VALUES (2, 'two')`);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`INSERT INTO t VALUES (3, 'three')`);
    });
    const rows = await db.prisma.$queryRawUnsafe<{ id: number; note: string }[]>('SELECT id, note FROM t ORDER BY id');
    expect(rows).toEqual([
      { id: 1, note: 'one' },
      { id: 3, note: 'three' },
    ]);
  });

  it('delivers notifications after commit', async () => {
    const notifier = await db.openNotifier();
    const seen: string[] = [];
    const unsubscribe = notifier.subscribe((machineId) => seen.push(machineId));
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_notify('mm_audit', 'm-1')`);
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual([]);
    });
    await expect.poll(() => seen).toEqual(['m-1']);
    unsubscribe();
    await notifier.close();
  });

  it('keeps its folder and files owner-only (context C2)', () => {
    expect(statSync(path.join(dir, 'pglite')).mode & 0o777).toBe(0o700);
    const open: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const full = path.join(d, e.name);
        if (statSync(full).mode & 0o077) open.push(full);
        if (e.isDirectory()) walk(full);
      }
    };
    walk(path.join(dir, 'pglite'));
    expect(open).toEqual([]);
  });
});
