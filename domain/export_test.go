package domain

import (
	"sync/atomic"
	"testing"
)

// CountSitePlans counts the schedules computed for a site (one per site
// plan loaded) until the test ends.
func CountSitePlans(t testing.TB, siteID string) *atomic.Int64 {
	n := new(atomic.Int64)
	planCounters.Store(siteID, n)
	t.Cleanup(func() { planCounters.Delete(siteID) })
	return n
}
