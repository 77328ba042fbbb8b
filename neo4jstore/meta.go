package neo4jstore

import (
	"context"

	"github.com/kepugraph/kepugraph/kepu"
)

// A metadata entry (kepu.Store.Meta) is the property MetaValueProp of the
// node labelled VersionLabel whose id is MetaIDPrefix and the entry's key:
// never KG, so no statement of the graph (counts, pages, walks, search,
// dump, export) sees it, as the version node.
const (
	MetaIDPrefix  = "meta:"
	MetaValueProp = "value"
)

const (
	cypherMeta       = "OPTIONAL MATCH (m:" + VersionLabel + " {id: $id}) RETURN m." + MetaValueProp + " AS value"
	cypherSetMeta    = "MERGE (m:" + VersionLabel + " {id: $id}) SET m." + MetaValueProp + " = $value"
	cypherDeleteMeta = "MATCH (m:" + VersionLabel + " {id: $id}) DELETE m"
)

// Meta implements kepu.Store: one read of the entry's node.
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	if err := kepu.ValidateMeta(key, ""); err != nil {
		return "", err
	}
	recs, err := s.read(ctx, stmt{cypherMeta, map[string]any{"id": MetaIDPrefix + key}})
	if err != nil {
		return "", err
	}
	if len(recs) == 0 {
		return "", nil
	}
	v, _ := recs[0].Values[0].(string)
	return v, nil
}

// SetMeta implements kepu.Store: one auto-commit write that merges the
// entry's node and sets its value, or deletes the node for "" (either may
// run twice: the driver's retry of a broken connection changes nothing
// more). The graph version is not bumped.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	if err := kepu.ValidateMeta(key, value); err != nil {
		return err
	}
	st := stmt{cypherSetMeta, map[string]any{"id": MetaIDPrefix + key, "value": value}}
	if value == "" {
		st = stmt{cypherDeleteMeta, map[string]any{"id": MetaIDPrefix + key}}
	}
	_, err := s.writeAlone(ctx, st)
	return err
}
