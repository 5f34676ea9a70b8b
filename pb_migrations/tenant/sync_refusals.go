package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// syncRefusalsUp lets the conflict inbox hold the operations the server
// refused (invalid data, not allowed) besides the conflicts: `kind` tells
// them apart (empty on the conflicts filed before), `status_code` keeps
// the answer the device got and `field` the field the refusal names, so
// that the office sees who sent what, when and why, and nothing a phone
// sent is ever dropped without a trace.
func syncRefusalsUp(app core.App) error {
	return pbm.Existing(app, "sync_conflicts").Add(
		pbm.Select("kind", false, "conflict", "refusal"),
		pbm.Int("status_code", false),
		pbm.Text("field", false, 64),
	).Save()
}
