// Command searchterms checks search texts on an embedded data directory:
// for each text it prints the search's total and first hits, the CPU time
// of the search, and the matches a brute force finds (textsearch.Rank over
// every node of the labels asked, listed with FindNodes), so that a match
// the index query lost shows as a difference. It only opens the directory
// (give it a copy: an older binary rebuilds a newer index).
//
//	go run ./bench/searchterms -dir COPY -labels School 'xue005872' 'xiaoxue005872'
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	dir := flag.String("dir", "", "embedded data directory (a copy)")
	labels := flag.String("labels", "", "comma-separated labels searched and brute-forced (empty: all)")
	first := flag.Int("first", 5, "hits printed per text")
	brute := flag.Bool("brute", true, "also rank every node of the labels (the exact answer)")
	verbose := flag.Bool("v", false, "log the store's open, phase by phase, to stderr")
	flag.Parse()
	var logger *slog.Logger
	if *verbose {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx := context.Background()
	t0 := time.Now()
	s, err := embedded.Open(*dir, embedded.Options{Logger: logger})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	fmt.Printf("open %.1f s\n", time.Since(t0).Seconds())
	var ls []kepu.Label
	if *labels != "" {
		for _, l := range strings.Split(*labels, ",") {
			ls = append(ls, kepu.Label(l))
		}
	}
	var docs []*textsearch.Doc
	if *brute {
		for _, l := range orAll(ls) {
			after := ""
			for {
				n := 10000
				p, err := s.FindNodes(ctx, kepu.NodeQuery{Label: l, Page: kepu.Page{First: &n, After: after}})
				if err != nil {
					log.Fatal(err)
				}
				for _, nd := range p.Nodes {
					name, _ := nd.Props[kepu.PropName].(string)
					zh, _ := nd.Props[kepu.PropNameZh].(string)
					docs = append(docs, textsearch.NewDoc(nd.ID, name, zh))
				}
				if !p.HasNext || len(p.Cursors) == 0 {
					break
				}
				after = p.Cursors[len(p.Cursors)-1]
			}
		}
		fmt.Printf("brute force over %d nodes\n", len(docs))
	}
	for _, text := range flag.Args() {
		c0 := cpu()
		page, err := s.Search(ctx, kepu.SearchQuery{Text: text, Labels: ls, First: *first})
		c := cpu() - c0
		if err != nil {
			fmt.Printf("%q: error %v\n", text, err)
			continue
		}
		var ids []string
		for _, h := range page.Hits {
			ids = append(ids, h.Node.ID)
		}
		line := fmt.Sprintf("%q: total %d, cpu %.1f ms, first %v", text, page.Total, float64(c.Microseconds())/1000, ids)
		if *brute {
			q, _ := textsearch.Parse(text)
			hits := textsearch.Rank(q, docs)
			var want []string
			for _, h := range hits[:min(*first, len(hits))] {
				want = append(want, h.ID)
			}
			line += fmt.Sprintf("; brute force: %d matches, first %v", len(hits), want)
		}
		fmt.Println(line)
	}
	os.Stdout.Sync()
}

func orAll(ls []kepu.Label) []kepu.Label {
	if len(ls) == 0 {
		return kepu.Labels
	}
	return ls
}
