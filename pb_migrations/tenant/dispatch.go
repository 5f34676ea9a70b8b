package tenant

import (
	"github.com/pocketbase/pocketbase/core"
)

// dispatchUp is reserved for the dispatch schema changes.
func dispatchUp(app core.App) error {
	_ = app
	return nil
}
