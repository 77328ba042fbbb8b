"""Computes the measures kepugraph's analysis package computes, with networkx,
on the graphs TestNetworkx writes: reads a JSON file (argv[1]) of graphs and
writes a JSON answer to stdout.

Input: {"graphs": [{"name", "n", "edges": [[i, j, w], ...], "measures": [...],
"pairs": [[s, t], ...], "partitions": {algorithm: [[i, ...], ...]}}]}; nodes
are 0..n-1. The answer has, per graph, each measure and "modularity": the
modularity of each given partition.
"""
import json
import sys

import networkx as nx


def pagerank(G):
    """networkx's PageRank; its pure-Python form when numpy/scipy are missing."""
    try:
        import scipy  # noqa: F401
        return nx.pagerank(G, alpha=0.85, tol=1e-13, max_iter=100000, weight="weight")
    except ImportError:
        from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python
        return _pagerank_python(G, alpha=0.85, tol=1e-13, max_iter=100000, weight="weight")


def main():
    spec = json.load(open(sys.argv[1]))
    out = {}
    for g in spec["graphs"]:
        G = nx.Graph()
        G.add_nodes_from(range(g["n"]))
        for i, j, w in g["edges"]:
            G.add_edge(i, j, weight=w)
        res = {}
        m = g["measures"]
        if "PAGERANK" in m:
            pr = pagerank(G)
            res["PAGERANK"] = [pr[i] for i in range(g["n"])]
        if "BETWEENNESS" in m:
            b = nx.betweenness_centrality(G, normalized=True, weight=None)
            res["BETWEENNESS"] = [b[i] for i in range(g["n"])]
        if "CLOSENESS" in m:
            c = nx.closeness_centrality(G)
            res["CLOSENESS"] = [c[i] for i in range(g["n"])]
        if "DEGREE" in m:
            d = nx.degree_centrality(G)
            res["DEGREE"] = [d[i] for i in range(g["n"])]
        if "CONNECTED_COMPONENTS" in m:
            res["CONNECTED_COMPONENTS"] = sorted(sorted(c) for c in nx.connected_components(G))
        if "EIGENVECTOR" in m:
            # As kepugraph's: at most 1,000 rounds, stop below n·1e-9.
            # null when networkx raises PowerIterationFailedConvergence.
            try:
                e = nx.eigenvector_centrality(G, max_iter=1000, tol=1e-9, weight="weight")
                res["EIGENVECTOR"] = [e[i] for i in range(g["n"])]
            except nx.PowerIterationFailedConvergence:
                res["EIGENVECTOR"] = None
        if g.get("partitions"):
            # Without an edge networkx divides by zero; kepugraph answers 0
            # (its documented convention for a graph without a relationship).
            res["modularity"] = {
                alg: nx.community.modularity(G, [set(c) for c in comms], weight="weight")
                if G.number_of_edges() > 0 else 0.0
                for alg, comms in g["partitions"].items()
            }
        if "LOUVAIN" in m:
            comms = nx.community.louvain_communities(G, weight="weight", seed=1)
            res["LOUVAIN"] = nx.community.modularity(G, comms, weight="weight")
        if g.get("pairs"):
            lengths = []
            for s, t in g["pairs"]:
                try:
                    lengths.append(nx.shortest_path_length(G, s, t))
                except nx.NetworkXNoPath:
                    lengths.append(-1)
            res["pairs"] = lengths
        out[g["name"]] = res
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
