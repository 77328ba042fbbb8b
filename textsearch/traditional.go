package textsearch

import (
	"sync"

	"github.com/liuzl/gocc"
)

// simplifier is OpenCC's conversion from traditional to simplified
// characters (github.com/liuzl/gocc: OpenCC's phrase and character tables,
// embedded), built at the first search in Chinese (about 20 ms). Its
// Convert only reads the tables: one converter serves every goroutine.
var simplifier = sync.OnceValues(func() (*gocc.OpenCC, error) { return gocc.New("t2s") })

// Simplified returns a Chinese text in simplified characters (OpenCC t2s:
// 中國科學技術館 -> 中国科学技术馆), or the text itself when the tables
// cannot be read (never with the embedded ones). The conversion is not
// the identity on every simplified text (乾县 -> 干县): Parse keeps the
// text as typed and asks the simplified form beside it (Term.Simplified).
func Simplified(s string) string {
	cc, err := simplifier()
	if err != nil {
		return s
	}
	out, err := cc.Convert(s)
	if err != nil {
		return s
	}
	return out
}
