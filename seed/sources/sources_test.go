package sources_test

import (
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/seed/sources"
)

func TestArticles(t *testing.T) {
	// One phrase each article is cited for.
	want := map[string]string{
		"000": "5,909 tours", "001": "Cherish Resources", "002": "1,683 science museums",
		"003": "July 23, 2022", "004": "22.6 million",
	}
	for _, id := range sources.IDs {
		text, err := sources.Text(id)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, want[id]) {
			t.Errorf("article %s lacks %q", id, want[id])
		}
	}
	if _, err := sources.Text("005"); err == nil {
		t.Error("article 005 found")
	}
}
