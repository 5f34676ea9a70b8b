package tenant

import (
	"github.com/pocketbase/pocketbase/core"
)

// uploadsUp is reserved for the uploads schema changes.
func uploadsUp(app core.App) error {
	_ = app
	return nil
}
