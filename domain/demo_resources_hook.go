package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// seedDemoResources seeds vehicles, tools and materials for the demo
// (module 2).
func seedDemoResources(tx core.App, siteIDs, userIDs []string, now time.Time) error {
	return SeedDemoResources(tx, siteIDs, userIDs, now)
}
