// Messages between the service worker and the offscreen document that hosts the
// offline engine's Worker on Chromium (offscreen/offscreen.js).
export const OFFSCREEN_TARGET = 'postguard-offscreen';
export const OFFSCREEN_PATH = 'src/offscreen/offscreen.html';
export const ENGINE_WORKER_PATH = 'src/engine-host/engine-worker.js';
