package main

import (
	"context"
	"io"
	"log/slog"
	"time"

	"go.uber.org/zap/zapcore"
)

// LogFlushInterval is how long a log line may wait in the buffer of the
// server's standard error before it is written (see newLogSink).
const LogFlushInterval = 100 * time.Millisecond

// newLogSink buffers the log output w: one write system call per
// LogFlushInterval (or per 256 KiB) instead of one per line. Under load the
// access log writes a line per request, and a system call per line costs
// more than the line itself. Lines at Warn and above are flushed at once
// (see syncingHandler), and Stop flushes the rest; what a killed process
// loses is at most the last LogFlushInterval of Info and Debug lines.
func newLogSink(w io.Writer) *zapcore.BufferedWriteSyncer {
	// Only the Writer of w: its Sync (an fsync for an *os.File, which fails
	// on pipes and terminals) is not needed to hand lines to the system.
	return &zapcore.BufferedWriteSyncer{WS: zapcore.AddSync(struct{ io.Writer }{w}), FlushInterval: LogFlushInterval}
}

// syncer is a log destination that buffers and can be flushed.
type syncer interface {
	io.Writer
	Sync() error
}

// syncingHandler flushes the destination after every record at Warn and
// above, so that warnings and errors are never held back in a buffer.
type syncingHandler struct {
	slog.Handler
	dst syncer
}

func (h syncingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		if serr := h.dst.Sync(); err == nil {
			err = serr
		}
	}
	return err
}

func (h syncingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return syncingHandler{h.Handler.WithAttrs(attrs), h.dst}
}

func (h syncingHandler) WithGroup(name string) slog.Handler {
	return syncingHandler{h.Handler.WithGroup(name), h.dst}
}
