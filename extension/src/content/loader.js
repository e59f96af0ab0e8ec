// Classic content script, run at document_start. MV3 content scripts cannot be
// ES modules, so this registers the capture-phase listeners at once (before any
// page script can add its own) and imports the real entry, main.js, which then
// takes the events over. Until then events pass untouched.
(() => {
  if (globalThis.__postguardHub) return; // injected twice (static + dynamic match)
  const hub = { handler: null };
  globalThis.__postguardHub = hub;
  const TYPES = ['keydown', 'click', 'submit', 'input', 'paste', 'focusin'];
  for (const type of TYPES) {
    window.addEventListener(type, (event) => hub.handler?.(event), true);
  }
  import(chrome.runtime.getURL('src/content/main.js')).catch(() => {
    hub.failed = true;
  });
})();
