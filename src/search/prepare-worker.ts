// Worker thread of a bulk index build: reads and tokenizes the sessions it is
// given and posts them back in batches; the main thread only writes.
import { parentPort, workerData } from 'node:worker_threads';
import { createSources } from '../sources/discover.js';
import type { Homes } from '../sources/homes.js';
import type { SessionRef } from '../sources/source.js';
import { prepare, type PrepareResult } from './prepare.js';

interface Job {
  homes: Homes;
  refs: SessionRef[];
  /** Batches sent and not yet written, one slot per worker: the writer's back-pressure. */
  inflight: SharedArrayBuffer;
  slot: number;
  window: number;
}

const BATCH = 25;
const { homes, refs, inflight, slot, window } = workerData as Job;
const pending = new Int32Array(inflight);

/** Sends a batch, then waits while the writer is `window` batches behind (memory stays bounded). */
function send(results: PrepareResult[]): void {
  parentPort!.postMessage(results);
  Atomics.add(pending, slot, 1);
  for (let n = Atomics.load(pending, slot); n >= window; n = Atomics.load(pending, slot)) Atomics.wait(pending, slot, n, 1000);
}

const sources = createSources(homes);
let batch: PrepareResult[] = [];
for (const ref of refs) {
  const source = sources.find((s) => s.kind === ref.source);
  batch.push(source ? prepare(ref, source) : { ok: false, key: ref.key, path: ref.path, error: `unknown layout ${ref.source}` });
  if (batch.length >= BATCH) {
    send(batch);
    batch = [];
  }
}
send(batch);
for (const s of sources) s.close();
parentPort!.postMessage('done');
