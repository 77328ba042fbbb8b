package embedded

import (
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/kepu"
)

// FormatBackupSuffix is appended to the data file's name for the copy of a
// format 1 file kept before it is migrated.
const FormatBackupSuffix = ".format1"

// migrate1 rewrites a format 1 file (records without checksums) in format
// 2, in one transaction: every record is decoded (a malformed one stops the
// migration with a *DamageError and changes nothing), given its checksum
// and written back, and the meta bucket gets the format record. A copy of
// the file as it was is written first, next to it, with FormatBackupSuffix.
func (s *Store) migrate1() error {
	path := s.db.Path()
	backup := path + FormatBackupSuffix
	if err := s.db.View(func(tx *bolt.Tx) error { return tx.CopyFile(backup, 0o600) }); err != nil {
		os.Remove(backup)
		return kepu.Errorf(kepu.Unavailable, "cannot copy %s to %s before migrating it to format %d: %v", path, backup, FormatVersion, err)
	}
	var nnodes, nedges int
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, bucket := range [][]byte{bucketNodes, bucketEdges} {
			b := tx.Bucket(bucket)
			var keys, vals [][]byte
			err := b.ForEach(func(k, v []byte) error {
				what := "node " + quote(k)
				if string(bucket) == string(bucketEdges) {
					what = "edge " + quote(k)
				}
				if len(v) == 0 || v[0] != 1 {
					return &DamageError{Path: path, Record: what, Problem: "not a format 1 record"}
				}
				if _, err := decodeProps(v[1:], s.intern, nil); err != nil {
					return &DamageError{Path: path, Record: what, Problem: err.Error()}
				}
				keys = append(keys, append([]byte(nil), k...))
				vals = append(vals, v[1:])
				return nil
			})
			if err != nil {
				return err
			}
			for i, k := range keys {
				rec := append(newRecord(len(vals[i])), vals[i]...)
				if err := b.Put(k, seal(k, rec)); err != nil {
					return err
				}
			}
			if string(bucket) == string(bucketNodes) {
				nnodes = len(keys)
			} else {
				nedges = len(keys)
			}
		}
		// Format 1 kept the counts as two bare uvarints; they are recomputed.
		if v := tx.Bucket(bucketMeta).Get(keyCounts); v != nil {
			d := &decoder{b: v}
			if n, e := d.uvarint(), d.uvarint(); d.err != nil || n != uint64(nnodes) || e != uint64(nedges) {
				return &DamageError{Path: path, Record: "the counts record",
					Problem: fmt.Sprintf("it says %d nodes and %d edges, the file holds %d and %d", n, e, nnodes, nedges)}
			}
		}
		if err := putFormat(tx); err != nil {
			return err
		}
		return putCounts(tx, nnodes, nedges)
	})
	if err != nil {
		if _, ok := err.(*DamageError); ok {
			return err
		}
		return kepu.Errorf(kepu.Unavailable, "cannot migrate %s to format %d: %v", path, FormatVersion, err)
	}
	s.log.Info("embedded store migrated to format 2 (record checksums)", "path", path,
		"nodes", nnodes, "edges", nedges, "copy of format 1", backup)
	return nil
}
