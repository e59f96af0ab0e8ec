// A browser-style Worker (onmessage/postMessage/terminate) on a real node thread,
// so the engine's Worker script runs, and can be terminated, as in the browser.
import { Worker } from 'node:worker_threads';

const BOOT = new URL('./web-worker-boot.mjs', import.meta.url);

export function createWebWorker(scriptUrl) {
  const thread = new Worker(BOOT, { workerData: { url: String(scriptUrl) } });
  const worker = {
    onmessage: null,
    onerror: null,
    posted: [],
    postMessage(message) {
      worker.posted.push(message);
      thread.postMessage(message);
    },
    terminate() {
      worker.terminated = true;
      return thread.terminate();
    },
  };
  thread.on('message', (data) => worker.onmessage?.({ data }));
  thread.on('error', (error) => worker.onerror?.(error));
  return worker;
}
