// Entry of benchmark worker threads: a worker does not inherit tsx's loader (Node 20), so register it
// here and then load the TypeScript module named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
