// Loads a file written by kepugraph's /export with the JavaScript reader
// people use for its format, and prints what the reader saw as JSON:
//
//   node read.mjs <format> <file> [--edges] [nodeID ...]
//
// format is graphml (graphology-graphml), gexf (graphology-gexf),
// graphology (graphology's Graph.from) or cytoscape (Cytoscape.js,
// headless). The output is {"type": graphology's graph type (not for
// cytoscape), "nodes": N, "edges": M, "multi": bool,
// "attributes": {nodeID: {name: value}}} for the node IDs given, and with
// --edges "edgeAttributes": {edgeID: {name: value}} for every edge (the
// reader's edge attributes, or Cytoscape.js's edge data); the export tests
// compare it with the store. A file the reader rejects exits
// with status 1 and the reader's error.
import { readFileSync } from 'node:fs';
import graphology from 'graphology';
import graphml from 'graphology-graphml';
import gexf from 'graphology-gexf';
import cytoscape from 'cytoscape';

const { MultiDirectedGraph } = graphology;
const [format, file, ...args] = process.argv.slice(2);
const edges = args.includes('--edges');
const ids = args.filter((a) => a !== '--edges');
if (!format || !file) {
  console.error('usage: node read.mjs <graphml|gexf|graphology|cytoscape> <file> [--edges] [nodeID ...]');
  process.exit(2);
}
const text = readFileSync(file, 'utf8');
const out = { nodes: 0, edges: 0, multi: false, attributes: {} };
if (edges) out.edgeAttributes = {};

function fromGraph(graph) {
  out.type = graph.type;
  out.nodes = graph.order;
  out.edges = graph.size;
  out.multi = graph.multi;
  for (const id of ids) {
    out.attributes[id] = graph.hasNode(id) ? graph.getNodeAttributes(id) : null;
  }
  if (edges) {
    graph.forEachEdge((key, attributes) => {
      out.edgeAttributes[key] = attributes;
    });
  }
}

try {
  switch (format) {
    case 'graphml':
      fromGraph(graphml.parse(MultiDirectedGraph, text));
      break;
    case 'gexf':
      // respectInputGraphType: graphology-gexf (0.13.2) guesses the
      // graph's type from the first edge and ignores defaultedgetype, so a
      // file without edges (labels=Province) would be "mixed", which a
      // MultiDirectedGraph refuses; with it the graph is the class's type,
      // and an edge that is not directed is an error.
      fromGraph(gexf.parse(MultiDirectedGraph, text, { respectInputGraphType: true }));
      break;
    case 'graphology':
      fromGraph(graphology.from(JSON.parse(text)));
      break;
    case 'cytoscape': {
      const cy = cytoscape({ headless: true, styleEnabled: false });
      cy.json(JSON.parse(text));
      out.nodes = cy.nodes().length;
      out.edges = cy.edges().length;
      out.multi = true;
      for (const id of ids) {
        const n = cy.getElementById(id);
        out.attributes[id] = n.nonempty() ? n.data() : null;
      }
      if (edges) {
        cy.edges().forEach((e) => {
          out.edgeAttributes[e.id()] = e.data();
        });
      }
      break;
    }
    default:
      console.error(`unknown format ${format}`);
      process.exit(2);
  }
} catch (err) {
  console.error(`${format}: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(out) + '\n');
