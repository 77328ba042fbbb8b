package export

import (
	"encoding/base64"
	"unsafe"
)

// idBuf builds the global IDs of an export in a buffer reused from one
// element to the next, so that writing an ID allocates nothing. The string
// it returns shares the buffer's bytes: it is valid only until the next
// call on the same idBuf. That is the lifetime the Writer contract gives
// the strings of a Node or an Edge (valid until the call returns); a
// Writer that keeps one copies it (see Collector).
type idBuf struct{ b []byte }

// globalID returns kepu.GlobalID(id).
func (x *idBuf) globalID(id string) string {
	return x.encode(bytesOf(id))
}

// encode returns the global-ID encoding of raw (kepu.GlobalID's, unpadded
// URL-safe base64).
func (x *idBuf) encode(raw []byte) string {
	x.b = base64.RawURLEncoding.AppendEncode(x.b[:0], raw)
	if len(x.b) == 0 {
		return ""
	}
	return unsafe.String(&x.b[0], len(x.b))
}

// bytesOf returns the bytes of s without a copy, for functions that only
// read them (such as xml.EscapeText).
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
