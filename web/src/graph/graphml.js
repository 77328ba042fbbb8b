// A GraphML writer for a graphology graph (graphology-graphml only parses).
// Every node attribute named in nodeAttrs and every edge attribute named in
// edgeAttrs becomes a typed <key> (long, double, boolean or string, from the
// values the graph holds: a key whose values mix types is a string; lists
// and objects are written as JSON text).

function xmlEscape(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]);
}

function typeOf(v) {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'double';
  return 'string';
}

// keyTypes returns, for each attribute name, its GraphML type.
function keyTypes(rows) {
  const types = new Map();
  for (const attrs of rows) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined) continue;
      const t = typeOf(v);
      const prev = types.get(k);
      if (prev === undefined) types.set(k, t);
      else if (prev !== t) types.set(k, prev === 'long' && t === 'double' ? 'double' : prev === 'double' && t === 'long' ? 'double' : 'string');
    }
  }
  return types;
}

function valueText(v) {
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// writeGraphML returns the GraphML text of the graph. nodeData(key, attrs)
// and edgeData(key, attrs) return the flat attributes to write for each
// element.
export function writeGraphML(graph, nodeData, edgeData) {
  const nodes = [];
  graph.forEachNode((key, attrs) => nodes.push([key, nodeData(key, attrs)]));
  const edges = [];
  graph.forEachEdge((key, attrs, source, target) => edges.push([key, source, target, edgeData(key, attrs)]));
  const nodeTypes = keyTypes(nodes.map((n) => n[1]));
  const edgeTypes = keyTypes(edges.map((e) => e[3]));
  const nodeIds = new Map();
  const edgeIds = new Map();
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
  ];
  let i = 0;
  for (const [name, t] of nodeTypes) {
    const id = `n${i++}`;
    nodeIds.set(name, id);
    out.push(`<key id="${id}" for="node" attr.name="${xmlEscape(name)}" attr.type="${t}"/>`);
  }
  i = 0;
  for (const [name, t] of edgeTypes) {
    const id = `e${i++}`;
    edgeIds.set(name, id);
    out.push(`<key id="${id}" for="edge" attr.name="${xmlEscape(name)}" attr.type="${t}"/>`);
  }
  out.push(`<graph id="G" edgedefault="${graph.type === 'undirected' ? 'undirected' : 'directed'}">`);
  const data = (ids, attrs) => {
    let s = '';
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined) continue;
      s += `<data key="${ids.get(k)}">${xmlEscape(valueText(v))}</data>`;
    }
    return s;
  };
  for (const [key, attrs] of nodes) out.push(`<node id="${xmlEscape(key)}">${data(nodeIds, attrs)}</node>`);
  for (const [key, source, target, attrs] of edges) {
    out.push(`<edge id="${xmlEscape(key)}" source="${xmlEscape(source)}" target="${xmlEscape(target)}">${data(edgeIds, attrs)}</edge>`);
  }
  out.push('</graph>', '</graphml>', '');
  return out.join('\n');
}
