package kepu

import (
	"fmt"
	"unicode/utf8"
)

// Bounds of a store's metadata entries (Store.Meta, Store.SetMeta).
const (
	MaxMetaKeyBytes   = 64   // a key is 1 to 64 bytes of ASCII letters, digits, '.', '_' and '-'
	MaxMetaValueBytes = 4096 // a value is valid UTF-8 of at most 4096 bytes ("" removes the entry)
)

// MetaReferenceLoad is the metadata entry that server.Seed sets (to
// "incomplete") before the first write of a load of the reference dataset
// and removes after its last: a start that finds it completes the load.
const MetaReferenceLoad = "referenceLoad"

// ValidateMeta checks a metadata key and value (see MaxMetaKeyBytes and
// MaxMetaValueBytes): nil, or a BadUserInput *Error whose Field is "key"
// or "value". Meta checks the key alone (pass value "").
func ValidateMeta(key, value string) error {
	if key == "" || len(key) > MaxMetaKeyBytes {
		return &Error{Code: BadUserInput, Field: "key", Message: fmt.Sprintf("a metadata key is 1 to %d bytes, got %d", MaxMetaKeyBytes, len(key))}
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return &Error{Code: BadUserInput, Field: "key", Message: fmt.Sprintf("a metadata key holds only ASCII letters, digits, '.', '_' and '-', got %q", key)}
		}
	}
	if len(value) > MaxMetaValueBytes {
		return &Error{Code: BadUserInput, Field: "value", Message: fmt.Sprintf("a metadata value is at most %d bytes, got %d", MaxMetaValueBytes, len(value))}
	}
	if !utf8.ValidString(value) {
		return &Error{Code: BadUserInput, Field: "value", Message: "a metadata value must be valid UTF-8"}
	}
	return nil
}
