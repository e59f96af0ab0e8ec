// The sample text with the findings' spans marked. Spans count Unicode code
// points (as the engines do), not UTF-16 units, so the text is split with
// Array.from. Built from text nodes only: the sample is never parsed as HTML.
import { el } from './authoring_api.js';

export function segments(text, spans) {
  const chars = Array.from(text);
  const ordered = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const parts = [];
  let at = 0;
  for (const span of ordered) {
    if (span.start < at || span.end > chars.length || span.end <= span.start) continue;
    if (span.start > at) parts.push({ text: chars.slice(at, span.start).join(''), span: null });
    parts.push({ text: chars.slice(span.start, span.end).join(''), span });
    at = span.end;
  }
  if (at < chars.length) parts.push({ text: chars.slice(at).join(''), span: null });
  return parts;
}

export function renderHighlighted(container, text, findings) {
  const nodes = segments(text, findings).map((part) => {
    if (!part.span) return document.createTextNode(part.text);
    const label = `${part.span.rule_id}: ${part.span.action || ''}`.trim();
    return el('mark', { class: `finding severity-${part.span.severity}`, title: label }, part.text);
  });
  container.replaceChildren(...nodes);
}
