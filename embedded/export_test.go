package embedded

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
