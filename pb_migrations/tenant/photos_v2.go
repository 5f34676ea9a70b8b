package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// photosV2Up lets a photo name the checklist item it proves (a "photo
// required" item): the server then links it to the task's checklist run,
// even when the photo was taken offline and uploaded later.
func photosV2Up(app core.App) error {
	return pbm.Existing(app, "photos").Add(pbm.Text("checklist_item", false, 64)).Save()
}
