// Builds the GraphiQL explorer into dist/: app.js, app.css and index.html.
// Run with `npm run build` (or `make web` from the repository root).
import * as esbuild from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
await mkdir(dist, { recursive: true });

await esbuild.build({
  entryPoints: { app: path.join(here, 'src', 'index.jsx') },
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

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kepugraph explorer</title>
<link rel="stylesheet" href="/app.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading the explorer…</div>
<script type="module" src="/app.js"></script>
</body>
</html>
`;
await writeFile(path.join(dist, 'index.html'), html);
