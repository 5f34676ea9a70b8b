package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// reportsV2Up prepares the report archive and the branding of generated
// documents (issue #17): an archived report keeps the SHA-256 of each of
// its files, the locale it was written in and what made it (a schedule or
// a person's request), and only the server writes it (domain.ArchiveReport:
// an archive a client could forge would prove nothing; office roles may
// still delete one, which the audit chain records). The company profile
// gains an optional logo and brand colour printed on every report.
func reportsV2Up(app core.App) error {
	color := pbm.Text("brand_color", false, 7)
	color.Pattern = `^#[0-9A-Fa-f]{6}$`
	logo := pbm.File("logo", 1, 1<<20, "image/png", "image/jpeg")
	logo.Protected = true // like every file of the tenant (reads_v2)
	if err := pbm.Existing(app, "company").Add(
		logo, color,
	).Save(); err != nil {
		return err
	}
	reports, err := app.FindCollectionByNameOrId("reports")
	if err != nil {
		return err
	}
	reports.CreateRule, reports.UpdateRule = nil, nil
	if err := app.Save(reports); err != nil {
		return err
	}
	return pbm.Existing(app, "reports").Add(
		pbm.Text("pdf_sha256", false, 64),
		pbm.Text("xlsx_sha256", false, 64),
		pbm.Select("lang", false, "fr", "en"),
		pbm.Select("trigger", false, "schedule", "request"),
	).Rel("requested_by", "users", false, 1, false).Save()
}
