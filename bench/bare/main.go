// Command bare is the baseline of the load benchmark: a bare net/http server
// that answers every request with the same bytes, the exact JSON response
// that the real server gives for one query. Load against it measures what
// the machine, the load tool and net/http cost on their own; the ratio
// real/bare says how much of that budget kepugraph keeps.
//
// The response comes from a file (-response) or is fetched once at start by
// POSTing a request body (-request, a JSON GraphQL request) to the real
// server (-upstream).
//
//	go run ./bench/bare -addr 127.0.0.1:18081 -upstream http://127.0.0.1:18080/query -request bench/queries/museum.json
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strconv"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "address to listen on")
	responseFile := flag.String("response", "", "file holding the response body to serve")
	upstream := flag.String("upstream", "", "URL of the real server's /query, to fetch the response from")
	requestFile := flag.String("request", "", "file holding the JSON request to POST to -upstream")
	flag.Parse()

	body, err := responseBody(*responseFile, *upstream, *requestFile)
	if err != nil {
		log.Fatalf("bare: %v", err)
	}
	log.Printf("bare: serving %d bytes on %s", len(body), *addr)

	length := strconv.Itoa(len(body))
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the request like the real server does, then answer.
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", length)
		_, _ = w.Write(body)
	})
	srv := &http.Server{Addr: *addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

func responseBody(responseFile, upstream, requestFile string) ([]byte, error) {
	switch {
	case responseFile != "":
		return os.ReadFile(responseFile)
	case upstream != "" && requestFile != "":
		req, err := os.ReadFile(requestFile)
		if err != nil {
			return nil, err
		}
		res, err := http.Post(upstream, "application/json", bytes.NewReader(req))
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			return nil, err
		}
		if res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("upstream answered %s: %s", res.Status, b)
		}
		return b, nil
	}
	return nil, errors.New("give -response FILE, or -upstream URL and -request FILE")
}
