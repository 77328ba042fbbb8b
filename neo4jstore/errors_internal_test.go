package neo4jstore

import (
	"strings"
	"testing"
)

// TestScrub checks that an error text holding the password is withheld
// whole: masking the occurrences would show a short password in the words
// around it ("dial *** 127.0.0.1" reveals "tcp").
func TestScrub(t *testing.T) {
	for _, tt := range []struct{ text, secret, want string }{
		{"dial tcp 127.0.0.1:1: connect: connection refused", "tcp", msgWithheld},
		{"TransactionExecutionLimit", "x", msgWithheld},
		{`parse "bolt://neo4j:s3cret@host:x": invalid port`, "s3cret", msgWithheld},
		{"dial tcp 127.0.0.1:1: connect: connection refused", "s3cret-Pa55word", "dial tcp 127.0.0.1:1: connect: connection refused"},
		{"anything", "", "anything"},
	} {
		if got := scrub(tt.text, tt.secret); got != tt.want {
			t.Errorf("scrub(%q, %q) = %q, want %q", tt.text, tt.secret, got, tt.want)
		}
		if tt.secret != "" && strings.Contains(scrub(tt.text, tt.secret), tt.secret) {
			t.Errorf("scrub(%q, %q) holds the secret", tt.text, tt.secret)
		}
	}
}
