package embedded

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/kepu"
)

// metaPrefix precedes the key of a metadata entry (kepu.Store.Meta) in the
// meta bucket, apart from the store's own records (counts, format,
// version, stamp). The value is a sealed record whose body is the entry's
// value.
const metaPrefix = "entry:"

// Meta implements kepu.Store: the entry is read from the meta bucket (it
// is not kept in memory; reading it costs one bbolt read transaction).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	if err := kepu.ValidateMeta(key, ""); err != nil {
		return "", err
	}
	if err := s.rlock(ctx); err != nil {
		return "", err
	}
	defer s.mu.RUnlock()
	k := []byte(metaPrefix + key)
	var value string
	err := s.db.View(func(tx *bolt.Tx) error {
		mb := tx.Bucket(bucketMeta)
		if mb == nil {
			return nil // a new file opened read-only: no buckets yet
		}
		v := mb.Get(k)
		if v == nil {
			return nil
		}
		body, err := openRecord(k, v)
		if err != nil {
			return &DamageError{Path: s.db.Path(), Record: "the metadata entry " + key, Problem: err.Error()}
		}
		value = string(body)
		return nil
	})
	return value, err
}

// SetMeta implements kepu.Store: one bbolt transaction (fsync on commit
// unless Options.NoSync) that writes or deletes the entry in the meta
// bucket; the graph, its version and the search index's stamp are
// unchanged.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	if err := kepu.ValidateMeta(key, value); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.ro {
		return errReadOnly
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed {
		return kepu.Errorf(kepu.Unavailable, "store is closed")
	}
	k := []byte(metaPrefix + key)
	err := s.db.Update(func(tx *bolt.Tx) error {
		mb := tx.Bucket(bucketMeta)
		if value == "" {
			return mb.Delete(k)
		}
		return mb.Put(k, seal(k, append(newRecord(len(value)), value...)))
	})
	if err != nil {
		s.log.Error("embedded store metadata commit failed", "err", err)
		return kepu.Errorf(kepu.Unavailable, "cannot write to the data directory: %v", err)
	}
	return nil
}
