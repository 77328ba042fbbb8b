package embedded

import (
	"context"

	"github.com/kepugraph/kepugraph/kepu"
)

var _ kepu.EdgeLog = (*Store)(nil)

// changeLogWrites is the most writes whose relationship changes the store
// keeps in memory (kepu.EdgeLog), changeLogChanges the most changes in
// all (about 100 bytes each), and changeLogMax the most changes it keeps
// of one write (a bulk write keeps none: a reader reads the relationships
// again).
const (
	changeLogWrites  = 4096
	changeLogChanges = 1 << 16
	changeLogMax     = 256
)

// changeEntry is the relationship changes of the write that made graph
// version version; logged false when it had too many to keep.
type changeEntry struct {
	version uint64
	logged  bool
	changes []kepu.EdgeChange
}

// changeLog is the entries of the last writes, oldest first, written and
// read under Store.mu. It starts empty when the store opens: a reader
// whose version is from before reads the relationships again.
type changeLog struct {
	entries []changeEntry
	total   int // changes in entries
}

// add records the changes of the write that made version v.
func (l *changeLog) add(v uint64, changes []kepu.Change) {
	e := changeEntry{version: v, logged: true}
	if ch := kepu.EdgeChangesOf(changes); len(ch) <= changeLogMax {
		e.changes = ch
	} else {
		e.logged = false
	}
	l.entries = append(l.entries, e)
	l.total += len(e.changes)
	for len(l.entries) > changeLogWrites || l.total > changeLogChanges {
		l.total -= len(l.entries[0].changes)
		l.entries[0] = changeEntry{}
		l.entries = l.entries[1:]
	}
}

// since returns the changes after version since up to cur, the current
// version, when the log holds an entry for each of them.
func (l *changeLog) since(since, cur uint64) (kepu.EdgeChanges, bool) {
	out := kepu.EdgeChanges{Since: since, Version: cur}
	if since == cur {
		return out, true
	}
	if since > cur || cur-since > uint64(len(l.entries)) {
		return out, false
	}
	for k, e := range l.entries[len(l.entries)-int(cur-since):] {
		if e.version != since+1+uint64(k) || !e.logged {
			return out, false // a write that kept no entry (a Loader's)
		}
		out.Changes = append(out.Changes, e.changes...)
	}
	return out, true
}

// EdgeChangesSince implements kepu.EdgeLog from the changes of the last
// writes of this Store (since it was opened), kept in
// memory.
func (s *Store) EdgeChangesSince(ctx context.Context, since uint64) (kepu.EdgeChanges, bool, error) {
	if err := s.rlock(ctx); err != nil {
		return kepu.EdgeChanges{}, false, err
	}
	defer s.mu.RUnlock()
	ch, ok := s.changes.since(since, s.version.Load())
	return ch, ok, nil
}
