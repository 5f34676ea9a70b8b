package tenant

import "github.com/pocketbase/pocketbase/core"

// sitesV2Up extends the sites and people schema for module 1.
func sitesV2Up(app core.App) error { return nil }
