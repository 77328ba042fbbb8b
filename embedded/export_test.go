package embedded

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// SetChecks turns the checks of Open on or off (BenchmarkOpen measures
// their cost): records, every record's CRC-32C and UTF-8; file, the page
// walk before bbolt opens the file (which makes bbolt's checks). It
// returns a function that restores the previous settings.
func SetChecks(records, file bool) (restore func()) {
	r, f := verifyRecords, checkFile
	verifyRecords, checkFile = records, file
	return func() { verifyRecords, checkFile = r, f }
}

// SetPlanner turns the query planner (candidates and order walks, see
// plan.go) on or off, and returns a function that restores it.
func SetPlanner(on bool) (restore func()) {
	old := usePlanner
	usePlanner = on
	return func() { usePlanner = old }
}

// WriteFormat records format f in the data file at path (closed), as a
// kepugraph that writes format f would (the test of a newer format).
func WriteFormat(path string, f uint64) error {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyFormat, seal(keyFormat, binary.AppendUvarint(newRecord(1), f)))
	})
}
