package httpx

import "time"

// SetClock makes l read the time from now (tests advance it by hand).
func (l *RateLimiter) SetClock(now func() time.Time) { l.now = now }
