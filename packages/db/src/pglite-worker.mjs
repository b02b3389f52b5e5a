// The embedded database's own thread (docs/database.md "The embedded database runs off the event
// loop"). PGlite runs PostgreSQL compiled to WebAssembly synchronously on the thread that calls it:
// in the server's thread a 100 ms statement or WAL file creation stalls every request. Here it
// stalls only this thread; the server thread talks to it through messages (pglite-thread.ts).
//
// Plain JavaScript on purpose: a worker thread does not get the TypeScript loader of the test
// runner, so this file imports only npm packages and speaks a small message protocol:
//   in:  { id, op: 'query' | 'execute' | 'script' | 'begin' | 'commit' | 'rollback' | 'listen' | 'unlisten' | 'close', ... }
//   out: { id, ok: true, value } | { id, ok: false, error } | { notify, payload } | { ready } | { failed }
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';

const port = parentPort;
if (!port) throw new Error('pglite-worker.mjs runs only as a worker thread');

/** Errors cross the thread boundary as plain data; the driver adapter's error keeps its `cause`. */
function plainError(err) {
  if (err && typeof err === 'object') {
    return {
      name: String(err.name ?? 'Error'),
      message: String(err.message ?? err),
      cause: err.name === 'DriverAdapterError' ? err.cause : undefined,
      code: typeof err.code === 'string' ? err.code : undefined,
    };
  }
  return { name: 'Error', message: String(err) };
}

let client;
let adapter;
const transactions = new Map();
const unlisteners = new Map();
let nextTx = 1;

async function handle(msg) {
  switch (msg.op) {
    case 'query':
      return (msg.txId ? transactions.get(msg.txId) : adapter).queryRaw(msg.query);
    case 'execute':
      return (msg.txId ? transactions.get(msg.txId) : adapter).executeRaw(msg.query);
    case 'script':
      // One whole script as one simple query (the adapter's own executeScript does not await it).
      await client.exec(msg.script);
      return null;
    case 'begin': {
      const tx = await adapter.startTransaction(msg.isolationLevel);
      const txId = nextTx++;
      transactions.set(txId, tx);
      return { txId, options: tx.options };
    }
    case 'commit':
    case 'rollback': {
      const tx = transactions.get(msg.txId);
      transactions.delete(msg.txId);
      if (!tx) throw new Error(`unknown transaction ${msg.txId}`);
      await (msg.op === 'commit' ? tx.commit() : tx.rollback());
      return null;
    }
    case 'listen': {
      const unlisten = await client.listen(msg.channel, (payload) =>
        port.postMessage({ notify: msg.channel, payload }),
      );
      unlisteners.set(msg.channel, unlisten);
      return null;
    }
    case 'unlisten': {
      const unlisten = unlisteners.get(msg.channel);
      unlisteners.delete(msg.channel);
      if (unlisten) await unlisten();
      return null;
    }
    case 'close':
      await client.close();
      return null;
    default:
      throw new Error(`unknown operation ${String(msg.op)}`);
  }
}

port.on('message', (msg) => {
  handle(msg).then(
    (value) => port.postMessage({ id: msg.id, ok: true, value }),
    (err) => port.postMessage({ id: msg.id, ok: false, error: plainError(err) }),
  );
});

try {
  client = new PGlite({ dataDir: workerData.dataDir });
  await client.waitReady;
  adapter = await new PrismaPGlite(client).connect();
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({ failed: plainError(err) });
}
