// How the authoring pages call central's authoring API, in one place: its
// console mount (/console/api, where the session cookie goes), and the CSRF
// token the console's base template puts in <meta name="csrf-token">.

const PREFIX = '/console/api';

export async function api(method, path, body, { contentType } = {}) {
  const headers = { Accept: 'application/json' };
  const csrf = document.querySelector('meta[name="csrf-token"]');
  if (csrf) headers['X-CSRF-Token'] = csrf.content;
  let payload;
  if (body !== undefined) {
    // A file goes as it is (a rule's YAML, a JSONL set); anything else as JSON.
    payload = contentType ? body : JSON.stringify(body);
    headers['Content-Type'] = contentType || 'application/json';
  }
  const response = await fetch(PREFIX + path, {
    method,
    headers,
    body: payload,
    credentials: 'same-origin',
  });
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

// An element with attributes and children; strings become text nodes, so
// nothing a user typed is ever parsed as HTML.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === 'string' || typeof child === 'number'
      ? document.createTextNode(String(child)) : child);
  }
  return node;
}

export function errorMessage(result) {
  const error = result.data && result.data.error;
  return error ? `${error.message} (${error.code})` : `The request failed (${result.status}).`;
}

export function show(container, ...children) {
  container.replaceChildren(...children.flat().filter(Boolean));
}
