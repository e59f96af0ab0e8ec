// Styles adopted inside the banner's shadow root only.
export const BANNER_CSS = `
:host { all: initial; }
.card { position: fixed; z-index: 2147483647; box-sizing: border-box; width: 360px;
  max-width: calc(100vw - 16px); max-height: 60vh; overflow: auto; padding: 10px 12px;
  border-radius: 8px; border: 1px solid #b3261e; background: #fff8f7; color: #1d1b1a;
  font: 13px/1.4 system-ui, sans-serif; box-shadow: 0 4px 16px rgba(0,0,0,.18); }
.card[hidden] { display: none; }
.card.offline, .card.unchecked { border-color: #b26a00; background: #fffaf0; }
h2 { margin: 0 0 6px; font-size: 14px; }
ul { margin: 0 0 8px; padding-left: 18px; }
li { margin: 2px 0; }
.preview { font-family: ui-monospace, monospace; background: #f3e3e1; padding: 0 3px; border-radius: 3px; }
.note { margin: 0 0 8px; color: #5f4b00; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; }
button { font: inherit; padding: 3px 9px; border-radius: 5px; border: 1px solid #8c8c8c;
  background: #fff; color: #1d1b1a; cursor: pointer; }
button.primary { background: #b3261e; border-color: #b3261e; color: #fff; }
button:focus-visible, textarea:focus-visible { outline: 2px solid #1a73e8; outline-offset: 1px; }
form { margin-top: 8px; display: grid; gap: 6px; }
form[hidden] { display: none; }
textarea { font: inherit; min-height: 36px; resize: vertical; box-sizing: border-box; width: 100%; }
fieldset { margin: 0; padding: 0; border: 0; display: grid; grid-template-columns: 1fr 1fr; gap: 2px 8px; }
legend { padding: 0; margin-bottom: 4px; font-weight: 600; }
.choice { display: flex; align-items: flex-start; gap: 4px; font-size: 12px; }
.choice input { margin: 2px 0 0; }
input[type=radio]:focus-visible { outline: 2px solid #1a73e8; outline-offset: 1px; }
.status { margin-top: 6px; min-height: 1em; color: #3c3c3c; }
a { color: #0b57d0; }
@media (prefers-reduced-motion: no-preference) { .card { transition: opacity .12s; } }
`;
