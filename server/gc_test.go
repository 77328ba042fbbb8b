package server

import (
	"bytes"
	"io"
	"log/slog"
	"math"
	"runtime/debug"
	"strings"
	"testing"
)

func TestParseGCSettings(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{{"400", 400, true}, {"100", 100, true}, {"off", -1, true}, {"OFF", -1, true}, {"0", 0, false}, {"-5", 0, false}, {"x", 0, false}, {"", 0, false}} {
		got, err := parseGCPercent(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseGCPercent(%q) = %d, %v", tt.in, got, err)
		}
	}
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"auto", 0, true}, {"off", math.MaxInt64, true}, {"1048576", 1 << 20, true}, {"512B", 512, true},
		{"64KiB", 64 << 10, true}, {"300MiB", 300 << 20, true}, {"4GiB", 4 << 30, true}, {"2TiB", 2 << 40, true},
		{"4GB", 0, false}, {"0", 0, false}, {"-1GiB", 0, false}, {"GiB", 0, false}, {"9999999999TiB", 0, false},
	} {
		got, err := parseMemoryLimit(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseMemoryLimit(%q) = %d, %v", tt.in, got, err)
		}
	}
}

func TestGCConfig(t *testing.T) {
	c, err := ParseConfig(nil, env(nil), new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	if c.GCPercent != "400" || c.MemoryLimit != "auto" {
		t.Errorf("defaults: --gc-percent %q, --memory-limit %q", c.GCPercent, c.MemoryLimit)
	}
	c, err = ParseConfig(nil, env(map[string]string{"GOGC": "150", "GOMEMLIMIT": "2GiB"}), new(bytes.Buffer))
	if err != nil || c.GCPercent != "150" || c.MemoryLimit != "2GiB" {
		t.Errorf("from GOGC and GOMEMLIMIT: %q, %q, %v", c.GCPercent, c.MemoryLimit, err)
	}
	c, err = ParseConfig([]string{"--gc-percent", "off", "--memory-limit", "off"}, env(map[string]string{"GOGC": "150"}), new(bytes.Buffer))
	if err != nil || c.GCPercent != "off" || c.MemoryLimit != "off" {
		t.Errorf("flags over the environment: %q, %q, %v", c.GCPercent, c.MemoryLimit, err)
	}
	for _, args := range [][]string{{"--gc-percent", "lots"}, {"--memory-limit", "4GB"}} {
		if _, err := ParseConfig(args, env(nil), new(bytes.Buffer)); err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%v: error %v, want one naming %s", args, err, args[0])
		}
	}
}

func TestApplyGC(t *testing.T) {
	oldGC := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(oldGC); debug.SetMemoryLimit(oldLimit) })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	ApplyGC(Config{GCPercent: "250", MemoryLimit: "3GiB"}, log)
	if got := debug.SetGCPercent(100); got != 250 {
		t.Errorf("GC percent %d, want 250", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 3<<30 {
		t.Errorf("memory limit %d, want 3 GiB", got)
	}
	ApplyGC(Config{GCPercent: "400", MemoryLimit: "auto"}, log)
	if got := debug.SetMemoryLimit(-1); got <= 0 || got == math.MaxInt64 {
		t.Errorf("auto memory limit %d, want a limit below the available memory (this machine has a known amount)", got)
	}
}
