package tenant

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

func proofUp(app core.App) error {
	fix := func(prefix string) []core.Field {
		return []core.Field{
			pbm.Number(prefix+"lat", false, types.Pointer(-90.0), types.Pointer(90.0)),
			pbm.Number(prefix+"lng", false, types.Pointer(-180.0), types.Pointer(180.0)),
			pbm.Number(prefix+"accuracy", false, types.Pointer(0.0), nil),
		}
	}
	img := []string{"image/jpeg", "image/png", "image/webp", "image/heic"}
	return saveAll(
		apply(pbm.NewBase(app, "time_entries").
			Rel("user", "users", true, 1, false).
			Rel("site", "sites", false, 1, false).
			Rel("task", "tasks", false, 1, false).
			Add(pbm.Date("clock_in", true), pbm.Date("clock_out", false)).
			Add(fix("in_")...).Add(fix("out_")...).Add(
			pbm.Select("kind", false, "on_site", "travel"),
			pbm.Select("source", false, "self", "site_lead", "office", "sync"),
			pbm.Select("status", false, "open", "submitted", "approved", "rejected"),
		).Rel("approved_by", "users", false, 1, false).Add(
			pbm.Text("edit_reason", false, 500),
			pbm.JSON("flags"),
		).Index(false, "user", "clock_in"), crewWrite),
		apply(pbm.NewBase(app, "photos").Add(
			pbm.Text("subject", true, 64),
			pbm.File("file", 1, 25<<20, img...),
			pbm.File("derived", 1, 25<<20, img...),
			pbm.Text("original_sha256", false, 64),
			pbm.Date("taken_at", false),
		).Add(fix("")...).Rel("by", "users", false, 1, false).Rel("site", "sites", false, 1, false).Add(
			pbm.Text("caption", false, 500),
		).Index(false, "subject"), crewWrite),
		apply(pbm.NewBase(app, "signatures").Add(
			pbm.Text("subject", true, 64),
			pbm.Text("signer_name", true, 200),
			pbm.Select("signer_role", true, "client", "technician", "site_lead", "other"),
			pbm.File("image", 1, 2<<20, "image/png", "image/svg+xml"),
			pbm.Editor("consent_text"),
			pbm.Text("document_sha256", false, 64),
			pbm.Date("signed_at", true),
		).Add(fix("")...).Index(false, "subject"), crewWrite),
		apply(pbm.NewBase(app, "incidents").
			Rel("site", "sites", true, 1, false).
			Rel("task", "tasks", false, 1, false).Add(
			pbm.Select("kind", true, "safety", "weather", "delay", "damage", "quality", "network_strike", "other"),
			pbm.Select("severity", true, "low", "medium", "high", "critical"),
			pbm.Editor("description"),
			pbm.Select("status", false, "open", "in_progress", "resolved", "closed"),
			pbm.Editor("resolution"),
			pbm.Number("impact_days", false, types.Pointer(0.0), nil),
			pbm.Money("impact_eur"),
		).Add(fix("")...).Rel("reported_by", "users", false, 1, false).Index(false, "site"), crewWrite),
		pbm.NewBase(app, "audit_events").Add(
			pbm.Int("seq", false),
			&core.DateField{Name: "at", Required: true},
			pbm.Text("actor", false, 64),
			pbm.Text("action", true, 16),
			pbm.Text("collection", true, 64),
			pbm.Text("record", false, 64),
			pbm.JSON("diff"),
			pbm.Text("prev_hash", false, 64),
			pbm.Text("hash", true, 64),
		).Index(true, "seq").Index(false, "collection", "record").
			Rules(pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), nil, nil, nil),
	)
}
