package graph

import (
	"github.com/kepugraph/kepugraph/analysis"
	"log/slog"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
)

// Resolver is the root resolver: the dependencies of every resolver. The
// store is the only data source; the per-request loaders (which batch and
// count store calls) come from the context, see For.
type Resolver struct {
	store       kepu.Store
	maxPageSize int
	maxString   int // Options.MaxStringBytes
	batchWait   time.Duration
	noPrefetch  bool
	plainFields bool // no field middleware: see lists.PlainFields
	logger      *slog.Logger
	analyzer    *analysis.Analyzer // network measures, cached per graph version
}
