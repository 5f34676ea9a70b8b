package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// ruleAcceptanceRead: crews read the acceptance reports (and their
// reservations) of their sites, everyone else every report.
const ruleAcceptanceRead = crewReads + crewOnSite + `)`

// acceptanceUp (issue #20, item 3) is an expand step: two new collections
// an older binary ignores. Neither is written through the REST API (create,
// update and delete rules nil: superusers only); domain/acceptance*.go
// writes them and its hooks keep a signed report immutable.
//
//   - acceptances: the acceptance report (procès-verbal de réception) of a
//     site: lots (JSON list of names), date, place, attendees (JSON: name,
//     company, role), status draft → signed → lifted (every reservation
//     lifted and accepted), the SHA-256 of the signed document text, the
//     two signatures (company representative, client), the signed PDF and
//     its SHA-256.
//   - acceptance_reservations: a reservation of a report (the name
//     "reservations" is the resources' bookings): number, description,
//     lot, location, status open → lifted → accepted, the crew task that
//     lifts it, the lifting photo, who lifted it and when, the client's
//     acceptance signature. Its photos are photos whose subject is the
//     reservation's id.
func acceptanceUp(app core.App) error {
	read := pbm.Rule(ruleAcceptanceRead)
	acc := pbm.NewBase(app, "acceptances").
		Rel("site", "sites", true, 1, false).
		Add(
			pbm.JSON("lots"),
			pbm.Date("date", true),
			pbm.Text("place", false, 300),
			pbm.JSON("attendees"),
			pbm.Select("status", true, "draft", "signed", "lifted"),
			pbm.Text("document_sha256", false, 64),
			protectedPDF(),
			pbm.Text("pdf_sha256", false, 64),
			pbm.Date("signed_at", false),
			pbm.Text("notes", false, 4000),
		).
		Rel("prepared_by", "users", false, 1, false).
		Rel("company_signature", "signatures", false, 1, false).
		Rel("client_signature", "signatures", false, 1, false).
		Index(false, "site").
		Rules(read, read, nil, nil, nil)
	if err := acc.Save(); err != nil {
		return err
	}
	return pbm.NewBase(app, "acceptance_reservations").
		Rel("acceptance", "acceptances", true, 1, false).
		Rel("site", "sites", true, 1, false).
		Add(
			pbm.Int("number", false),
			pbm.Text("description", true, 2000),
			pbm.Text("lot", false, 200),
			pbm.Text("location", false, 300),
			pbm.Select("status", true, "open", "lifted", "accepted"),
			pbm.Date("lifted_at", false),
			pbm.Date("accepted_at", false),
		).
		Rel("task", "tasks", false, 1, false).
		Rel("lift_photo", "photos", false, 1, false).
		Rel("lifted_by", "users", false, 1, false).
		Rel("accept_signature", "signatures", false, 1, false).
		Index(true, "acceptance", "number").
		Index(false, "task").
		Rules(read, read, nil, nil, nil).
		Save()
}

// protectedPDF is the signed report's PDF: a protected file (a file token
// of a user who may read the report, as every file of the schema).
func protectedPDF() *core.FileField {
	f := pbm.File("pdf", 1, 50<<20, "application/pdf")
	f.Protected = true
	return f
}
