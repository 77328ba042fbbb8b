// The kepugraph explorer: GraphiQL talking to the API at /query on the same
// origin. Everything it needs is bundled by build.mjs; nothing is loaded from
// another host.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';

const defaultQuery = `# kepugraph: China's science-popularization network.
#
# Run (Ctrl-Enter) sends this to /query.
# The Docs panel (left) lists every type and field.

query Example {
  # Five standards-compliant museums, with province.
  museums(first: 5, where: { kind: { eq: STANDARD } }) {
    totalCount
    edges {
      cursor
      node {
        id
        name
        nameZh
        provenance
        source
        province { name code }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;

async function fetcher(params, opts) {
  const res = await fetch('/query', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      ...(opts && opts.headers),
    },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 500)}` }] };
  }
}

function App() {
  return <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} />;
}

createRoot(document.getElementById('graphiql')).render(<App />);
