package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// gdprUp (issue #19, item 7) is an expand step: company.retention holds
// the tenant's retention periods of position data per purpose (JSON,
// domain.RetentionSettings; empty: the defaults), which an older binary
// ignores.
func gdprUp(app core.App) error {
	return pbm.Existing(app, "company").Add(pbm.JSON("retention")).Save()
}
