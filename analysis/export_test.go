package analysis

// SetFoldMin sets the least overlay that is folded and returns the
// function that restores it.
func SetFoldMin(n int) (restore func()) {
	old := foldMin
	foldMin = n
	return func() { foldMin = old }
}

// Overlay is the number of rows of the analyzer's adjacency that changes
// replaced since it was built (-1 without an adjacency).
func (a *Analyzer) Overlay() int {
	a.adjMu.Lock()
	defer a.adjMu.Unlock()
	if a.adj == nil {
		return -1
	}
	return len(a.adj.rows)
}
