// Classic content script, run at document_start. MV3 content scripts cannot be
// ES modules, so this registers the capture-phase listeners at once (before any
// page script can add its own) and imports the real entry, main.js, which then
// takes the events over. Until then events pass untouched.
(() => {
  if (globalThis.__postguardHub) return; // injected twice (static + dynamic match)
  // A same-origin frame (TinyMCE's iframe, a srcdoc or about:blank editor) is
  // guarded by the page around it, which listens in it through `listen`: one
  // guard per compose box the user sees. frameElement is null when the parent
  // is cross-origin; such a frame guards itself.
  const parentHub = (() => {
    try {
      return window.frameElement ? window.parent.__postguardHub : null;
    } catch {
      return null;
    }
  })();
  if (parentHub) {
    globalThis.__postguardHub = parentHub; // frames nested in this one too
    parentHub.listen(window);
    return;
  }
  // change/drop (and input/paste) also carry attached images (attachments/).
  const TYPES = ['keydown', 'click', 'submit', 'input', 'change', 'paste', 'drop', 'focusin'];
  const dispatch = (event) => hub.handler?.(event);
  const hub = {
    handler: null,
    types: TYPES,
    // Idempotent: the same listener twice is one listener. Called again after a
    // frame's document.open(), which drops every listener of its window.
    listen(win) {
      for (const type of TYPES) win.addEventListener(type, dispatch, true);
    },
  };
  globalThis.__postguardHub = hub;
  hub.listen(window);
  import(chrome.runtime.getURL('src/content/main.js')).catch(() => {
    hub.failed = true;
  });
})();
