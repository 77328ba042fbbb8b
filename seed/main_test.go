package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"
)

func run(t *testing.T, args []string, env map[string]string) (string, string, error) {
	t.Helper()
	var out, errw bytes.Buffer
	m := NewMain()
	m.Stdout, m.Stderr = &out, &errw
	if err := m.ParseFlags(args, func(k string) string { return env[k] }); err != nil {
		return out.String(), errw.String(), err
	}
	err := m.Run(context.Background())
	return out.String(), errw.String(), err
}

func TestMainLoadsTwice(t *testing.T) {
	dir := t.TempDir()
	var first string
	for i := 0; i < 2; i++ {
		out, _, err := run(t, []string{"--no-sync", "--quiet"}, map[string]string{"KEPUGRAPH_DATA_DIR": dir})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "loaded into "+dir) || !strings.Contains(out, "Museum") || !strings.Contains(out, "records/s") {
			t.Fatalf("report:\n%s", out)
		}
		// The counts part of the report is the same on both runs.
		counts := out[:strings.Index(out, "generated in")]
		if i == 1 && counts != first {
			t.Errorf("second run reported\n%s\nfirst\n%s", counts, first)
		}
		first = counts
	}
}

func TestMainProgressAndFlags(t *testing.T) {
	_, errOut, err := run(t, []string{"--data-dir", t.TempDir(), "--batch", "5000", "--no-sync"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, "records (100.0 %)") {
		t.Errorf("no final progress line:\n%s", errOut)
	}
	if _, _, err := run(t, []string{"--help"}, nil); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help: %v", err)
	}
	if _, _, err := run(t, []string{"--batch", "0"}, nil); err == nil {
		t.Error("--batch 0 accepted")
	}
	if _, _, err := run(t, nil, map[string]string{"KEPUGRAPH_SEED_SCALE": "x"}); err == nil {
		t.Error("bad KEPUGRAPH_SEED_SCALE accepted")
	}
	if _, _, err := run(t, []string{"--data-dir", t.TempDir(), "--scale", "10"}, nil); err == nil {
		t.Error("--scale 10 accepted")
	}
}
