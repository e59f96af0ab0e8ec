// A jsdom window installed as the global DOM, for modules that touch document,
// Node, MutationObserver... at call time.
import { JSDOM } from 'jsdom';

const GLOBALS = [
  'window', 'document', 'Node', 'Element', 'HTMLElement', 'NodeFilter', 'MutationObserver',
  'Event', 'KeyboardEvent', 'MouseEvent', 'InputEvent', 'CustomEvent', 'StaticRange',
  'getComputedStyle', 'customElements',
];

function bindIfMethod(win, name) {
  const value = win[name];
  return typeof value === 'function' && name[0] === name[0].toLowerCase() ? value.bind(win) : value;
}

export function installDom(html = '<!doctype html><html><body></body></html>', url = 'https://example.com/') {
  const dom = new JSDOM(html, { url, pretendToBeVisual: true });
  for (const name of GLOBALS) {
    Object.defineProperty(globalThis, name, {
      value: name === 'window' ? dom.window : bindIfMethod(dom.window, name),
      configurable: true,
      writable: true,
    });
  }
  globalThis.requestAnimationFrame = (fn) => setTimeout(fn, 0);
  return dom.window;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
