package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// incidentsV2Up lets the office assign an incident to the person who
// follows it up (issue #15).
func incidentsV2Up(app core.App) error {
	return pbm.Existing(app, "incidents").Rel("assigned_to", "users", false, 1, false).Save()
}
