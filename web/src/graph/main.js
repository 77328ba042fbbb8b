// The kepugraph graph view (/graph): sigma.js 3 draws a graphology graph that
// grows from searches, neighborhoods, paths and selections read from the API
// on the same origin; ForceAtlas2 lays it out in a web worker. The coverage
// view (/graph#coverage) is in coverage.js. Nothing is loaded from another
// host.
import Graph from 'graphology';
import Sigma from 'sigma';
import { NodeCircleProgram, NodePointProgram, EdgeRectangleProgram, EdgeLineProgram } from 'sigma/rendering';
import FA2Layout from 'graphology-layout-forceatlas2/worker';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import louvain from 'graphology-communities-louvain';
import { write as writeGEXF } from 'graphology-gexf/browser';
import { downloadAsPNG } from '@sigma/export-image';
import { gql, exportGraphology, SUBGRAPH_FIELDS } from './api.js';
import { writeGraphML } from './graphml.js';
import { showCoverage } from './coverage.js';
import './graph.css';

// Node labels as the schema names them, with their colors (one hue each).
export const LABELS = [
  ['Province', '#d62728'],
  ['Prefecture', '#ff7f0e'],
  ['County', '#b5a300'],
  ['Museum', '#1f77b4'],
  ['School', '#2ca02c'],
  ['NormalUniversity', '#9467bd'],
  ['Organization', '#8c564b'],
  ['Forum', '#e377c2'],
  ['Program', '#17becf'],
  ['Person', '#555555'],
  ['NationalStatistics', '#393b79'],
];
const LABEL_COLOR = Object.fromEntries(LABELS);
const PROVENANCES = [
  ['REFERENCE', '#1f77b4'],
  ['REPORTED', '#2ca02c'],
  ['GENERATED', '#e6550d'],
];
const PROVENANCE_COLOR = Object.fromEntries(PROVENANCES);
// tab20: colors of the largest communities; the others are grey.
const COMMUNITY_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5'];
const PATH_COLOR = '#e0115f';
const DIM_COLOR = '#e4e4e4';

// The node and edge attributes the view keeps: x, y, size, color and label
// for sigma (label is the node's name, or its type for an edge); kind (the
// node label: Museum, ...), province (ISO code or ''), props (every stored
// property); rel (the relationship type) for edges.

const $ = (sel) => document.querySelector(sel);
const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
};

const graph = new Graph({ type: 'directed', multi: true, allowSelfLoops: true });
const state = {
  selected: null,
  hovered: null,
  hoverNeighbors: new Set(),
  pathFrom: null,
  pathTo: null,
  pathNodes: new Set(),
  pathEdges: new Set(),
  colorBy: 'label',
  sizeBy: 'degree',
  province: '',
  provenances: new Set(PROVENANCES.map((p) => p[0])),
  hiddenRels: new Set(),
  provinces: new Map(), // ISO code -> { id, name, nameZh }
  busy: 0,
};

// ---- page layout ----
document.body.append(
  h('header', { class: 'top' },
    h('a', { href: '/', class: 'home', title: 'GraphiQL explorer' }, 'kepugraph'),
    h('nav', {},
      h('a', { href: '#graph', id: 'tab-graph', class: 'tab' }, 'Graph'),
      h('a', { href: '#coverage', id: 'tab-coverage', class: 'tab' }, 'Coverage')),
    h('span', { id: 'status', role: 'status' }),
    h('a', { href: '/', class: 'explorer-link' }, 'GraphiQL explorer')),
  h('main', { id: 'graph-view' },
    h('aside', { class: 'controls' },
      h('section', {},
        h('h2', {}, 'Search'),
        h('input', { id: 'search', type: 'search', placeholder: 'name, 中文 or pinyin (beijing kexue)', autocomplete: 'off' }),
        h('ul', { id: 'results', class: 'results' })),
      h('section', {},
        h('h2', {}, 'Load a selection'),
        h('div', { id: 'load-labels', class: 'checks' },
          LABELS.map(([l, c]) => h('label', {}, h('input', { type: 'checkbox', value: l }), h('i', { class: 'dot', style: `background:${c}` }), l))),
        h('label', { class: 'field' }, 'where on ',
          h('select', { id: 'load-where-label' }, LABELS.map(([l]) => h('option', { value: l }, l)))),
        h('input', { id: 'load-where', type: 'text', placeholder: 'JSON of its where input, e.g. {"kind":{"eq":"MOBILE"}}' }),
        h('div', { class: 'row' },
          h('button', { id: 'load', type: 'button' }, 'Load'),
          h('button', { id: 'clear', type: 'button' }, 'Clear view'))),
      h('section', {},
        h('h2', {}, 'Appearance'),
        h('label', { class: 'field' }, 'Color by ',
          h('select', { id: 'color-by' },
            h('option', { value: 'label' }, 'label'),
            h('option', { value: 'community' }, 'community (Louvain on the view)'),
            h('option', { value: 'provenance' }, 'provenance'))),
        h('label', { class: 'field' }, 'Size by ',
          h('select', { id: 'size-by' },
            h('option', { value: 'degree' }, 'degree in the view'),
            h('option', { value: 'DEGREE' }, 'degree centrality (whole graph)'),
            h('option', { value: 'PAGERANK' }, 'PageRank (whole graph)'),
            h('option', { value: 'EIGENVECTOR' }, 'eigenvector (whole graph)'),
            h('option', { value: 'BETWEENNESS' }, 'betweenness (labels in view)'),
            h('option', { value: 'CLOSENESS' }, 'closeness (labels in view)'))),
        h('div', { id: 'legend', class: 'legend' }),
        h('div', { class: 'row' },
          h('button', { id: 'layout', type: 'button' }, 'Run layout'))),
      h('section', {},
        h('h2', {}, 'Filters'),
        h('label', { class: 'field' }, 'Province ', h('select', { id: 'province' }, h('option', { value: '' }, 'all'))),
        h('div', { id: 'provenances', class: 'checks' },
          PROVENANCES.map(([p]) => h('label', {}, h('input', { type: 'checkbox', value: p, checked: true }), p.toLowerCase()))),
        h('div', { id: 'rels', class: 'checks' })),
      h('section', {},
        h('h2', {}, 'Shortest path'),
        h('div', { id: 'path-ends' }),
        h('div', { id: 'path-result' })),
      h('section', {},
        h('h2', {}, 'Export the view'),
        h('div', { class: 'row' },
          h('button', { id: 'export-gexf', type: 'button' }, 'GEXF'),
          h('button', { id: 'export-graphml', type: 'button' }, 'GraphML'),
          h('button', { id: 'export-png', type: 'button' }, 'PNG')))),
    h('div', { id: 'sigma', class: 'canvas' },
      h('div', { id: 'counts', class: 'counts' }),
      h('p', { id: 'empty', class: 'empty' }, 'Search for a node, or load a selection, to start. Click a node for its details, double-click to expand it.')),
    h('aside', { id: 'panel', class: 'panel', hidden: true })),
  h('main', { id: 'coverage-view', hidden: true }),
);

const status = (msg, isError = false) => {
  const el = $('#status');
  el.textContent = msg;
  el.classList.toggle('error', isError);
};
async function busy(what, fn) {
  state.busy++;
  document.body.classList.add('busy');
  status(what + '…');
  try {
    const r = await fn();
    if ($('#status').textContent === what + '…') status('');
    return r;
  } catch (e) {
    status(`${what}: ${e.message}`, true);
    return undefined;
  } finally {
    if (--state.busy === 0) document.body.classList.remove('busy');
  }
}

// ---- the renderer ----
// Past LARGE nodes the view draws for speed (see drawFor): in a browser
// without a GPU (WebGL on the CPU: SwiftShader, as in headless Chromium)
// most of a frame's time is the GPU process rasterizing, and it grows with
// what is drawn.
const LARGE = 1500;
const renderer = new Sigma(graph, $('#sigma'), {
  // The graph may change while its view is hidden (the coverage view is
  // shown and a load ends): sigma then draws into a container of no size,
  // which it refuses with an error unless this is set.
  allowInvalidContainer: true,
  renderEdgeLabels: false,
  labelRenderedSizeThreshold: 7,
  labelDensity: 0.6,
  zIndex: true,
  defaultEdgeColor: '#c8c8c8',
  minCameraRatio: 0.02,
  maxCameraRatio: 20,
  // circle and rectangle: quads shaded per fragment (round nodes, edges
  // of any width); point and line: one GL point per node, one 1-pixel GL
  // line per edge, for large views.
  nodeProgramClasses: { circle: NodeCircleProgram, point: NodePointProgram },
  edgeProgramClasses: { rectangle: EdgeRectangleProgram, line: EdgeLineProgram },
  defaultNodeType: 'circle',
  defaultEdgeType: 'rectangle',
  nodeReducer(node, data) {
    if (!nodeVisible(node, data)) return { ...data, hidden: true };
    const res = { ...data };
    if (state.pathNodes.size && state.pathNodes.has(node)) {
      res.highlighted = true;
      res.zIndex = 2;
    }
    if (node === state.selected || node === state.pathFrom || node === state.pathTo) {
      res.highlighted = true;
      res.zIndex = 3;
    }
    if (state.hovered && node !== state.hovered && !state.hoverNeighbors.has(node)) {
      res.color = DIM_COLOR;
      res.label = '';
      res.zIndex = 0;
    }
    return res;
  },
  edgeReducer(edge, data) {
    const [s, t] = graph.extremities(edge);
    if (state.hiddenRels.has(data.rel) || !nodeVisible(s, graph.getNodeAttributes(s)) || !nodeVisible(t, graph.getNodeAttributes(t))) {
      return { ...data, hidden: true };
    }
    if (state.pathEdges.has(edge)) return { ...data, type: 'rectangle', color: PATH_COLOR, size: 4, zIndex: 2 };
    if (state.hovered && s !== state.hovered && t !== state.hovered) return { ...data, hidden: true };
    return data;
  },
});

// DRAW holds the renderer settings of the two ways of drawing: detailed
// (small views) and fast (large views: GL points and 1-pixel lines, no
// edges nor labels while the camera moves, fewer labels, no z-ordering).
const DRAW = {
  detailed: { defaultNodeType: 'circle', defaultEdgeType: 'rectangle', hideEdgesOnMove: false, hideLabelsOnMove: false,
    zIndex: true, labelGridCellSize: 100, labelRenderedSizeThreshold: 7 },
  fast: { defaultNodeType: 'point', defaultEdgeType: 'line', hideEdgesOnMove: true, hideLabelsOnMove: true,
    zIndex: false, labelGridCellSize: 260, labelRenderedSizeThreshold: 9 },
};
let drawing = '';
// drawFor switches the renderer to the detailed or the fast settings
// ('auto': fast past LARGE nodes) and returns the name of those in use.
function drawFor(mode = 'auto') {
  const want = mode === 'auto' ? (graph.order > LARGE ? 'fast' : 'detailed') : mode;
  if (want !== drawing) {
    drawing = want;
    for (const [k, v] of Object.entries(DRAW[want])) renderer.setSetting(k, v);
  }
  return drawing;
}
drawFor();

function nodeVisible(node, data) {
  if (node === state.selected || state.pathNodes.has(node)) return true;
  if (state.province && data.province !== state.province) return false;
  const prov = data.props && data.props.provenance;
  if (prov && !state.provenances.has(prov)) return false;
  return true;
}

// ---- layout: ForceAtlas2 in a web worker ----
let layout = null;
let layoutTimer = null;
function layoutSettings() {
  const s = forceAtlas2.inferSettings(graph);
  return { ...s, barnesHutOptimize: graph.order > 1000, adjustSizes: false };
}
// A layout asked for while the graph view is hidden (the coverage view is
// shown) waits until the view is shown again: it would move nodes nobody
// sees, and spend the CPU the coverage view needs.
let layoutPaused = false;
function runLayout(ms) {
  if (graph.order === 0) return;
  if ($('#graph-view').hidden) {
    layoutPaused = true;
    return;
  }
  if (!layout) layout = new FA2Layout(graph, { settings: layoutSettings() });
  clearTimeout(layoutTimer);
  layout.start();
  $('#layout').textContent = 'Stop layout';
  layoutTimer = setTimeout(stopLayout, ms ?? Math.min(1500 + graph.order * 2, 10000));
}
function stopLayout() {
  clearTimeout(layoutTimer);
  if (layout && layout.isRunning()) layout.stop();
  $('#layout').textContent = 'Run layout';
}
function resetLayout() {
  stopLayout();
  if (layout) layout.kill();
  layout = null;
}
// On a large view a drag or the wheel stops the layout: each of its steps
// moves every node, and sigma then re-indexes the whole graph, so a frame
// costs several times what a camera move alone costs.
for (const ev of ['mousedown', 'wheel']) {
  renderer.getMouseCaptor().on(ev, () => {
    if (drawing === 'fast' && layout && layout.isRunning()) stopLayout();
  });
}
$('#layout').addEventListener('click', () => (layout && layout.isRunning() ? stopLayout() : runLayout()));

// ---- adding to the graph ----
function place(anchor) {
  if (anchor && graph.hasNode(anchor)) {
    const a = graph.getNodeAttributes(anchor);
    const angle = Math.random() * 2 * Math.PI;
    const r = 1 + Math.random();
    return { x: a.x + r * Math.cos(angle), y: a.y + r * Math.sin(angle) };
  }
  const r = Math.sqrt(graph.order + 1) * 2;
  return { x: (Math.random() - 0.5) * r, y: (Math.random() - 0.5) * r };
}

function addNode(id, kind, province, props, anchor) {
  const attrs = { label: props.name || id, kind, province: province || '', props };
  if (graph.hasNode(id)) {
    graph.mergeNodeAttributes(id, attrs);
    return false;
  }
  graph.addNode(id, { ...attrs, ...place(anchor), size: 4, color: LABEL_COLOR[kind] || '#999' });
  return true;
}
function addEdge(id, rel, from, to, props) {
  if (graph.hasEdge(id) || !graph.hasNode(from) || !graph.hasNode(to)) return false;
  graph.addDirectedEdgeWithKey(id, from, to, { rel, label: rel, props, size: 1 });
  return true;
}

// addSubgraph adds a GraphSelection (the subgraph field) next to anchor and
// returns how many nodes were new.
function addSubgraph(sub, anchor) {
  let added = 0;
  for (const n of sub.nodes) if (addNode(n.id, n.label, n.provinceCode, n.properties || {}, anchor)) added++;
  for (const r of sub.relationships) addEdge(r.id, r.type, r.from, r.to, r.properties || {});
  return added;
}

// addGraphology adds a serialized graph from /export/graphology.
function addGraphology(data) {
  const fresh = [];
  for (const n of data.nodes) {
    const a = n.attributes || {};
    const { label, nodeLabel, provinceCode, ...props } = a;
    if (addNode(n.key, nodeLabel, provinceCode, props)) fresh.push(n.key);
  }
  for (const e of data.edges) {
    const a = e.attributes || {};
    const { label, relationship, ...props } = a;
    addEdge(e.key, relationship || label, e.source, e.target, props);
  }
  return fresh.length;
}

async function afterChange(layoutMs) {
  refreshFilters();
  await restyle();
  // A large view is drawn fast (and with fewer labels, so that they stay
  // readable: at most one per cell of the label grid, only on the larger
  // nodes).
  drawFor();
  renderer.refresh();
  $('#empty').hidden = graph.order > 0;
  updateCounts();
  runLayout(layoutMs);
}

function updateCounts() {
  let nodes = 0;
  let edges = 0;
  renderer.getGraph().forEachNode((n, a) => {
    if (nodeVisible(n, a)) nodes++;
  });
  graph.forEachEdge((e, a, s, t) => {
    if (!state.hiddenRels.has(a.rel) && nodeVisible(s, graph.getNodeAttributes(s)) && nodeVisible(t, graph.getNodeAttributes(t))) edges++;
  });
  $('#counts').textContent = `${nodes.toLocaleString('en')} nodes · ${edges.toLocaleString('en')} relationships shown (${graph.order.toLocaleString('en')} / ${graph.size.toLocaleString('en')} loaded)`;
}

// ---- neighborhoods, expansion ----
async function loadNeighborhood(id, { select = true } = {}) {
  return busy('Loading the neighborhood', async () => {
    const d = await gql(`query Around($id: ID!) { subgraph(around: $id, hops: 1) { ${SUBGRAPH_FIELDS} } }`, { id });
    const added = addSubgraph(d.subgraph, id);
    if (!graph.hasNode(id)) throw new Error('no such node');
    await afterChange();
    if (select) selectNode(id);
    if (added > 0) focus(id);
    return added;
  });
}

async function loadSelection(params) {
  return busy('Loading the selection', async () => {
    const data = await exportGraphology(params);
    resetLayout();
    const added = addGraphology(data);
    await afterChange();
    renderer.getCamera().animatedReset();
    return added;
  });
}

function focus(id) {
  const d = renderer.getNodeDisplayData(id);
  if (d) renderer.getCamera().animate({ x: d.x, y: d.y, ratio: Math.min(renderer.getCamera().ratio, 1) }, { duration: 400 });
}

// ---- search ----
let searchSeq = 0;
let searchTimer = null;
$('#search').addEventListener('input', (e) => {
  clearTimeout(searchTimer);
  const text = e.target.value.trim();
  searchTimer = setTimeout(() => search(text), 250);
});
async function search(text) {
  const seq = ++searchSeq;
  const list = $('#results');
  if (text.length < 2) {
    list.replaceChildren();
    return;
  }
  try {
    const d = await gql(`query Search($text: String!) {
      search(text: $text, first: 15) { totalCount edges { score node { __typename id name provenance } } }
    }`, { text });
    if (seq !== searchSeq) return;
    const edges = d.search.edges;
    list.replaceChildren(
      ...edges.map(({ node }) =>
        h('li', {},
          h('button', { type: 'button', class: 'result', 'data-id': node.id, onclick: () => loadNeighborhood(node.id) },
            h('i', { class: 'dot', style: `background:${LABEL_COLOR[node.__typename] || '#999'}` }),
            h('span', { class: 'name' }, node.name),
            h('span', { class: 'kind' }, node.__typename),
            node.provenance === 'GENERATED' ? h('span', { class: 'badge generated' }, 'generated') : null))),
      edges.length ? h('li', { class: 'more' }, `${d.search.totalCount} match${d.search.totalCount === 1 ? '' : 'es'}`) : h('li', { class: 'more' }, 'no match'),
    );
  } catch (e) {
    if (seq === searchSeq) list.replaceChildren(h('li', { class: 'more error' }, e.message));
  }
}

// ---- selection and the side panel ----
function selectNode(id) {
  state.selected = id;
  renderer.refresh({ skipIndexation: true });
  showPanel(id);
}

const PLACE_FIELDS = `province { name nameZh } prefecture { name nameZh } county { name nameZh }`;
async function placeOf(id) {
  const d = await gql(`query Place($id: ID!) { node(id: $id) {
    __typename
    ... on Museum { ${PLACE_FIELDS} }
    ... on School { ${PLACE_FIELDS} }
    ... on NormalUniversity { ${PLACE_FIELDS} }
    ... on Organization { ${PLACE_FIELDS} }
    ... on County { province { name nameZh } prefecture { name nameZh } }
    ... on Prefecture { province { name nameZh } }
  } }`, { id });
  const n = d.node || {};
  return ['county', 'prefecture', 'province'].map((k) => n[k]).filter(Boolean);
}

function showPanel(id) {
  const panel = $('#panel');
  if (!id || !graph.hasNode(id)) {
    panel.hidden = true;
    return;
  }
  const a = graph.getNodeAttributes(id);
  const p = a.props || {};
  const generated = p.provenance === 'GENERATED';
  const rows = Object.entries(p)
    .filter(([k]) => !['name', 'nameZh', 'provenance', 'source'].includes(k))
    .sort(([x], [y]) => x.localeCompare(y));
  const placeEl = h('dd', { id: 'panel-place' }, '…');
  panel.replaceChildren(
    h('button', { type: 'button', class: 'close', title: 'Close', onclick: () => { state.selected = null; renderer.refresh({ skipIndexation: true }); panel.hidden = true; } }, '×'),
    h('div', { class: 'kind-line' }, h('i', { class: 'dot', style: `background:${LABEL_COLOR[a.kind] || '#999'}` }), a.kind),
    h('h2', { id: 'panel-name' }, p.name || id),
    p.nameZh ? h('p', { class: 'zh' }, p.nameZh) : null,
    h('p', { id: 'panel-provenance', class: `provenance ${generated ? 'is-generated' : ''}` },
      h('span', { class: `badge ${String(p.provenance || '').toLowerCase()}` }, generated ? 'GENERATED record' : p.provenance || 'no provenance'),
      generated ? h('span', { class: 'note' }, 'made by the seed generator to reproduce a published figure; not a real institution') : null),
    h('dl', {},
      h('dt', {}, 'Source'), h('dd', {}, p.source || '—'),
      h('dt', {}, 'Place'), placeEl,
      h('dt', {}, 'Relationships in view'), h('dd', {}, String(graph.degree(id))),
      h('dt', {}, 'ID'), h('dd', { class: 'mono' }, id)),
    h('h3', {}, 'Properties'),
    h('table', { class: 'props' }, rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))))),
    h('div', { class: 'row' },
      h('button', { type: 'button', id: 'panel-expand', onclick: () => loadNeighborhood(id) }, 'Expand'),
      h('button', { type: 'button', id: 'panel-path-from', onclick: () => setPathEnd('from', id) }, 'Path from here'),
      h('button', { type: 'button', id: 'panel-path-to', onclick: () => setPathEnd('to', id) }, 'Path to here')),
  );
  panel.hidden = false;
  placeOf(id).then(
    (places) => {
      if (state.selected !== id) return;
      const own = state.provinces.get(a.province);
      placeEl.textContent = places.length
        ? places.map((pl) => `${pl.name}${pl.nameZh ? ` ${pl.nameZh}` : ''}`).join(', ')
        : a.kind === 'Province' ? `${p.name} (province ${p.code || a.province})` : own ? `${own.name} ${own.nameZh || ''}` : '—';
    },
    (e) => {
      placeEl.textContent = `(${e.message})`;
    },
  );
}

// ---- shortest path ----
function setPathEnd(which, id) {
  if (which === 'from') state.pathFrom = id;
  else state.pathTo = id;
  renderPathEnds();
  renderer.refresh({ skipIndexation: true });
  if (state.pathFrom && state.pathTo) findPath();
}
function nameOf(id) {
  return graph.hasNode(id) ? graph.getNodeAttribute(id, 'label') : id;
}
function renderPathEnds() {
  const end = (label, id, which) =>
    h('div', { class: 'path-end' }, h('b', {}, label), id ? nameOf(id) : h('i', {}, 'pick a node, then “Path ' + which + ' here”'));
  $('#path-ends').replaceChildren(end('From: ', state.pathFrom, 'from'), end('To: ', state.pathTo, 'to'),
    ...(state.pathFrom || state.pathTo ? [h('button', { type: 'button', id: 'path-clear', onclick: clearPath }, 'Clear path')] : []));
}
function clearPath() {
  state.pathFrom = state.pathTo = null;
  state.pathNodes = new Set();
  state.pathEdges = new Set();
  $('#path-result').replaceChildren();
  renderPathEnds();
  renderer.refresh({ skipIndexation: true });
}
// The link types of the Link union: every relationship has a provenance
// and a source.
const LINKS = ['PartnersWith', 'TrainsTeachers', 'Organizes', 'ParticipatesIn', 'HeldAt', 'SpokeAt', 'AffiliatedWith', 'HelpedEstablish', 'LocatedIn', 'PartOf', 'Covers'];

// edgeKey is the ID the API gives a relationship (subgraph, exports): the
// global ID of "TYPE|from|to", from and to being the node IDs behind the
// ends' global IDs (base64url without padding, as the schema says).
function edgeKey(type, from, to) {
  const dec = (g) => new TextDecoder().decode(Uint8Array.from(atob(g.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
  const bytes = new TextEncoder().encode(`${type}|${dec(from)}|${dec(to)}`);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function findPath() {
  const from = state.pathFrom;
  const to = state.pathTo;
  await busy('Finding the shortest path', async () => {
    const d = await gql(`query Path($from: ID!, $to: ID!) {
      shortestPath(from: $from, to: $to, maxHops: 10) {
        length
        nodes { __typename id name }
        relationships { type from to link { ${LINKS.map((l) => `... on ${l}Link { provenance source }`).join(' ')} } }
      }
    }`, { from, to });
    const p = d.shortestPath;
    if (!p) {
      state.pathNodes = new Set();
      state.pathEdges = new Set();
      $('#path-result').replaceChildren(h('p', { id: 'path-length' }, 'No path within 10 relationships.'));
      renderer.refresh();
      return;
    }
    // The path's nodes missing from the view, with all their properties:
    // one subgraph selection per label.
    const missing = new Map();
    for (const n of p.nodes) {
      if (graph.hasNode(n.id)) continue;
      if (!missing.has(n.__typename)) missing.set(n.__typename, []);
      missing.get(n.__typename).push(n.id);
    }
    if (missing.size) {
      const vars = {};
      const defs = [];
      const fields = [];
      [...missing].forEach(([label, ids], i) => {
        vars[`w${i}`] = { id: { in: ids } };
        defs.push(`$w${i}: JSON`);
        fields.push(`m${i}: subgraph(labels: ["${label}"], where: $w${i}) { ${SUBGRAPH_FIELDS} }`);
      });
      const m = await gql(`query PathNodes(${defs.join(', ')}) { ${fields.join('\n')} }`, vars);
      p.nodes.forEach((n, i) => {
        const sub = Object.values(m).find((s) => s.nodes.some((x) => x.id === n.id));
        if (sub) addSubgraph({ nodes: sub.nodes.filter((x) => x.id === n.id), relationships: [] }, p.nodes[i - 1] ? p.nodes[i - 1].id : p.nodes[i + 1] && p.nodes[i + 1].id);
      });
    }
    state.pathNodes = new Set(p.nodes.map((n) => n.id));
    state.pathEdges = new Set();
    for (const r of p.relationships) {
      const key = edgeKey(r.type, r.from, r.to);
      addEdge(key, r.type, r.from, r.to, { ...r.link });
      if (graph.hasEdge(key)) state.pathEdges.add(key);
    }
    $('#path-result').replaceChildren(
      h('p', { id: 'path-length' }, `${p.length} relationship${p.length === 1 ? '' : 's'}:`),
      h('ol', { class: 'path' }, p.nodes.map((n, i) => {
        const r = p.relationships[i];
        const arrow = r ? (r.from === n.id ? ` —${r.type}→` : ` ←${r.type}—`) : null;
        return h('li', {}, n.name, arrow ? h('small', {}, arrow) : null);
      })),
    );
    await afterChange(1500);
  });
}

// ---- colors, sizes, legend ----
let centralityCache = new Map(); // algorithm -> Map(id -> score)
async function centralityScores(algorithm) {
  const have = centralityCache.get(algorithm) || new Map();
  centralityCache.set(algorithm, have);
  const missing = graph.nodes().filter((n) => !have.has(n));
  const labels = [...new Set(graph.mapNodes((n, a) => a.kind))].map((l) => l.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase());
  const restrict = algorithm === 'BETWEENNESS' || algorithm === 'CLOSENESS';
  // 100 IDs per field, at most 20 fields per request (the server allows 30
  // aliases).
  for (let i = 0; i < missing.length; i += 2000) {
    const batch = missing.slice(i, i + 2000);
    const fields = [];
    const vars = { a: algorithm };
    const defs = ['$a: CentralityAlgorithm!'];
    if (restrict) {
      vars.labels = labels;
      defs.push('$labels: [NodeLabel!]');
    }
    for (let j = 0; j * 100 < batch.length; j++) {
      vars[`ids${j}`] = batch.slice(j * 100, j * 100 + 100);
      defs.push(`$ids${j}: [ID!]`);
      fields.push(`c${j}: centrality(algorithm: $a${restrict ? ', labels: $labels' : ''}, where: { id: { in: $ids${j} } }, first: 100) { score node { id } }`);
    }
    const d = await gql(`query Scores(${defs.join(', ')}) { ${fields.join('\n')} }`, vars);
    for (const list of Object.values(d)) for (const s of list) have.set(s.node.id, s.score);
    for (const id of batch) if (!have.has(id)) have.set(id, 0);
  }
  return have;
}

async function restyle() {
  // sizes
  let score;
  if (state.sizeBy === 'degree') {
    score = (n) => graph.degree(n);
  } else {
    const scores = await busy(`Reading ${state.sizeBy.toLowerCase()} centrality`, () => centralityScores(state.sizeBy));
    if (!scores) {
      score = (n) => graph.degree(n);
    } else {
      score = (n) => scores.get(n) || 0;
    }
  }
  let max = 0;
  graph.forEachNode((n) => {
    max = Math.max(max, score(n));
  });
  const big = graph.order > LARGE;
  const [lo, hi] = big ? [1.5, 12] : [4, 20];
  graph.forEachNode((n) => {
    const v = max > 0 ? score(n) / max : 0;
    graph.setNodeAttribute(n, 'size', lo + (hi - lo) * Math.sqrt(v));
  });
  // colors
  const legend = [];
  if (state.colorBy === 'community' && graph.order > 0) {
    const undirected = new Graph({ type: 'undirected' });
    graph.forEachNode((n) => undirected.addNode(n));
    graph.forEachEdge((e, a, s, t) => {
      if (s !== t && !undirected.hasEdge(s, t)) undirected.addEdge(s, t);
    });
    const part = louvain(undirected, { rng: mulberry32(1) });
    const sizes = new Map();
    for (const c of Object.values(part)) sizes.set(c, (sizes.get(c) || 0) + 1);
    const order = [...sizes.entries()].sort((x, y) => y[1] - x[1] || x[0] - y[0]).map(([c]) => c);
    const rank = new Map(order.map((c, i) => [c, i]));
    graph.forEachNode((n) => {
      const r = rank.get(part[n]);
      graph.setNodeAttribute(n, 'color', r < COMMUNITY_COLORS.length ? COMMUNITY_COLORS[r] : '#bbbbbb');
    });
    order.slice(0, 8).forEach((c, i) => legend.push([`community ${i + 1} (${sizes.get(c)} nodes)`, COMMUNITY_COLORS[i]]));
    legend.push([`${order.length} communities`, null]);
  } else if (state.colorBy === 'provenance') {
    graph.forEachNode((n, a) => graph.setNodeAttribute(n, 'color', PROVENANCE_COLOR[a.props.provenance] || '#999'));
    for (const [p, c] of PROVENANCES) legend.push([p.toLowerCase(), c]);
  } else {
    graph.forEachNode((n, a) => graph.setNodeAttribute(n, 'color', LABEL_COLOR[a.kind] || '#999'));
    const present = new Set(graph.mapNodes((n, a) => a.kind));
    for (const [l, c] of LABELS) if (present.has(l)) legend.push([l, c]);
  }
  $('#legend').replaceChildren(...legend.map(([t, c]) => h('div', {}, c ? h('i', { class: 'dot', style: `background:${c}` }) : null, t)));
}

// A small seeded random number generator, so that Louvain colors the same
// view the same way every time.
function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

$('#color-by').addEventListener('change', async (e) => {
  state.colorBy = e.target.value;
  await restyle();
});
$('#size-by').addEventListener('change', async (e) => {
  state.sizeBy = e.target.value;
  await restyle();
});

// ---- filters ----
function refreshFilters() {
  const sel = $('#province');
  const codes = [...new Set(graph.mapNodes((n, a) => a.province).filter(Boolean))].sort();
  const current = sel.value;
  sel.replaceChildren(h('option', { value: '' }, 'all'),
    ...codes.map((c) => {
      const p = state.provinces.get(c);
      return h('option', { value: c }, p ? `${p.name} ${p.nameZh || ''} (${c})` : c);
    }));
  sel.value = codes.includes(current) ? current : '';
  state.province = sel.value;
  const rels = [...new Set(graph.mapEdges((e, a) => a.rel))].sort();
  $('#rels').replaceChildren(
    ...rels.map((r) => h('label', {}, h('input', { type: 'checkbox', value: r, checked: !state.hiddenRels.has(r) }), r.toLowerCase().replace(/_/g, ' '))),
  );
}
$('#province').addEventListener('change', (e) => {
  state.province = e.target.value;
  filtersChanged();
});
$('#provenances').addEventListener('change', (e) => {
  if (e.target.checked) state.provenances.add(e.target.value);
  else state.provenances.delete(e.target.value);
  filtersChanged();
});
$('#rels').addEventListener('change', (e) => {
  if (e.target.checked) state.hiddenRels.delete(e.target.value);
  else state.hiddenRels.add(e.target.value);
  filtersChanged();
});
function filtersChanged() {
  renderer.refresh({ skipIndexation: true });
  updateCounts();
}

// ---- interaction ----
renderer.on('clickNode', ({ node }) => selectNode(node));
renderer.on('doubleClickNode', (e) => {
  e.preventSigmaDefault();
  loadNeighborhood(e.node);
});
renderer.on('clickStage', () => {
  if (state.selected) {
    state.selected = null;
    $('#panel').hidden = true;
    renderer.refresh({ skipIndexation: true });
  }
});
renderer.on('enterNode', ({ node }) => {
  state.hovered = node;
  state.hoverNeighbors = new Set(graph.neighbors(node));
  renderer.refresh({ skipIndexation: true });
});
renderer.on('leaveNode', () => {
  state.hovered = null;
  state.hoverNeighbors = new Set();
  renderer.refresh({ skipIndexation: true });
});

$('#load').addEventListener('click', () => {
  let labels = [...document.querySelectorAll('#load-labels input:checked')].map((i) => i.value);
  if (!labels.length) {
    status('Load: pick at least one label', true);
    return;
  }
  // The export applies where to the first label.
  const where = $('#load-where').value.trim();
  if (where) {
    const wl = $('#load-where-label').value;
    labels = [wl, ...labels.filter((l) => l !== wl)];
  }
  loadSelection({ labels: labels.join(','), where });
});
$('#clear').addEventListener('click', () => {
  resetLayout();
  graph.clear();
  centralityCache = new Map();
  state.selected = null;
  $('#panel').hidden = true;
  clearPath();
  afterChange();
});

// ---- export the view ----
// viewGraph is a copy of what is shown: the nodes and relationships the
// filters leave, with their positions and colors.
function viewGraph() {
  const g = new Graph({ type: 'directed', multi: true, allowSelfLoops: true });
  graph.forEachNode((n, a) => {
    if (nodeVisible(n, a)) g.addNode(n, a);
  });
  graph.forEachEdge((e, a, s, t) => {
    if (g.hasNode(s) && g.hasNode(t) && !state.hiddenRels.has(a.rel)) g.addDirectedEdgeWithKey(e, s, t, a);
  });
  return g;
}
const nodeData = (n, a) => ({ label: a.label, nodeLabel: a.kind, provinceCode: a.province, ...a.props, x: a.x, y: a.y, size: a.size, color: a.color });
const edgeData = (e, a) => {
  const { source, ...rest } = a.props || {};
  return { label: a.rel, relationship: a.rel, ...rest, ...(source !== undefined ? { sourceRef: source } : {}) };
};
function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
$('#export-gexf').addEventListener('click', () => {
  const g = viewGraph();
  const text = writeGEXF(g, {
    version: '1.3',
    formatNode: (n, a) => {
      const { x, y, size, color, label, ...attributes } = nodeData(n, a);
      for (const [k, v] of Object.entries(attributes)) if (typeof v === 'object' && v !== null) attributes[k] = JSON.stringify(v);
      return { label, attributes, viz: { x, y, size, color } };
    },
    formatEdge: (e, a) => {
      const { label, ...attributes } = edgeData(e, a);
      for (const [k, v] of Object.entries(attributes)) if (typeof v === 'object' && v !== null) attributes[k] = JSON.stringify(v);
      return { label, attributes };
    },
  });
  download('kepugraph-view.gexf', 'application/gexf+xml', text);
});
$('#export-graphml').addEventListener('click', () => {
  download('kepugraph-view.graphml', 'application/graphml+xml', writeGraphML(viewGraph(), nodeData, edgeData));
});
$('#export-png').addEventListener('click', () => downloadAsPNG(renderer, { fileName: 'kepugraph-view', backgroundColor: '#ffffff' }));

// ---- views ----
function route() {
  const coverage = location.hash === '#coverage';
  $('#graph-view').hidden = coverage;
  $('#coverage-view').hidden = !coverage;
  $('#tab-graph').classList.toggle('active', !coverage);
  $('#tab-coverage').classList.toggle('active', coverage);
  if (coverage) {
    // A hidden view has no size: a running layout would make sigma draw
    // into it at every step. It stops, and runs again when the view is back.
    if (layout && layout.isRunning()) {
      stopLayout();
      layoutPaused = true;
    }
    showCoverage($('#coverage-view'), state.provinces, busy);
  } else {
    renderer.refresh();
    if (layoutPaused) {
      layoutPaused = false;
      runLayout();
    }
  }
}
window.addEventListener('hashchange', route);

async function start() {
  const d = await busy('Reading the provinces', () => gql(`{ provinces(first: 100) { nodes { id name nameZh code } } }`));
  if (d) for (const p of d.provinces.nodes) state.provinces.set(p.code, p);
  renderPathEnds();
  await afterChange();
  route();
  window.kepugraph.ready = true;
}

// For the browser test and the curious: the graph, the renderer and the
// operations of the page.
window.kepugraph = { graph, renderer, state, loadNeighborhood, loadSelection, selectNode, setPathEnd, runLayout, stopLayout, layoutRunning: () => !!(layout && layout.isRunning()), drawFor, DRAW, ready: false };
start();
