package neo4jstore

import "github.com/kepugraph/kepugraph/kepu"

// UpdateAlone returns the statement of Write's one-round-trip path for an
// update of node id that sets set (cypherUpdateNodeAlone with the version
// bump and the edge log's entry): its Cypher and its parameters ($id,
// $set with the search keys and absent-value markers that follow, $keep,
// $changes).
func UpdateAlone(id string, set kepu.Props) (string, map[string]any) {
	c := kepu.Change{Kind: kepu.UpdateNode, ID: id, Set: set}
	return cypherUpdateNodeAlone(kepu.LabelOf(id)), logParams([]kepu.Change{c}, updateParams(c))
}

// NodeLookups is the projection that an update returns for a node of label
// l (nodeLookups of the variable n).
func NodeLookups(l kepu.Label) string { return nodeLookups("n", []kepu.Label{l}) }
