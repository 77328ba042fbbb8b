package embedded

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/internal/fsync"
	"github.com/kepugraph/kepugraph/kepu"
)

// The full-text index on disk.
//
// The bleve index (scorch) lives in the directory SearchDirName of the data
// directory, next to the bbolt file, and is reused when the store opens if
// it holds exactly the committed graph. Every commit writes a new random
// stamp into the bbolt file (meta key "stamp", in the commit's own
// transaction); the index records, in the same bleve batch as the documents
// of that commit, the stamp and searchFormat (the mapping and analysis of
// this code). At open the index is used only if both are equal to the
// bbolt file's; otherwise (no index, a crash between the bbolt commit and
// the index's write, an index persisted behind the file, a migrated file, a
// restored backup, a file copied from elsewhere, another mapping) it is
// built again from the graph. A random stamp, unlike the version counter,
// also tells apart two files of the same history that diverged (a backup
// restored and then written).
//
// Index writes do not wait for bleve to persist them (unsafe_batch: the
// store's own fsync is the durable one): after a crash the index may be
// behind its stamp, never ahead (the stamp is in the batch), and is
// rebuilt. Close waits for the index to be persisted.

// SearchDirName is the directory of the full-text index inside the data
// directory. It can be deleted while the store is closed (the next Open
// builds it again); backups and Check do not include it.
const SearchDirName = "kepugraph.search"

// searchFormat identifies the index mapping and analysis (searchMapping,
// analyze): an index written with another format is rebuilt. Bump it when
// either changes. 8: nameZh's bigrams, pinyin and initials are those of
// its simplified characters (textsearch.Fold: 重慶 keyed as 重庆, read
// chongqing; 2026-12-04). 7: the pinyin and initials of nameZh read by words
// (textsearch/reading: 重庆 chongqing, not zhongqing; 2026-12-04).
// 6: name and nameZh hold textsearch's words and Han
// bigrams (WordKeys, HanKeys: the ranking's words, not the Unicode word
// rules of bleve's unicode tokenizer), cut at spaces as the keys are.
// 5: the pinyin keys also begin at each change between
// letters and digits inside a unit (K12: k 12), and a term with digits is
// asked by each of its segments (textsearch.PinyinKeyQuery). 4: the pinyin and initials as whole runs from a unit on
// (textsearch.PrefixKeys), asked with prefix and term queries. 3: nameZh
// without term vectors (phrases are checked against the graph) and without tokens that hold no Han character
// (zhAnalyzer). 2: pinyin and initials as n-grams (textsearch.GramKeys),
// no _all field (1: suffix keys, textsearch.PinyinKeys).
const searchFormat = 8

var (
	keyStamp    = []byte("stamp")     // 8 random bytes, written by every commit
	internalKey = []byte("kepugraph") // in the bleve index: uvarint searchFormat, 8 bytes stamp
)

// newStamp returns a random commit stamp.
func newStamp() uint64 {
	var b [8]byte
	rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

// putStamp writes a new random stamp for the batch committed by tx and
// keeps it in b.stamp (for the index's write after the commit).
func putStamp(tx *bolt.Tx, b *batch) error {
	b.stamp = newStamp()
	return tx.Bucket(bucketMeta).Put(keyStamp, seal(keyStamp, binary.LittleEndian.AppendUint64(newRecord(8), b.stamp)))
}

// readStamp returns the stamp of the last commit; ok is false when the file
// has none (it was written by a kepugraph before the index was kept on
// disk) or it cannot be read.
func readStamp(tx *bolt.Tx) (stamp uint64, ok bool) {
	v := tx.Bucket(bucketMeta).Get(keyStamp)
	if v == nil {
		return 0, false
	}
	body, err := openRecord(keyStamp, v)
	if err != nil || len(body) != 8 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(body), true
}

// currentStamp returns the stamp of the bbolt file, writing one first when
// it has none.
func (s *Store) currentStamp() (uint64, error) {
	var stamp uint64
	var ok bool
	s.db.View(func(tx *bolt.Tx) error {
		stamp, ok = readStamp(tx)
		return nil
	})
	if ok {
		return stamp, nil
	}
	b := &batch{}
	if err := s.db.Update(func(tx *bolt.Tx) error { return putStamp(tx, b) }); err != nil {
		return 0, err
	}
	return b.stamp, nil
}

// internalValue is the index's record of the commit it holds.
func internalValue(stamp uint64) []byte {
	return binary.LittleEndian.AppendUint64(binary.AppendUvarint(nil, searchFormat), stamp)
}

// runtimeConfig is the scorch configuration of an opened index.
func runtimeConfig() map[string]any { return map[string]any{"unsafe_batch": true} }

// openIndexAt opens the index at path if it holds the commit stamp;
// otherwise it returns nil and why not.
func openIndexAt(path string, stamp uint64) (idx bleve.Index, why string) {
	if _, err := os.Stat(path); err != nil {
		return nil, "missing"
	}
	defer func() {
		// A damaged index directory must not stop the store from opening:
		// it is rebuilt.
		if r := recover(); r != nil {
			if idx != nil {
				idx.Close()
			}
			idx, why = nil, fmt.Sprintf("cannot be opened (%v)", r)
		}
	}()
	idx, err := bleve.OpenUsing(path, runtimeConfig())
	if err != nil {
		return nil, fmt.Sprintf("cannot be opened (%v)", err)
	}
	v, err := idx.GetInternal(internalKey)
	if err != nil || string(v) != string(internalValue(stamp)) {
		idx.Close()
		return nil, staleReason(v)
	}
	return idx, ""
}

// staleReason says why an index whose commit record is v (not that of the
// last commit) is rebuilt: written in an older format (an upgrade: its keys
// would miss names the current queries ask for) or a newer one (a
// downgrade: a newer kepugraph wrote it, and builds it again in its own
// format when it next opens the directory), or behind the data file.
func staleReason(v []byte) string {
	format, n := binary.Uvarint(v)
	switch {
	case n <= 0 || len(v) != n+8 || format == searchFormat:
		return "does not hold the last commit"
	case format > searchFormat:
		return fmt.Sprintf("written in search index format %d by a newer kepugraph; this version uses format %d (a downgrade: the index is built again from the graph in format %d, the data file is not changed; the newer version builds its own again when it next opens the directory)", format, searchFormat, searchFormat)
	default:
		return fmt.Sprintf("written in search index format %d; this version uses format %d (an upgrade: the index is built again from the graph, the data file is not changed)", format, searchFormat)
	}
}

// persistInternal writes the index's commit record and waits until bleve
// has persisted it (and so every batch before it).
func persistInternal(idx bleve.Index, stamp uint64) error {
	done := make(chan error, 1)
	b := idx.NewBatch()
	b.SetInternal(internalKey, internalValue(stamp))
	b.SetPersistedCallback(func(err error) { done <- err })
	if err := idx.Batch(b); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-time.After(persistTimeout):
		return fmt.Errorf("the full-text index was not persisted within %v", persistTimeout)
	}
}

// persistTimeout bounds the wait for the index to be persisted (a full
// disk makes bleve retry without end).
const persistTimeout = 10 * time.Second

// buildIndexAt writes the index of the count nodes of nodes (see nodeDocs,
// fileDocs) at path (replacing what is there) with the commit stamp, and
// opens it. The index is written next to path (path + ".building"), in
// parts at once whose segments are merged into one (buildParts,
// searchbuild.go), then
// renamed into place.
func buildIndexAt(path string, count int, nodes nodeSet, stamp uint64) (bleve.Index, error) {
	tmp := path + ".building"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, err
	}
	m, err := searchMapping()
	if err != nil {
		return nil, err
	}
	var idx bleve.Index
	if count == 0 {
		// The builder needs at least one document.
		idx, err = bleve.NewUsing(tmp, m, scorch.Name, scorch.Name, runtimeConfig())
	} else {
		if err := os.MkdirAll(tmp, 0o755); err != nil {
			return nil, err
		}
		err = buildParts(tmp, m, count, nodes)
		if err == nil {
			idx, err = bleve.OpenUsing(tmp, runtimeConfig())
		}
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	err = persistInternal(idx, stamp)
	if cerr := idx.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.RemoveAll(path)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = fsync.Dir(filepath.Dir(path))
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return bleve.OpenUsing(path, runtimeConfig())
}

// builderBatch is the number of documents of each segment an index build
// writes before merging them all (bleve's offline builder's default is
// 1,000; larger segments mean less to merge). Tests lower it.
var builderBatch = 20000

// openSearch opens the full-text index of the loaded store, or builds it
// when the one on disk does not hold the last commit (see the top of this
// file). With opts.BulkLoad a stale index is not built now but when the
// first search or Close needs it.
func (s *Store) openSearch(opts Options) error {
	start := time.Now()
	stamp, err := s.currentStamp()
	if err != nil {
		return kepu.Errorf(kepu.Unavailable, "cannot write the commit stamp to %s: %v", s.db.Path(), err)
	}
	path := filepath.Join(s.dir, SearchDirName)
	si := newSearchIndex(opts.BulkLoad, stamp)
	idx, why := openIndexAt(path, stamp)
	if idx != nil {
		si.idx = idx
		s.search.Store(si)
		s.log.Info("search index opened", "path", path, "duration", time.Since(start))
		return nil
	}
	s.log.Info("search index is rebuilt", "path", path, "reason", why)
	if opts.BulkLoad {
		si.stale.Store(true)
		s.search.Store(si)
		return nil
	}
	if err := si.build(path, s.st); err != nil {
		// The store still serves searches (a full disk, a read-only index
		// directory): from an index in memory, built at every open.
		s.log.Error("cannot write the search index; it is kept in memory", "path", path, "err", fmt.Sprint(err))
		if err := si.buildInMemory(s.st); err != nil {
			return kepu.Errorf(kepu.Internal, "cannot build the search index: %v", err)
		}
	}
	s.search.Store(si)
	s.log.Info("search index built", "path", path, "nodes", len(s.st.nodes), "duration", time.Since(start))
	return nil
}

// buildInMemory makes si's index an index of st kept in memory (scorch
// without a path), for when the data directory cannot hold one.
func (si *searchIndex) buildInMemory(st *state) error {
	m, err := searchMapping()
	if err != nil {
		return err
	}
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return err
	}
	b := idx.NewBatch()
	for id, n := range st.nodes {
		if err := b.Index(id, indexDoc(n.label, n.props)); err != nil {
			idx.Close()
			return err
		}
		if b.Size() >= 4000 {
			if err := idx.Batch(b); err != nil {
				idx.Close()
				return err
			}
			b.Reset()
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return err
	}
	si.idx, si.memory = idx, true
	si.stale.Store(false)
	return nil
}

// build writes the index of st at path and makes it si's index.
func (si *searchIndex) build(path string, st *state) error {
	idx, err := buildIndexAt(path, len(st.nodes), nodeDocs(st), si.stamp)
	if err != nil {
		return err
	}
	si.idx = idx
	si.stale.Store(false)
	return nil
}

// BuildSearchIndex brings the full-text index up to date with the graph:
// after writes made with Options.BulkLoad it builds the index from the
// graph (on disk, with the last commit's stamp); otherwise it does
// nothing. Close and the first search do the same; a loader calls it to
// time the build. Errors: Unavailable when the store is closed, Internal
// when the index cannot be built.
func (s *Store) BuildSearchIndex() error { return s.refreshSearch() }

// refreshSearch builds the index again when writes left it stale (a bulk
// load, or a failed index write), before a search reads it.
func (s *Store) refreshSearch() error {
	if s.ro {
		return errReadOnly
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed {
		return kepu.Errorf(kepu.Unavailable, "store is closed")
	}
	old := s.search.Load()
	if !old.isStale() {
		return nil
	}
	start := time.Now()
	// Searches on the old index end before it is closed (its directory is
	// replaced).
	old.use.Lock()
	old.closeIdx()
	old.use.Unlock()
	si := newSearchIndex(old.bulk, old.stamp)
	path := filepath.Join(s.dir, SearchDirName)
	if err := si.build(path, s.st); err != nil {
		s.log.Error("cannot write the search index; it is kept in memory", "path", path, "err", fmt.Sprint(err))
		if err := si.buildInMemory(s.st); err != nil {
			si.stale.Store(true)
			s.search.Store(si)
			return kepu.Errorf(kepu.Internal, "cannot build the search index: %v", err)
		}
	}
	s.search.Store(si)
	s.log.Info("search index built", "path", path, "nodes", len(s.st.nodes), "duration", time.Since(start))
	return nil
}

// updateSearch is the write path's hook: after a commit, the index sees
// the batch, with the batch's commit stamp, before Write returns. In a bulk
// load it only marks the index stale.
func (s *Store) updateSearch(b *batch) {
	si := s.search.Load()
	si.stamp = b.stamp
	if !si.isStale() && !si.bulk {
		if err := si.update(b); err != nil {
			// The data is committed; the index is built again before the
			// next search (and at the next open: its stamp is behind).
			s.log.Error("search index update failed", "err", fmt.Sprint(err))
			si.setStale()
		}
	} else {
		si.setStale()
	}
	si.forget(b)
}

// closeSearch brings the index up to date if it is stale (the end of a bulk
// load builds it here), waits until it is persisted with the last commit's
// stamp, and closes it. Close calls it holding wmu.
func (s *Store) closeSearch() {
	si := s.search.Load()
	if si == nil {
		return
	}
	path := filepath.Join(s.dir, SearchDirName)
	si.use.Lock()
	defer si.use.Unlock()
	if si.isStale() {
		si.closeIdx()
		start := time.Now()
		if err := si.build(path, s.st); err != nil {
			s.log.Error("search index build failed (it is built at the next open)", "err", fmt.Sprint(err))
			return
		}
		si.closed = false
		s.log.Info("search index built", "path", path, "nodes", len(s.st.nodes), "duration", time.Since(start))
	}
	if si.idx == nil || si.memory {
		si.closeIdx()
		return
	}
	if err := persistInternal(si.idx, si.stamp); err != nil {
		s.log.Error("search index not persisted (it is built at the next open)", "err", fmt.Sprint(err))
	}
	si.closeIdx()
}

// searchUse guards an index against being closed while a search reads it.
type searchUse struct {
	use    sync.RWMutex
	closed bool // under use
}
