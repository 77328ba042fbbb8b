// Builds the explorer pages into dist/: the GraphiQL explorer (app.js,
// app.css, index.html, served at /) and the graph view (graph.js, graph.css,
// graph.html, served at /graph).
// Run with `npm run build` (or `make web` from the repository root).
import * as esbuild from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
await mkdir(dist, { recursive: true });

await esbuild.build({
  entryPoints: { app: path.join(here, 'src', 'index.jsx'), graph: path.join(here, 'src', 'graph', 'main.js') },
  outdir: dist,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  jsx: 'automatic',
  loader: { '.js': 'jsx', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
  assetNames: 'assets/[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'linked',
  logLevel: 'info',
});

const page = (title, css, body, js) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${css}">
${body.style}
</head>
<body>
${body.html}
<script type="module" src="${js}"></script>
</body>
</html>
`;

// The explorer links to the graph view from a corner of the page.
await writeFile(path.join(dist, 'index.html'), page('kepugraph explorer', '/app.css', {
  style: `<style>html, body, #graphiql { height: 100%; margin: 0; }
#graph-link { position: fixed; right: 14px; bottom: 10px; z-index: 20; font: 13px system-ui, sans-serif; padding: 4px 10px; border-radius: 4px; background: #1d2b3a; color: #fff; text-decoration: none; opacity: .9; }
#graph-link:hover { opacity: 1; }</style>`,
  html: `<div id="graphiql">Loading the explorer…</div>
<a id="graph-link" href="/graph">Graph view →</a>`,
}, '/app.js'));

await writeFile(path.join(dist, 'graph.html'), page('kepugraph graph view', '/graph.css', {
  style: '',
  html: '<noscript>The graph view needs JavaScript.</noscript>',
}, '/graph.js'));
