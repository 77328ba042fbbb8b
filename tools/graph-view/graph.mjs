// graph.mjs drives Debian's Chromium with Playwright through the graph view
// of a running kepugraph server (BASE_URL): from the explorer's link to
// /graph, a search, a neighborhood, a double-click expansion, the side
// panel, a shortest path, the filters, the exports (read back with
// graphology's GEXF and GraphML parsers), a selection of 5,000 nodes or
// more with its drawing settings and frame times (requestAnimationFrame
// intervals and the browser's CPU time per frame, from /proc), and the
// coverage view. Any request to a host
// other than the loopback is aborted and recorded. It writes a screenshot
// of each view into OUT_DIR (the exported files go to a temporary
// directory) and prints one JSON object with what it saw;
// the Go test (TestBrowserGraphView) judges it.
//
// usage: node graph.mjs BASE_URL OUT_DIR
// CHROMIUM (default /usr/bin/chromium) names the browser.
import { chromium } from 'playwright-core';
import Graph from 'graphology';
import gexf from 'graphology-gexf';
import graphml from 'graphology-graphml';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [base, outDir] = process.argv.slice(2);
if (!base || !outDir) {
  console.error('usage: node graph.mjs BASE_URL OUT_DIR');
  process.exit(2);
}
const search = process.env.SEARCH_TEXT || 'Beijing Science Center';
const loopback = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const out = { consoleErrors: [], external: [], failed: [], steps: [] };
const step = (name, data = {}) => out.steps.push({ step: name, ...data });

// The exported files go to a directory of their own, removed at the end.
const downloads = await mkdtemp(path.join(os.tmpdir(), 'kepugraph-graph-view-'));
// Playwright's 30 s defaults (the launch, and every navigation, click or
// wait given no timeout below) are hang guards: three minutes, as the
// longest waits for a condition.
const browser = await chromium.launch({
  timeout: 180000,
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ],
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, acceptDownloads: true });
  context.setDefaultTimeout(180000);
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if ((u.protocol === 'http:' || u.protocol === 'https:') && !loopback.has(u.hostname)) {
      out.external.push(u.href);
      return route.abort();
    }
    return route.continue();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') out.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => out.consoleErrors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => out.failed.push(`${r.failure() && r.failure().errorText} ${r.method()} ${r.url()} ${(r.postData() || '').slice(0, 80)} (after step ${out.steps.length})`));
  page.on('response', (r) => {
    if (r.status() >= 400) out.failed.push(`${r.status()} ${r.url()}`);
  });

  // The waits for a condition allow one to three minutes: only the
  // condition matters, and a loaded machine (go test under nice at a load
  // average of 30) draws and answers many times slower than an idle one.
  const kg = (fn, arg) => page.evaluate(fn, arg);
  const counts = () => kg(() => {
    const { graph, state } = window.kepugraph;
    return { order: graph.order, size: graph.size, text: document.querySelector('#counts').textContent, selected: state.selected };
  });
  // at returns where a node is drawn, in page pixels, with the layout
  // stopped (so that it stays there).
  const at = async (id) => {
    // The node is brought to the middle of the canvas (away from the side
    // panel), the layout stopped so that it stays there. sigma finds the
    // node under the mouse in what it last drew: wait for two frames
    // after the camera's last move, so that the render it scheduled has
    // run (a fixed 150 ms need not cover a frame of a loaded machine).
    await kg(async (id) => {
      const { renderer, stopLayout } = window.kepugraph;
      stopLayout();
      const d = renderer.getNodeDisplayData(id);
      await renderer.getCamera().animate({ x: d.x, y: d.y }, { duration: 100 });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    }, id);
    const p = await kg((id) => {
      const r = window.kepugraph.renderer;
      const a = window.kepugraph.graph.getNodeAttributes(id);
      return r.graphToViewport({ x: a.x, y: a.y });
    }, id);
    const box = await page.locator('#sigma').boundingBox();
    return { x: box.x + p.x, y: box.y + p.y };
  };
  // hoverCheck moves the mouse onto the node and returns whether sigma
  // sees that node under it (waited for up to 15 s, not a fixed 100 ms).
  const hoverCheck = async (id) => {
    const p = await at(id);
    await page.mouse.move(p.x, p.y);
    await page.waitForFunction((id) => window.kepugraph.state.hovered === id, id, { timeout: 60000 }).catch(() => {});
    const hovered = await kg(() => window.kepugraph.state.hovered);
    return { p, ok: hovered === id, hovered };
  };

  // 1. The explorer links to the graph view.
  // The explorer (GraphiQL) reads the schema first: leaving before its
  // answer would abort that request (a failed request, as at load 17).
  const schemaRead = page.waitForResponse((r) => r.url().endsWith('/query') && (r.request().postData() || '').includes('IntrospectionQuery'), { timeout: 180000 });
  await page.goto(base + '/', { waitUntil: 'networkidle' });
  await schemaRead;
  await page.click('#graph-link');
  await page.waitForURL('**/graph');
  await page.waitForFunction(() => window.kepugraph && window.kepugraph.ready, null, { timeout: 120000 });
  step('graph page', { url: page.url(), title: await page.title(), webgl: await kg(() => !!document.createElement('canvas').getContext('webgl2')) });

  // 2. Search, pick the first result: its neighborhood.
  await page.fill('#search', search);
  await page.waitForSelector('#results .result', { timeout: 60000 });
  const first = await page.locator('#results .result').first();
  const firstID = await first.getAttribute('data-id');
  const firstName = await first.locator('.name').textContent();
  await first.click();
  await page.waitForFunction((id) => window.kepugraph.graph.hasNode(id) && window.kepugraph.graph.order > 1 && window.kepugraph.state.selected === id, firstID, { timeout: 60000 });
  await page.waitForSelector('#panel:not([hidden]) #panel-name');
  const afterSearch = await counts();
  step('search and neighborhood', {
    text: search,
    id: firstID,
    name: firstName,
    ...afterSearch,
    neighbors: await kg((id) => window.kepugraph.graph.neighbors(id).length, firstID),
    panelName: await page.textContent('#panel-name'),
  });
  await page.waitForTimeout(1500);

  // 3. Double-click a neighbor: its neighborhood is added. The neighbor
  // with the most relationships in the API's view is unknown, so the page's
  // places come first (they have the most neighbors), else the first.
  const target = await kg((id) => {
    const g = window.kepugraph.graph;
    const ns = g.neighbors(id);
    const rank = { Province: 0, Prefecture: 1, County: 2 };
    ns.sort((a, b) => (rank[g.getNodeAttribute(a, 'kind')] ?? 9) - (rank[g.getNodeAttribute(b, 'kind')] ?? 9) || a.localeCompare(b));
    return ns[0];
  }, firstID);
  // sigma.js takes two clicks within 300 ms for a double-click: on a busy
  // machine the page may see them further apart, so up to three tries.
  const before = await counts();
  let hov;
  let tries = 0;
  while (tries < 3) {
    tries++;
    hov = await hoverCheck(target);
    await page.mouse.dblclick(hov.p.x, hov.p.y);
    const grew = await page.waitForFunction((n) => window.kepugraph.graph.order > n, before.order, { timeout: 60000 }).then(() => true, () => false);
    if (grew) break;
  }
  const afterExpand = await counts();
  step('double-click expands', { target, targetName: await kg((id) => window.kepugraph.graph.getNodeAttribute(id, 'label'), target), hoveredBeforeDoubleClick: hov.ok, tries, before: before.order, ...afterExpand });
  await page.waitForTimeout(2500);

  // 4. The side panel: click the expanded node.
  const p4 = await hoverCheck(target);
  await page.mouse.click(p4.p.x, p4.p.y);
  await page.waitForFunction((id) => window.kepugraph.state.selected === id, target, { timeout: 60000 }).catch(() => {});
  await page.waitForFunction(() => !document.querySelector('#panel-place').textContent.startsWith('…'), null, { timeout: 120000 }).catch(() => {});
  step('side panel', {
    selected: await kg(() => window.kepugraph.state.selected),
    name: await page.textContent('#panel-name'),
    provenance: await page.textContent('#panel-provenance'),
    place: await page.textContent('#panel-place'),
    properties: await page.locator('#panel table.props tr').count(),
  });
  // A generated record is marked as such in the panel.
  const generated = await kg(() => window.kepugraph.graph.findNode((n, a) => a.props.provenance === 'GENERATED'));
  if (generated) {
    await kg((id) => window.kepugraph.selectNode(id), generated);
    step('generated record', {
      id: generated,
      marked: await page.locator('#panel-provenance.is-generated').count(),
      text: await page.textContent('#panel-provenance'),
    });
  } else {
    step('generated record', { id: null });
  }

  // 5. Shortest path: the searched node to a node two steps away, both
  // picked with the mouse and the panel's buttons.
  const far = await kg(([a, via]) => {
    const g = window.kepugraph.graph;
    const near = new Set(g.neighbors(a));
    return g.neighbors(via).filter((n) => n !== a && !near.has(n)).sort()[0] || null;
  }, [firstID, target]);
  const picked = [];
  for (const [id, button] of [[firstID, '#panel-path-from'], [far, '#panel-path-to']]) {
    const q = await hoverCheck(id);
    await page.mouse.click(q.p.x, q.p.y);
    await page.waitForFunction((id) => window.kepugraph.state.selected === id, id, { timeout: 60000 }).catch(() => {});
    picked.push({ id, hovered: q.ok, selected: await kg(() => window.kepugraph.state.selected) });
    await page.click(button, { timeout: 60000 });
  }
  await page.waitForSelector('#path-length', { timeout: 120000 }).catch(() => {});
  await page.waitForFunction(() => !document.body.classList.contains('busy'), null, { timeout: 120000 }).catch(() => {});
  await page.waitForTimeout(2000);
  await kg(() => window.kepugraph.stopLayout());
  step('shortest path', {
    picked,
    from: firstID,
    to: far,
    text: await page.textContent('#path-result').catch(() => ''),
    pathNodes: await kg(() => [...window.kepugraph.state.pathNodes]),
    pathEdges: await kg(() => window.kepugraph.state.pathEdges.size),
  });
  // The whole view, the path highlighted, the panel on the path's end.
  await kg(() => window.kepugraph.renderer.getCamera().animatedReset({ duration: 100 }));
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(outDir, 'graph-view.png') });

  // 6. Filters.
  const shown = async () => kg(() => {
    const t = document.querySelector('#counts').textContent.match(/^([\d,]+) nodes · ([\d,]+) relationships/);
    return { nodes: Number(t[1].replace(/,/g, '')), edges: Number(t[2].replace(/,/g, '')) };
  });
  const f0 = await shown();
  await page.uncheck('#provenances input[value=GENERATED]');
  const fGen = await shown();
  await page.check('#provenances input[value=GENERATED]');
  const rel = await page.locator('#rels input').first().getAttribute('value');
  await page.uncheck(`#rels input[value=${rel}]`);
  const fRel = await shown();
  await page.check(`#rels input[value=${rel}]`);
  const codes = await page.locator('#province option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  let fProv = null;
  if (codes.length) {
    await page.selectOption('#province', codes[0]);
    fProv = { code: codes[0], ...(await shown()) };
    await page.selectOption('#province', '');
  }
  step('filters', { all: f0, withoutGenerated: fGen, withoutRelationship: { rel, ...fRel }, province: fProv, after: await shown() });

  // 7. Appearance: communities, PageRank sizes.
  await page.selectOption('#color-by', 'community');
  const legend = await page.textContent('#legend');
  await page.selectOption('#color-by', 'label');
  await page.selectOption('#size-by', 'PAGERANK');
  await page.waitForFunction(() => !document.body.classList.contains('busy'), null, { timeout: 120000 });
  const sizes = await kg(() => window.kepugraph.graph.mapNodes((n, a) => a.size));
  step('appearance', { communityLegend: legend, pagerankSizes: new Set(sizes).size, status: await page.textContent('#status') });
  await page.selectOption('#size-by', 'degree');

  // 8. Exports of the view, read back.
  const viewCount = await shown();
  const save = async (button) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    const file = path.join(downloads, dl.suggestedFilename());
    await dl.saveAs(file);
    return file;
  };
  const gexfFile = await save('#export-gexf');
  const g1 = gexf.parse(Graph, await readFile(gexfFile, 'utf8'));
  const graphmlFile = await save('#export-graphml');
  const g2 = graphml.parse(Graph, await readFile(graphmlFile, 'utf8'));
  const pngFile = await save('#export-png');
  const png = await readFile(pngFile);
  const someNode = g2.nodes()[0];
  step('exports', {
    view: viewCount,
    gexf: { nodes: g1.order, edges: g1.size, sample: g1.getNodeAttributes(g1.nodes()[0]) },
    graphml: { nodes: g2.order, edges: g2.size, sample: someNode ? g2.getNodeAttributes(someNode) : null },
    png: { bytes: png.length, signature: png.subarray(1, 4).toString('latin1') },
  });

  // 9. 5,000 nodes or more: a selection, laid out, then frame times while
  // the camera moves (a scripted animation: zoom in, pan, zoom out and turn,
  // back), while the mouse drags and wheels the view, and while the layout
  // runs. The camera is measured in rounds that alternate the page's two
  // ways of drawing (drawFor: 'detailed', what every view used before, and
  // 'fast', what a large view now uses), in this one browser.
  await page.click('#clear');
  // cpu returns the CPU time (ms) so far of the browser's processes by
  // type (gpu-process, renderer, ...), from /proc (Linux): the children of
  // this node process.
  const cpu = () => {
    const out = {};
    try {
      const procs = new Map();
      for (const p of readdirSync('/proc')) {
        if (!/^\d+$/.test(p)) continue;
        try {
          const st = readFileSync(`/proc/${p}/stat`, 'utf8');
          const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
          const type = (readFileSync(`/proc/${p}/cmdline`, 'utf8').match(/--type=([a-z-]+)/) || [])[1] || 'browser';
          procs.set(Number(p), { ppid: Number(f[1]), ms: ((Number(f[11]) + Number(f[12])) * 1000) / 100, type });
        } catch {
          // the process ended meanwhile
        }
      }
      const walk = (pid) => {
        for (const [c, v] of procs) {
          if (v.ppid !== pid) continue;
          out[v.type] = (out[v.type] || 0) + v.ms;
          walk(c);
        }
      };
      walk(process.pid);
    } catch {
      // no /proc: no CPU figures
    }
    return out;
  };
  const summary = (times) => {
    const d = times.slice(2).sort((a, b) => a - b);
    const q = (p) => d[Math.min(d.length - 1, Math.floor(p * d.length))];
    const mean = d.reduce((s, x) => s + x, 0) / d.length;
    return { frames: d.length, meanMs: mean, medianMs: q(0.5), p95Ms: q(0.95), maxMs: d[d.length - 1], fps: 1000 / q(0.5) };
  };
  // measure runs fn (in the page, or here when it is a function of the
  // page) while recording requestAnimationFrame intervals, and returns
  // their summary with the browser's CPU time per frame.
  const startFrames = () => kg(() => {
    window.__frames = { times: [], last: performance.now(), go: true };
    const tick = (t) => {
      const f = window.__frames;
      f.times.push(t - f.last);
      f.last = t;
      if (f.go) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const stopFrames = () => kg(() => {
    window.__frames.go = false;
    return window.__frames.times;
  });
  const measure = async (fn) => {
    const c0 = cpu();
    await startFrames();
    await fn();
    const s = summary(await stopFrames());
    const c1 = cpu();
    s.cpuMsPerFrame = Object.fromEntries(Object.keys(c1).map((k) => [k, (c1[k] - (c0[k] || 0)) / s.frames]));
    // The page's own share of a frame: sigma's render() on the main thread
    // (the WebGL work it queues runs in the GPU process).
    s.renderMs = await kg(() => {
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) window.kepugraph.renderer.render();
      return (performance.now() - t0) / 20;
    });
    return s;
  };
  const cameraMove = () => kg(async () => {
    const cam = window.kepugraph.renderer.getCamera();
    await cam.animate({ ratio: 0.4, x: 0.4, y: 0.6 }, { duration: 1500 });
    await cam.animate({ ratio: 1.2, x: 0.6, y: 0.4, angle: 0.3 }, { duration: 1500 });
    await cam.animate({ ratio: 1, x: 0.5, y: 0.5, angle: 0 }, { duration: 1000 });
  });
  const box = await page.locator('#sigma').boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  // mouseMove drags the view around and zooms it with the wheel, as a
  // user does (sigma's mouse captor, not the camera's animations).
  const mouseMove = async () => {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 1; i <= 40; i++) await page.mouse.move(cx + 6 * i, cy + 3 * i);
    for (let i = 39; i >= 0; i--) await page.mouse.move(cx + 6 * i, cy + 3 * i);
    await page.mouse.up();
    for (let i = 0; i < 10; i++) {
      await page.mouse.wheel(0, -120);
      await page.waitForTimeout(60);
    }
    for (let i = 0; i < 10; i++) {
      await page.mouse.wheel(0, 120);
      await page.waitForTimeout(60);
    }
    await page.mouse.move(2, 2);
  };
  const emptyCamera = await measure(cameraMove);
  for (const l of ['Museum', 'County']) await page.check(`#load-labels input[value=${l}]`);
  await page.selectOption('#load-where-label', 'Museum');
  await page.fill('#load-where', '{"kind":{"in":["STANDARD","MOBILE","RURAL_SCHOOL"]}}');
  const t0 = Date.now();
  await page.click('#load');
  await page.waitForFunction(() => window.kepugraph.graph.order >= 5000 && !document.body.classList.contains('busy'), null, { timeout: 180000 });
  const loadMs = Date.now() - t0;
  // The large view is drawn fast on its own; its settings as the renderer
  // holds them.
  const auto = await kg(() => {
    const k = window.kepugraph;
    const s = k.renderer.getSettings();
    const pick = ['defaultNodeType', 'defaultEdgeType', 'hideEdgesOnMove', 'hideLabelsOnMove', 'renderEdgeLabels', 'zIndex', 'labelRenderedSizeThreshold', 'labelGridCellSize'];
    return { drawing: k.drawFor(), settings: Object.fromEntries(pick.map((n) => [n, s[n]])) };
  });
  // A drag stops the layout of a large view.
  const layoutBeforeDrag = await kg(() => {
    window.kepugraph.runLayout(60000);
    return window.kepugraph.layoutRunning();
  });
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + 30, cy + 20, { steps: 5 });
  await page.mouse.up();
  const layoutAfterDrag = await kg(() => window.kepugraph.layoutRunning());
  // The mouse leaves the view, so that no node is hovered (a hovered node
  // hides the relationships of the others).
  await page.mouse.move(2, 2);
  await kg(() => window.kepugraph.stopLayout());
  const { order, size } = await counts();
  const drawn = await kg(() => {
    const r = window.kepugraph.renderer;
    let nodes = 0;
    let edges = 0;
    window.kepugraph.graph.forEachNode((n) => {
      if (!r.getNodeDisplayData(n).hidden) nodes++;
    });
    window.kepugraph.graph.forEachEdge((e) => {
      if (!r.getEdgeDisplayData(e).hidden) edges++;
    });
    return { nodes, edges };
  });
  const rounds = Number(process.env.FRAME_ROUNDS || 3);
  const camera = { detailed: [], fast: [] };
  for (let i = 0; i < rounds; i++) {
    for (const mode of i % 2 ? ['fast', 'detailed'] : ['detailed', 'fast']) {
      await kg((mode) => {
        window.kepugraph.drawFor(mode);
        window.kepugraph.renderer.refresh();
      }, mode);
      await page.waitForTimeout(300);
      camera[mode].push(await measure(cameraMove));
    }
  }
  await kg(() => {
    window.kepugraph.drawFor();
    window.kepugraph.renderer.refresh();
  });
  const mouse = await measure(mouseMove);
  const layout = await measure(async () => {
    await kg(() => window.kepugraph.runLayout(4000));
    await page.waitForTimeout(4000);
  });
  await kg(() => window.kepugraph.runLayout(6000));
  await page.waitForTimeout(6500);
  await kg(() => window.kepugraph.renderer.getCamera().animatedReset({ duration: 50 }));
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(outDir, 'graph-view-5000.png') });
  step('5000 nodes', {
    nodes: order,
    edges: size,
    drawn,
    loadMs,
    ...auto,
    layoutBeforeDrag,
    layoutAfterDrag,
    emptyCamera,
    camera,
    mouse,
    layout,
    gpu: await kg(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const x = gl && gl.getExtension('WEBGL_debug_renderer_info');
      return x ? gl.getParameter(x.UNMASKED_RENDERER_WEBGL) : '';
    }),
    cores: await kg(() => navigator.hardwareConcurrency),
    loadavg: os.loadavg(),
  });

  // 10. The coverage view, opened while the 5,000 nodes are being laid
  // out: the hidden graph view has no size, and sigma drawing into it
  // would throw at each layout step (a console error); the layout waits
  // for the graph view instead.
  await kg(() => window.kepugraph.runLayout(60000));
  await page.click('#tab-coverage');
  await page.waitForSelector('#coverage-chart .bar', { timeout: 120000 });
  await page.waitForTimeout(1000);
  const layoutWhileHidden = await kg(() => window.kepugraph.layoutRunning());
  const bars = async () => page.locator('#coverage-chart .bar').evaluateAll((bs) => bs.map((b) => ({ code: b.dataset.code, value: b.dataset.value })));
  const pre = await bars();
  // Province names drawn (partly) outside the chart: none may be.
  const clipped = await page.evaluate(() => {
    const box = document.querySelector('#coverage-chart').getBoundingClientRect();
    return [...document.querySelectorAll('#coverage-chart text.name')]
      .filter((t) => { const r = t.getBoundingClientRect(); return r.left < box.left - 0.5 || r.right > box.right + 0.5; })
      .map((t) => t.textContent);
  });
  const nationalPrefecture = await page.textContent('#coverage-view .national');
  await page.screenshot({ path: path.join(outDir, 'coverage-view.png'), fullPage: true });
  await page.selectOption('#coverage-figure', 'tours');
  const tours = await bars();
  const nationalTours = await page.textContent('#coverage-view .national');
  // Back to the graph view: the layout that waited runs again.
  await page.click('#tab-graph');
  await page.waitForSelector('#graph-view:not([hidden])');
  const layoutBack = await kg(() => window.kepugraph.layoutRunning());
  await kg(() => window.kepugraph.stopLayout());
  step('coverage', { prefecture: pre, tours, clipped, nationalPrefecture, nationalTours, layoutWhileHidden, layoutBack });
} catch (e) {
  out.error = String(e && e.stack ? e.stack : e);
} finally {
  await browser.close();
  await rm(downloads, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
