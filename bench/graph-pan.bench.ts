/**
 * Console canvas smoothness at scale, in Debian's Chromium. The same page is loaded for a graph with
 * 3 nodes (baseline) and one with 3,000 nodes + 6,000 edges (subject; GRAPH_BENCH_NODES overrides the
 * size, edges are twice the nodes). For each: the time from navigation until the first node is on
 * screen (load), then the mouse pans the canvas for ~2 s while requestAnimationFrame timestamps are
 * recorded; the report is the frame interval (median and p95) and the subject/baseline ratio.
 * ~16.7 ms is one frame at 60 Hz. The last line is machine-readable:
 * `RESULT graph-pan nodes=3000 median_ms=<n> p95_ms=<n> ratio=<n> load_ms=<n>`.
 * Needs `pnpm build` first (the console in apps/console/dist). `pnpm bench:graph` runs only this one.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { NODE_TYPES } from '@mm/contracts';
import { openDatabase } from '@mm/db';
import { buildApp, parseEnv } from '@mm/server';
import { chromium } from '@playwright/test';
import type { Page } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function seedGraph(app: Awaited<ReturnType<typeof buildApp>>, nodes: number, edges: number) {
  const machine = await app.services.machines.create(
    { displayName: `Bench ${nodes}`, identityRef: `peaqos:machine:bench-${nodes}-${Date.now()}` },
    { actor: 'api', ownerId: 'bench' },
  );
  await app.db.prisma.graphNode.createMany({
    data: Array.from({ length: nodes }, (_, i) => ({
      machineId: machine.id,
      type: NODE_TYPES[i % NODE_TYPES.length] ?? 'task',
      title: `Node ${i}`,
      status: 'active',
      positionX: (i % 25) * 260,
      positionY: Math.floor(i / 25) * 160,
      data: {},
    })),
  });
  const ids = (await app.db.prisma.graphNode.findMany({ where: { machineId: machine.id }, select: { id: true } })).map(
    (n) => n.id,
  );
  if (edges) {
    await app.db.prisma.graphEdge.createMany({
      data: Array.from({ length: edges }, (_, i) => ({
        machineId: machine.id,
        sourceNodeId: ids[i % ids.length] ?? '',
        targetNodeId: ids[(i * 7 + 1) % ids.length] ?? '',
        type: 'connects',
        data: {},
      })),
    });
  }
  return machine.id;
}

async function panFrames(page: Page, url: string): Promise<{ frames: number[]; loadMs: number }> {
  const t0 = Date.now();
  await page.goto(url);
  // Loaded = the graph on screen (nodes, or the overview picture when zoomed right out) and the
  // initial fit done, two frames painted.
  await page.locator('.react-flow__node, [data-testid="graph-overview"]').first().waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="graph-canvas"][data-ready="true"]').waitFor({ timeout: 60_000 });
  await page.evaluate(`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))`);
  const loadMs = Date.now() - t0;
  const fetchMs = await page.evaluate<number>(
    `Math.round(performance.getEntriesByType('resource').filter((e) => e.name.includes('graph.get')).reduce((a, e) => a + e.duration, 0))`,
  );
  console.log(`  (${url.split('/')[4]}: graph.get took ${fetchMs} ms of the ${loadMs} ms load)`);
  await page.waitForTimeout(1_000);
  await shot(page, url.split('/')[4] ?? 'graph');
  return { frames: await pan(page), loadMs };
}

/** GRAPH_BENCH_SHOTS=<folder>: a screenshot of each measured view, to look at. */
async function shot(page: Page, name: string) {
  const dir = process.env.GRAPH_BENCH_SHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `graph-bench-${name}.png`) });
}

/** Drags the pane in circles for ~2 s; the frame intervals meanwhile. */
async function pan(page: Page): Promise<number[]> {
  const box = await page.locator('.react-flow__pane').boundingBox();
  if (!box) throw new Error('no canvas');
  // Plain strings: tsx would otherwise inject its `__name` helper into the page.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__stop = false;
    const tick = (t) => { window.__frames.push(t); if (!window.__stop) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  // Start the drag on empty canvas (a node under the pointer would be dragged instead of the pane).
  const start = await page.evaluate<{ x: number; y: number } | null>(`(() => {
    const b = document.querySelector('.react-flow__pane').getBoundingClientRect();
    for (let gy = 0.5; gy < 0.95; gy += 0.05) for (let gx = 0.5; gx < 0.95; gx += 0.03) {
      const x = b.x + b.width * gx, y = b.y + b.height * gy;
      if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
    }
    return null;
  })()`);
  if (!start) throw new Error('no empty spot on the canvas to pan from');
  const transform = () => page.locator('.react-flow__viewport').getAttribute('style');
  const before = await transform();
  const cx = Math.min(start.x, box.x + box.width - 210);
  const cy = Math.min(start.y, box.y + box.height - 130);
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 0; i < 120; i++) {
    const angle = (i / 120) * Math.PI * 4;
    await page.mouse.move(cx + Math.cos(angle) * 200, cy + Math.sin(angle) * 120, { steps: 1 });
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  if ((await transform()) === before) throw new Error('the canvas did not pan');
  const stamps = await page.evaluate<number[]>(`(() => { window.__stop = true; return window.__frames; })()`);
  return stamps.slice(1).map((t, i) => t - (stamps[i] ?? t));
}

/**
 * Zooms in to the `full` tier (every node and edge label drawn) through the node search, which
 * centres a match at zoom ≥ 1, then pans there: the fitted view of a big graph is the overview
 * picture, so this is where React Flow's own rendering is measured.
 */
async function panZoomedIn(page: Page, title: string): Promise<number[]> {
  await page.getByTestId('graph-search-input').fill(title);
  await page.getByTestId('graph-search-input').press('Enter');
  await page.locator('[data-testid="graph-canvas"][data-zoom-tier="full"]').waitFor({ timeout: 10_000 });
  await page.keyboard.press('Escape');
  await page.waitForTimeout(1_000);
  await shot(page, 'full');
  return pan(page);
}

/** From the full tier, zoom out with the controls to the `compact` tier's far end (most elements drawn). */
async function panCompact(page: Page): Promise<number[]> {
  for (let i = 0; i < 6; i++) {
    await page.locator('.react-flow__controls-zoomout').click();
    await page.waitForTimeout(150);
  }
  await page.locator('[data-testid="graph-canvas"][data-zoom-tier="compact"]').waitFor({ timeout: 10_000 });
  await page.waitForTimeout(1_000);
  const drawn = await page.evaluate<string>(
    `document.querySelectorAll('.react-flow__node').length + ' nodes, ' + document.querySelectorAll('.react-flow__edge').length + ' edges mounted'`,
  );
  console.log(`  (compact: ${drawn})`);
  await shot(page, 'compact');
  return pan(page);
}

const stats = ({ frames: xs, loadMs }: { frames: number[]; loadMs: number }) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), frames: s.length, loadMs };
};

export async function benchGraphPan() {
  if (!fs.existsSync(path.join(root, 'apps/console/dist/index.html'))) {
    console.log('\nGraph pan: skipped (run `pnpm build` first to build the console)');
    return;
  }
  const db = await openDatabase({ dataDir: '.bench-unused', inMemory: true });
  const app = await buildApp({
    env: parseEnv({
      MM_SECRET_KEY: 'b'.repeat(64),
      LOG_LEVEL: 'silent',
      MM_CONSOLE_DIR: path.join(root, 'apps/console/dist'),
    }),
    db,
    workers: false,
    logger: false,
  });
  await app.fastify.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.fastify.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const small = await seedGraph(app, 3, 2);
    const n = Number(process.env.GRAPH_BENCH_NODES ?? 3000);
    const large = await seedGraph(app, n, n * 2);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const baseline = stats(await panFrames(page, `${base}/machines/${small}/graph`));
    const subject = stats(await panFrames(page, `${base}/machines/${large}/graph`));
    const zoomed = stats({ frames: await panZoomedIn(page, `Node ${Math.floor(n / 2)}`), loadMs: subject.loadMs });
    const compact = stats({ frames: await panCompact(page), loadMs: subject.loadMs });
    console.log('\nGraph canvas panning in Chromium (frame interval while dragging the pane)');
    const size = `${n.toLocaleString('en')} nodes, ${(n * 2).toLocaleString('en')} edges`.padEnd(24);
    console.log(
      `  baseline  ${'3 nodes, 2 edges'.padEnd(24)} load ${baseline.loadMs} ms  median ${baseline.median.toFixed(1)} ms  p95 ${baseline.p95.toFixed(1)} ms  (${baseline.frames} frames)`,
    );
    console.log(
      `  subject   ${size} load ${subject.loadMs} ms  median ${subject.median.toFixed(1)} ms  p95 ${subject.p95.toFixed(1)} ms  (${subject.frames} frames)`,
    );
    console.log(
      `  zoomed in ${'(full tier, zoom ≥ 1)'.padEnd(24)} ${''.padEnd(12)} median ${zoomed.median.toFixed(1)} ms  p95 ${zoomed.p95.toFixed(1)} ms  (${zoomed.frames} frames)`,
    );
    console.log(
      `  compact   ${'(zoom ~0.33, titles only)'.padEnd(24)} ${''.padEnd(12)} median ${compact.median.toFixed(1)} ms  p95 ${compact.p95.toFixed(1)} ms  (${compact.frames} frames)`,
    );
    const ratio = subject.median / baseline.median;
    console.log(
      `  ratio     median ${ratio.toFixed(2)}x, p95 ${(subject.p95 / baseline.p95).toFixed(2)}x the baseline`,
    );
    console.log(
      `RESULT graph-pan-zoomed nodes=${n} median_ms=${zoomed.median.toFixed(1)} p95_ms=${zoomed.p95.toFixed(1)} ratio=${(zoomed.median / baseline.median).toFixed(2)}`,
    );
    console.log(
      `RESULT graph-pan-compact nodes=${n} median_ms=${compact.median.toFixed(1)} p95_ms=${compact.p95.toFixed(1)} ratio=${(compact.median / baseline.median).toFixed(2)}`,
    );
    // The line, last.
    console.log(
      `RESULT graph-pan nodes=${n} median_ms=${subject.median.toFixed(1)} p95_ms=${subject.p95.toFixed(1)} ratio=${ratio.toFixed(2)} load_ms=${subject.loadMs}`,
    );
  } finally {
    await browser.close();
    await app.close();
    await db.close();
  }
}
