package web

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"strconv"
)

// favicon is the explorer's icon, /favicon.ico: a 16×16 ICO (one 32-bit
// BMP image) drawn here, a blue disc with a white dot (a node of the
// graph), so that every page load does not end in a 404.
var favicon = drawFavicon()

func drawFavicon() []byte {
	const n = 16
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	pixels := n * n * 4
	mask := n * 4 // 1 bit per pixel, rows padded to 32 bits
	// ICONDIR and one ICONDIRENTRY.
	le(uint16(0))
	le(uint16(1)) // icon
	le(uint16(1)) // one image
	b.Write([]byte{n, n, 0, 0})
	le(uint16(1))  // planes
	le(uint16(32)) // bits per pixel
	le(uint32(40 + pixels + mask))
	le(uint32(6 + 16))
	// BITMAPINFOHEADER: the height counts the XOR and AND masks.
	le(uint32(40))
	le(int32(n))
	le(int32(2 * n))
	le(uint16(1))
	le(uint16(32))
	le(uint32(0))
	le(uint32(pixels + mask))
	le(int32(0))
	le(int32(0))
	le(uint32(0))
	le(uint32(0))
	// Pixels, bottom row first, BGRA.
	for y := n - 1; y >= 0; y-- {
		for x := 0; x < n; x++ {
			dx, dy := float64(x)-7.5, float64(y)-7.5
			d := dx*dx + dy*dy
			switch {
			case d <= 2.5*2.5:
				b.Write([]byte{0xff, 0xff, 0xff, 0xff})
			case d <= 7.5*7.5:
				b.Write([]byte{0xd2, 0x76, 0x19, 0xff}) // #1976d2
			default:
				b.Write([]byte{0, 0, 0, 0})
			}
		}
	}
	b.Write(make([]byte, mask)) // AND mask: the alpha channel decides
	return b.Bytes()
}

// serveFavicon writes the icon, cacheable for a day.
func serveFavicon(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "image/x-icon")
	h.Set("Content-Length", strconv.Itoa(len(favicon)))
	h.Set("Cache-Control", "public, max-age=86400")
	if r.Method == http.MethodHead {
		return
	}
	w.Write(favicon)
}
