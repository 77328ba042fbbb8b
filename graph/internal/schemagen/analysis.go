package main

// analysisQueries are the research fields of Query (package analysis
// computes them).
const analysisQueries = `  """The first shortest path between two nodes, walking relationships in either direction (only the given types when relationships is set; an empty list: BAD_USER_INPUT, leave it out for every type), of at most maxHops (0–10; 0 finds only the path from a node to itself) relationships; null when there is none; NOT_FOUND (naming from or to) when an end names no node, as every field whose argument names a node. Paths are ordered by the IDs of their nodes, then relationship types and directions. BAD_USER_INPUT for maxHops outside 0–10."""
  shortestPath(from: ID!, to: ID!, relationships: [RelationshipType!], maxHops: Int = 6): Path
  """All shortest paths between two nodes (see shortestPath), the first n in order (n = first, 0 to the maximum page size (--max-page-size, 100 unless the server sets another); BAD_USER_INPUT outside; 0 gives an empty list after the same checks; without first, 10, or the maximum page size when it is smaller); empty when there is none; NOT_FOUND (naming from or to) when an end names no node."""
  shortestPaths(from: ID!, to: ID!, relationships: [RelationshipType!], maxHops: Int = 6, first: Int = 10): [Path!]!
  """The nodes within hops (0–3, default 1; 0: the node alone, as /export's hops) relationships of a node, walking relationships in either direction (only the given types when relationships is set) through nodes of the given labels only (the start node always; relationships or labels given as an empty list: BAD_USER_INPUT, leave them out for every type or label), at most limit nodes (1–1000, default 100), nearest first then by ID; truncated when the limit left nodes out. BAD_USER_INPUT for hops or limit outside their ranges. NOT_FOUND (naming id) when id names no node, as every field whose argument names a node (the start node is always in its neighbourhood, so the nodes are never empty)."""
  neighborhood(id: ID!, hops: Int = 1, relationships: [RelationshipType!], labels: [NodeLabel!], limit: Int = 100): Subgraph!
  """Nodes ranked by a centrality measure (gonum) on the graph of the given labels and relationship types (default: every label and type; an empty list: BAD_USER_INPUT), or on a bipartite projection, restricted to the nodes located within a place when within is set (a province, prefecture or county: BAD_USER_INPUT for another label, NOT_FOUND when no such place exists); where filters the ranked nodes (a condition on any label, as in NodeWhere). The first n (n = first, 0 to the maximum page size (--max-page-size, 100 unless the server sets another); BAD_USER_INPUT outside; 0 gives an empty list after the same checks; without first, 10, or the maximum page size when it is smaller), highest score first, then by ID. Computed once per graph version (see ScoredNode for the scores)."""
  centrality(algorithm: CentralityAlgorithm!, labels: [NodeLabel!], relationships: [RelationshipType!], projection: Projection, within: ID, where: NodeWhere, first: Int = 10): [ScoredNode!]!
  """A partition of the graph of the given labels and relationship types (default: every label and type; an empty list: BAD_USER_INPUT), or of a bipartite projection, restricted to the nodes located within a place when within is set (BAD_USER_INPUT when it is not a place ID, NOT_FOUND when no such place exists), into communities (gonum), with its modularity. Deterministic: Louvain and label propagation use a fixed seed and node order. Computed once per graph version."""
  communities(algorithm: CommunityAlgorithm!, labels: [NodeLabel!], relationships: [RelationshipType!], projection: Projection, within: ID): CommunityPartition!
  """Which places of a level (within a province or prefecture when within is set) are covered: a place is covered when a museum of one of museumKinds (left out or null: every kind; an empty list: no kind, for the coverage of programs alone) is located in it or covers it or a place inside it (COVERS), or when one of programs (left out, null or empty: none) covers it, a place inside it, or is held there; museumKinds: [] without programs covers no place (every place is uncovered). coverage(level: PREFECTURE, museumKinds: [STANDARD]).covered is the prefecture coverage of systemStats. BAD_USER_INPUT when within is not a place above level or a program is not a program's ID; NOT_FOUND when within or a program names no node."""
  coverage(level: PlaceLevel!, museumKinds: [MuseumKind!], programs: [ID!], within: ID): Coverage!
  """Schools that have no museum partner located in their own prefecture, ranked: the schools whose prefecture has the most museums first, then by ID; in one province when province is set (BAD_USER_INPUT when it is not a province's ID, NOT_FOUND when no such province exists). Paged with first (0 to the maximum page size, --max-page-size, 100 unless the server sets another; without first, that many; first 0 answers only totalCount and pageInfo) and after: see RankedNodeConnection for what a cursor guarantees across writes."""
  schoolsWithoutLocalPartner(province: ID, first: Int, after: String): RankedNodeConnection!
  """Museums of the given kinds (museumKinds left out or null: every kind; an empty list: no kind, so an empty list of museums after the same checks of province) with no school partner, ranked: the museums whose prefecture has the most schools first, then by ID; in one province when province is set (BAD_USER_INPUT when it is not a province's ID, NOT_FOUND when no such province exists). Paged with first (0 to the maximum page size, --max-page-size, 100 unless the server sets another; without first, that many; first 0 answers only totalCount and pageInfo) and after: see RankedNodeConnection for what a cursor guarantees across writes."""
  museumsWithoutSchoolPartner(province: ID, museumKinds: [MuseumKind!], first: Int, after: String): RankedNodeConnection!`

// analysisSchema are the types of the research fields.
const analysisSchema = `"""How a walk follows a relationship: OUT from its from end to its to end, IN against its direction."""
enum WalkDirection {
  OUT
  IN
}

"""One relationship of a path or a subgraph."""
type Relationship {
  "The relationship type."
  type: RelationshipType!
  "How the path walks it (in a subgraph: OUT)."
  direction: WalkDirection!
  "The global ID of its from end."
  from: ID!
  "The global ID of its to end."
  to: ID!
  "The relationship with its ends and properties (since, until, role, tours, ... as its type has)."
  link: Link!
}

"""A walk between two nodes: relationships[i] joins nodes[i] and nodes[i + 1]."""
type Path {
  "The number of relationships."
  length: Int!
  "The nodes, from the start to the end."
  nodes: [Node!]!
  "The relationships, in walking order."
  relationships: [Relationship!]!
}

"""Nodes and the relationships among them that the walk found."""
type Subgraph {
  "Nearest first, then by ID; the start node first."
  nodes: [Node!]!
  "Relationships between two nodes of the subgraph found by the walk (those between two nodes at the largest distance are not walked), by type, from, to."
  relationships: [Relationship!]!
  "Whether the limit left out nodes within the hops."
  truncated: Boolean!
}

"""A centrality measure."""
enum CentralityAlgorithm {
  "Degree / (n − 1): the share of the other nodes a node is joined to (relationships counted once per neighbor; a projection's weights do not count); a network of one node scores it 1 (networkx's degree_centrality)."
  DEGREE
  "PageRank with damping 0.85, each relationship walked in both directions (weighted by the projection's weights), scores summing to 1."
  PAGERANK
  "Shortest-path betweenness, normalized by (n − 1)(n − 2)/2 (as networkx's betweenness_centrality); paths count hops, a projection's weights do not count."
  BETWEENNESS
  "Closeness with the Wasserman–Faust correction for graphs with several components: (r/(n − 1)) · (r / sum of distances to the r reachable nodes) (as networkx's closeness_centrality); distances count hops, a projection's weights do not count."
  CLOSENESS
  "Eigenvector centrality: the principal eigenvector of the adjacency matrix (of A + I, by power iteration from 1/n, at most 1,000 rounds, until the rounds differ by less than n·1e-9 in sum), unit Euclidean norm, weighted by the projection's weights: networkx's eigenvector_centrality(max_iter=1000, tol=1e-9, weight=\"weight\"), same figures (its default, unweighted call differs on a weighted projection). It ranks the nodes of a connected graph. On a graph of several connected components (communities(algorithm: CONNECTED_COMPONENTS) with the same arguments counts them) the principal eigenvector lies on the component with the largest eigenvalue: its nodes share the unit norm and every other node's score is near 0, what the power iteration leaves (networkx gives the same; it is not a ranking of those nodes). For example the MUSEUM_MUSEUM projection has 717 components, and the two museums of its heaviest relationship get 0.707 each and the rest at most 3e-7. To rank the nodes of one region use within; to rank across components use PAGERANK or DEGREE. When 1,000 rounds do not converge (the two largest eigenvalues too close: a chain of 50 nodes already, or several near-equal components), the field answers BAD_USER_INPUT saying so, where networkx raises PowerIterationFailedConvergence; it never returns unconverged scores."
  EIGENVECTOR
}

"""A community detection algorithm."""
enum CommunityAlgorithm {
  "Louvain modularity optimization (gonum community.Modularize, resolution 1, fixed seed)."
  LOUVAIN
  "Label propagation: each node takes the label most of its neighbors have (weighted), in a fixed order, until nothing changes; ties go to the smallest label."
  LABEL_PROPAGATION
  "Connected components."
  CONNECTED_COMPONENTS
}

"""A bipartite projection of the museum–school network (PARTNERS_WITH)."""
enum Projection {
  "Museums, joined when they share a school partner, weighted by the number of schools they share."
  MUSEUM_MUSEUM
  "Schools, joined when they share a museum partner, weighted by the number of museums they share."
  SCHOOL_SCHOOL
}

"""A node with its score."""
type ScoredNode {
  "The score (see CentralityAlgorithm), rounded to 7 significant digits so that every run and backend gives the same figure."
  score: Float!
  "1 for the highest score; equal scores get consecutive ranks in ID order."
  rank: Int!
  node: Node!
}

"""A partition of a graph into communities."""
type CommunityPartition {
  algorithm: CommunityAlgorithm!
  "Newman's modularity Q of the partition (resolution 1; weighted for a projection): the sum over communities of L_c/m − (d_c/2m)², L_c the weight of the relationships inside community c, d_c the sum of its nodes' weighted degrees, m the weight of every relationship (as networkx's community.modularity and gonum's community.Q); 0 without a relationship. Summed in a fixed order: the same bits on every run."
  modularity: Float!
  "The number of communities."
  count: Int!
  "The number of nodes of the graph partitioned."
  nodeCount: Int!
  """The communities, largest first (then by their first member's ID). Paged with first (0 to the maximum page size, --max-page-size, 100 unless the server sets another; without first, that many; first 0 answers only totalCount and pageInfo) and after: see CommunityConnection for what a cursor guarantees across writes."""
  communities(first: Int, after: String): CommunityConnection!
}

"""A page of communities. The partition is computed whole for the current graph version; a cursor holds the partition's arguments and the key of its community (size, then first member's ID), and after starts the page after that key in the partition as it is now: a write between two pages skips or repeats no community whose size and first member did not change (one whose key changed may move across the cursor). BAD_USER_INPUT for a malformed cursor or one made by another list or with other arguments."""
type CommunityConnection {
  edges: [CommunityEdge!]!
  nodes: [Community!]!
  pageInfo: PageInfo!
  totalCount: Int!
}

"""One item of a CommunityConnection."""
type CommunityEdge {
  "Opaque: the community's key and the partition's arguments; pass it as after for the communities after this one."
  cursor: String!
  node: Community!
}

"""One community."""
type Community {
  "Its position in the partition's order, from 0."
  index: Int!
  "The number of members."
  size: Int!
  """Its members by ID. Paged with first (0 to the maximum page size, --max-page-size, 100 unless the server sets another; without first, that many; first 0 answers only totalCount and pageInfo) and after: see RankedNodeConnection for what a cursor guarantees across writes. A cursor of members is made for the community holding the node that was its first member when the cursor was made: BAD_USER_INPUT on another community (another community of the partition, or this one after a write moved that node out)."""
  members(first: Int, after: String): RankedNodeConnection!
}

"""A page of a ranked list. The list is computed whole for the current graph version, in a fixed order (score, highest first, then ID; or ID alone: see the field). A cursor holds the list (its field and the arguments that choose and order its items) and the sort key of its item (score and ID, or ID), and after starts the page after that key in the list as it is now: a write between two pages skips or repeats no item whose key did not change (an item whose score changed may move across the cursor; an item added before the cursor is not returned on later pages). BAD_USER_INPUT for a malformed cursor or one made by another list or with other arguments."""
type RankedNodeConnection {
  edges: [RankedNodeEdge!]!
  nodes: [Node!]!
  pageInfo: PageInfo!
  "The number of nodes in the whole list."
  totalCount: Int!
}

"""One item of a RankedNodeConnection."""
type RankedNodeEdge {
  "Opaque: the item's sort key and the list's identity; pass it as after for the items after this one."
  cursor: String!
  "Its position in the whole list as it is now, 1 for the first (after a write the items of a later page count from the list's new start)."
  rank: Int!
  "What the ranking counts (see the field), when it counts something."
  score: Float
  node: Node!
}

"""A level of the administrative hierarchy."""
enum PlaceLevel {
  PROVINCE
  PREFECTURE
  COUNTY
}

"""The coverage of the places of a level."""
type Coverage {
  level: PlaceLevel!
  "Covered places / places."
  covered: Ratio!
  """The covered places, by ID. Paged with first (0 to the maximum page size, --max-page-size, 100 unless the server sets another; without first, that many; first 0 answers only totalCount and pageInfo) and after: see RankedNodeConnection for what a cursor guarantees across writes."""
  coveredPlaces(first: Int, after: String): RankedNodeConnection!
  """The places not covered, ranked: the most schools located in them first (score), then by ID. Paged with first (0 to the maximum page size, --max-page-size, 100 unless the server sets another; without first, that many; first 0 answers only totalCount and pageInfo) and after: see RankedNodeConnection for what a cursor guarantees across writes."""
  uncoveredPlaces(first: Int, after: String): RankedNodeConnection!
}`
