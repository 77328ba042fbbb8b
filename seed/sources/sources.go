// Package sources embeds the five source articles that the seed dataset
// cites as "seed:000" to "seed:004" (see README.md in this directory).
package sources

import (
	"embed"
	"fmt"
)

// FS holds the articles as 000.txt … 004.txt and README.md.
//
//go:embed *.txt README.md
var FS embed.FS

// IDs lists the article ids.
var IDs = []string{"000", "001", "002", "003", "004"}

// Text returns the text of the article with the id ("000" … "004").
func Text(id string) (string, error) {
	b, err := FS.ReadFile(id + ".txt")
	if err != nil {
		return "", fmt.Errorf("no source article %q", id)
	}
	return string(b), nil
}
