// Inside the node thread: the globals a module Worker script expects. Messages
// that arrive while the script loads wait for it, as a browser's would.
import { parentPort, workerData } from 'node:worker_threads';

const early = [];
globalThis.postMessage = (message) => parentPort.postMessage(message);
parentPort.on('message', (data) => (globalThis.onmessage ? globalThis.onmessage({ data }) : early.push(data)));
await import(workerData.url);
for (const data of early.splice(0)) globalThis.onmessage?.({ data });
