package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// LogFlushInterval is how long a log line may wait in the buffer of the
// server's standard error before it is written (see LogSink).
const LogFlushInterval = 100 * time.Millisecond

// logBufferSize is the buffer of a LogSink: a write that would overflow it
// flushes it first.
const logBufferSize = 256 << 10

// LogSink buffers the log output: one write system call per
// LogFlushInterval (or per 256 KiB) instead of one per line. Under load the
// access log writes a line per request, and a system call per line costs
// more than the line itself. Lines at Warn and above are flushed at once
// (see NewLogger), and Stop flushes the rest; what a killed process loses is
// at most the last LogFlushInterval of Info and Debug lines.
type LogSink struct {
	mu      sync.Mutex
	buf     *bufio.Writer
	stopped bool
	stop    chan struct{}
	done    chan struct{}
}

// NewLogSink returns a LogSink writing to w and starts its flushing
// goroutine; call Stop to end it.
func NewLogSink(w io.Writer) *LogSink {
	s := &LogSink{buf: bufio.NewWriterSize(w, logBufferSize), stop: make(chan struct{}), done: make(chan struct{})}
	go s.flushEvery(LogFlushInterval)
	return s
}

func (s *LogSink) flushEvery(d time.Duration) {
	defer close(s.done)
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.Flush()
		case <-s.stop:
			return
		}
	}
}

// Write buffers p; after Stop it writes p at once.
func (s *LogSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		defer s.buf.Flush()
	}
	return s.buf.Write(p)
}

// Flush writes what the buffer holds.
func (s *LogSink) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Flush()
}

// Stop ends the flushing goroutine and flushes the buffer. Later writes are
// not buffered. It may be called more than once.
func (s *LogSink) Stop() error {
	s.mu.Lock()
	if !s.stopped {
		s.stopped = true
		close(s.stop)
	}
	s.mu.Unlock()
	<-s.done
	return s.Flush()
}

// flushingHandler flushes the sink after every record at Warn and above,
// so that warnings and errors are never held back in a buffer.
type flushingHandler struct {
	slog.Handler
	sink *LogSink
}

func (h flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		if ferr := h.sink.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h flushingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushingHandler{h.Handler.WithAttrs(attrs), h.sink}
}

func (h flushingHandler) WithGroup(name string) slog.Handler {
	return flushingHandler{h.Handler.WithGroup(name), h.sink}
}

// parseLevel reads --log-level.
func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("--log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// NewLogger returns the logger that the configuration asks for, writing to
// w. When w buffers (a *LogSink), records at Warn and above are flushed at
// once.
func (c Config) NewLogger(w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.LogLevel) // checked by Validate
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	if c.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	if s, ok := w.(*LogSink); ok {
		h = flushingHandler{h, s}
	}
	return slog.New(h)
}
