package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// sectorsUp lets a tenant work in several sectors (issue #15): the
// company lists the sectors it has enabled besides its primary one, and a
// work type is unique per sector and code (building and public works both
// have a "terrassement" work type), so that a second sector's
// reference-data pack can be added beside the first one's.
func sectorsUp(app core.App) error {
	if err := pbm.Existing(app, "company").Add(pbm.MultiSelect("sectors", "btp", "elec", "tp")).Save(); err != nil {
		return err
	}
	wt := pbm.Existing(app, "work_types")
	if wt.Col != nil {
		wt.Col.RemoveIndex("idx_work_types_code")
	}
	return wt.Index(true, "sector", "code").Save()
}

// signaturesV2Up keeps the SHA-256 of a signature's image bytes in its
// evidence (and so in the audit chain), beside the signed document's.
func signaturesV2Up(app core.App) error {
	return pbm.Existing(app, "signatures").Add(pbm.Text("image_sha256", false, 64)).Save()
}
