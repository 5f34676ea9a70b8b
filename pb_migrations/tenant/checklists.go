package tenant

import (
	"github.com/pocketbase/pocketbase/core"
)

// checklistsUp is reserved for the checklists schema changes.
func checklistsUp(app core.App) error {
	_ = app
	return nil
}
