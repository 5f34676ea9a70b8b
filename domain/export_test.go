package domain

import (
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// CountSitePlans counts the schedules a tenant app computes (one per
// site plan loaded) until the test ends.
func CountSitePlans(t testing.TB, app core.App) *atomic.Int64 {
	n := new(atomic.Int64)
	app.Store().Set(planCounterKey, n)
	t.Cleanup(func() { app.Store().Remove(planCounterKey) })
	return n
}
