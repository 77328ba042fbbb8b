// Calls to the kepugraph API on the page's own origin: GraphQL at /query and
// graph files at /export/{format}. Nothing goes to another host.

// gql posts a GraphQL operation and returns its data; it throws an Error
// with the server's message (and its code, when it has one) on any error.
export async function gql(query, variables = {}) {
  const res = await fetch('/query', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  }
  if (body.errors && body.errors.length) {
    const e = body.errors[0];
    const code = e.extensions && e.extensions.code;
    const err = new Error(code ? `${code}: ${e.message}` : e.message);
    err.code = code;
    throw err;
  }
  return body.data;
}

// exportJSON fetches /export/graphology with the selection's query
// parameters (labels, relationships, where, around, hops, from, to) and
// returns graphology's serialized graph.
export async function exportGraphology(params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, v);
  }
  const res = await fetch(`/export/graphology?${qs}`, { headers: { Accept: 'application/json' } });
  const text = await res.text();
  if (!res.ok) {
    let msg = text.slice(0, 300);
    try {
      const b = JSON.parse(text);
      const e = b.errors && b.errors[0];
      if (e) msg = `${(e.extensions && e.extensions.code) || res.status}: ${e.message}`;
    } catch {
      // not JSON: keep the text
    }
    throw new Error(msg);
  }
  return JSON.parse(text);
}

export const SUBGRAPH_FIELDS = `
  nodes { id label provinceCode properties }
  relationships { id type from to properties }
`;
