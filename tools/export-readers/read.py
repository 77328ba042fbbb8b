"""Loads files written by kepugraph's /export with the Python readers people
use, and prints what they saw as JSON:

    python3 read.py <format> <file> [--edges] [nodeID ...]

format is graphml, gexf or cytoscape (networkx.read_graphml,
networkx.read_gexf, networkx.cytoscape_graph) or
csv (the zip of nodes.csv and edges.csv, read with the csv module). The
output is {"nodes": N, "edges": M, "columns": {...} (csv only),
"attributes": {nodeID: {name: [value, python type name]}}} for the node IDs
given, and with --edges "edgeAttributes": {edgeID: {name: [value, python
type name]}} for every edge (the reader's edge data but its ends); the
export tests compare it with the store. A file the reader
rejects exits with status 1 and the reader's error.
"""

import csv
import io
import json
import sys
import zipfile


def unescape(cell):
    """Undoes the export's formula-injection escaping: a text cell that
    started with = + - @ a tab, a carriage return or ' got a ' in front."""
    return cell[1:] if cell.startswith("'") else cell


def typed(attrs):
    return {k: [v, type(v).__name__] for k, v in attrs.items()}


def main():
    if len(sys.argv) < 3:
        print("usage: python3 read.py <graphml|gexf|cytoscape|csv> <file> [--edges] [nodeID ...]", file=sys.stderr)
        return 2
    fmt, path, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
    edges = "--edges" in ids
    ids = [i for i in ids if i != "--edges"]
    out = {"nodes": 0, "edges": 0, "attributes": {}}
    if edges:
        out["edgeAttributes"] = {}
    if fmt in ("graphml", "gexf", "cytoscape"):
        import networkx as nx

        out["networkx"] = nx.__version__
        if fmt == "graphml":
            g = nx.read_graphml(path)
        elif fmt == "cytoscape":
            with open(path, encoding="utf-8") as f:
                g = nx.cytoscape_graph(json.load(f))
        else:
            g = nx.read_gexf(path, version="1.3")
        out["nodes"] = g.number_of_nodes()
        out["edges"] = g.number_of_edges()
        out["directed"] = g.is_directed()
        for i in ids:
            out["attributes"][i] = typed(g.nodes[i]) if i in g else None
        if edges:
            for u, v, *rest in (g.edges(keys=True, data=True) if g.is_multigraph() else g.edges(data=True)):
                data = rest[-1]
                key = data.get("id", rest[0] if len(rest) == 2 else None)
                out["edgeAttributes"][key] = typed(data)
    elif fmt == "csv":
        with zipfile.ZipFile(path) as z:
            tables = {}
            for name in ("nodes.csv", "edges.csv"):
                with z.open(name) as f:
                    tables[name] = [{k: unescape(v) for k, v in r.items()}
                                    for r in csv.DictReader(io.TextIOWrapper(f, encoding="utf-8", newline=""))]
        out["nodes"] = len(tables["nodes.csv"])
        out["edges"] = len(tables["edges.csv"])
        out["columns"] = {name: list(rows[0].keys()) if rows else [] for name, rows in tables.items()}
        by_id = {r["Id"]: r for r in tables["nodes.csv"]}
        for i in ids:
            out["attributes"][i] = typed({k: v for k, v in by_id[i].items() if v != ""}) if i in by_id else None
        if edges:
            for r in tables["edges.csv"]:
                out["edgeAttributes"][r["Id"]] = typed({k: v for k, v in r.items() if v != ""})
    else:
        print("unknown format " + fmt, file=sys.stderr)
        return 2
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except Exception as e:  # the reader rejected the file
        print("%s: %s: %s" % (sys.argv[1], type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
