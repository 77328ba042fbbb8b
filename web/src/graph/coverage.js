// The coverage view (/graph#coverage): the provinces sorted by a coverage
// figure, as a bar chart (no maintained npm package ships China's province
// boundaries for an offline map). Every figure is read from the API:
// - prefecture coverage: coverage(level: PREFECTURE, museumKinds: [STANDARD],
//   within: the province), the figure systemStats.prefectureCoverage gives
//   for the whole country;
// - mobile tours per visited county: the tours property of the COVERS
//   relationships from MOBILE museums to the province's counties (subgraph),
//   summed, over the counties they reach (systemStats.toursPerCounty for the
//   country);
// - counties visited by mobile museums: coverage(level: COUNTY,
//   museumKinds: [MOBILE], within: the province).
import { gql } from './api.js';

const FIGURES = {
  prefecture: {
    title: 'Prefecture coverage: prefectures with a standards-compliant museum',
    unit: 'share',
  },
  tours: {
    title: 'Mobile-museum tours per visited county',
    unit: 'ratio',
  },
  mobileCounties: {
    title: 'Counties visited by mobile museums',
    unit: 'share',
  },
};

let cache = null;

async function load(provinces) {
  const list = [...provinces.values()];
  const rows = new Map(list.map((p) => [p.code, { ...p }]));
  // Two coverage fields per province, at most 30 aliases per request.
  for (let i = 0; i < list.length; i += 14) {
    const part = list.slice(i, i + 14);
    const vars = {};
    const defs = [];
    const fields = [];
    part.forEach((p, j) => {
      vars[`p${j}`] = p.id;
      defs.push(`$p${j}: ID!`);
      fields.push(`pre${j}: coverage(level: PREFECTURE, museumKinds: [STANDARD], within: $p${j}) { covered { numerator denominator value } }`);
      fields.push(`cty${j}: coverage(level: COUNTY, museumKinds: [MOBILE], within: $p${j}) { covered { numerator denominator value } }`);
    });
    const d = await gql(`query Coverage(${defs.join(', ')}) { ${fields.join('\n')} }`, vars);
    part.forEach((p, j) => {
      const r = rows.get(p.code);
      r.prefecture = d[`pre${j}`].covered;
      r.mobileCounties = d[`cty${j}`].covered;
    });
  }
  const d = await gql(`{
    systemStats { prefectureCoverage { numerator denominator value } toursPerCounty { numerator denominator value } }
    tours: subgraph(labels: ["Museum", "County"], relationships: ["COVERS"], where: { kind: { eq: "MOBILE" } }) {
      nodes { id provinceCode }
      relationships { to properties }
    }
  }`);
  const provinceOf = new Map(d.tours.nodes.map((n) => [n.id, n.provinceCode]));
  const tours = new Map();
  const counties = new Map();
  for (const r of d.tours.relationships) {
    const code = provinceOf.get(r.to);
    if (!code) continue;
    tours.set(code, (tours.get(code) || 0) + (Number(r.properties.tours) || 0));
    if (!counties.has(code)) counties.set(code, new Set());
    counties.get(code).add(r.to);
  }
  for (const r of rows.values()) {
    const n = tours.get(r.code) || 0;
    const c = counties.has(r.code) ? counties.get(r.code).size : 0;
    r.tours = { numerator: n, denominator: c, value: c ? n / c : 0 };
  }
  let nationalCounties = 0;
  for (const c of counties.values()) nationalCounties += c.size;
  const all = {
    prefecture: d.systemStats.prefectureCoverage,
    tours: d.systemStats.toursPerCounty,
    mobileCounties: null,
  };
  return { rows: [...rows.values()], national: all, nationalCounties };
}

// color returns a blue of a lightness that falls with t in [0, 1].
function color(t) {
  const l = 88 - 58 * Math.max(0, Math.min(1, t));
  return `hsl(212, 70%, ${l}%)`;
}

function fmt(unit, r) {
  if (!r || r.denominator === 0) return 'n/a';
  if (unit === 'share') return `${(r.value * 100).toFixed(1)} % (${r.numerator} / ${r.denominator})`;
  return `${r.value.toFixed(2)} (${r.numerator} tours / ${r.denominator} counties)`;
}

function render(root, data, figure) {
  const f = FIGURES[figure];
  const rows = data.rows
    .map((r) => ({ ...r, fig: r[figure] }))
    .sort((a, b) => {
      const an = !a.fig || a.fig.denominator === 0;
      const bn = !b.fig || b.fig.denominator === 0;
      if (an !== bn) return an ? 1 : -1;
      return (b.fig ? b.fig.value : 0) - (a.fig ? a.fig.value : 0) || a.code.localeCompare(b.code);
    });
  const max = Math.max(...rows.map((r) => (r.fig && r.fig.denominator ? r.fig.value : 0)), 1e-9);
  const W = 900;
  const rowH = 22;
  const left = 220;
  const barW = 420;
  const svgNS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNS, 'svg');
  svg.setAttribute('id', 'coverage-chart');
  svg.setAttribute('viewBox', `0 0 ${W} ${rows.length * rowH + 10}`);
  svg.setAttribute('width', W);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', f.title);
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(svgNS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  rows.forEach((r, i) => {
    const y = i * rowH + 5;
    const na = !r.fig || r.fig.denominator === 0;
    const t = na ? 0 : r.fig.value / max;
    const g = el('g', { class: 'bar', 'data-code': r.code, 'data-value': na ? '' : String(r.fig.value) });
    g.append(el('text', { x: left - 8, y: y + 15, 'text-anchor': 'end', class: 'name' }, `${r.name} ${r.nameZh || ''}`));
    g.append(el('rect', { x: left, y: y + 3, width: Math.max(na ? 0 : 1, t * barW), height: rowH - 6, fill: na ? '#ddd' : color(t), rx: 2 }));
    g.append(el('text', { x: left + (na ? 0 : t * barW) + 6, y: y + 15, class: 'value' }, fmt(f.unit, r.fig)));
    svg.append(g);
  });
  const nat = data.national[figure];
  const natText = figure === 'mobileCounties'
    ? `Whole country: ${data.nationalCounties.toLocaleString('en')} counties visited by mobile museums.`
    : `Whole country (systemStats): ${fmt(f.unit, nat)}.`;
  root.replaceChildren(
    header(root, figure),
    Object.assign(document.createElement('p'), { className: 'national', textContent: natText }),
    svg,
    Object.assign(document.createElement('p'), {
      className: 'note',
      textContent: 'Bars: the provinces sorted by the figure, darker for higher; n/a where the province has no place of that level (municipalities have no prefectures) or no county a mobile museum visited. Figures are computed from the graph when this page loads; generated records count (see the graph view for which ones are generated).',
    }),
  );
  // The names are right-aligned to the bars: a name longer than the
  // left margin ("Xinjiang Production and Construction Corps 新疆生产建设兵团")
  // would start left of the drawing. Now that the chart is in the page its
  // text has a size: widen the view box to the left to hold the longest.
  const minX = Math.min(0, ...[...svg.querySelectorAll('text.name')].map((t) => t.getBBox().x));
  if (minX < 0) {
    const x = Math.floor(minX) - 4;
    svg.setAttribute('viewBox', `${x} 0 ${W - x} ${rows.length * rowH + 10}`);
    svg.setAttribute('width', W - x);
  }
}

function header(root, figure) {
  const wrap = document.createElement('div');
  wrap.className = 'coverage-head';
  const h2 = document.createElement('h2');
  h2.textContent = 'Coverage by province';
  const sel = document.createElement('select');
  sel.id = 'coverage-figure';
  for (const [k, f] of Object.entries(FIGURES)) {
    const o = document.createElement('option');
    o.value = k;
    o.textContent = f.title;
    sel.append(o);
  }
  sel.value = figure;
  sel.addEventListener('change', () => render(root, cache, sel.value));
  wrap.append(h2, sel);
  return wrap;
}

// showCoverage fills root with the chart (reading the figures the first
// time).
export async function showCoverage(root, provinces, busy) {
  if (cache) {
    if (!root.querySelector('#coverage-chart')) render(root, cache, 'prefecture');
    return;
  }
  root.textContent = 'Reading the coverage figures…';
  const data = await busy('Reading the coverage figures', () => load(provinces));
  if (!data) {
    root.textContent = 'The coverage figures could not be read (see the status line).';
    return;
  }
  cache = data;
  render(root, cache, 'prefecture');
}
