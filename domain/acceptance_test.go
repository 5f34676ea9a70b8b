package domain_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// acceptanceJPEG is a small photo; shade varies its bytes.
func acceptanceJPEG(t *testing.T, shade uint8) *filesystem.File {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := 0; x < 32; x++ {
		img.Set(x, x%24, color.RGBA{shade, 80, 40, 255})
	}
	var b bytes.Buffer
	must(t, jpeg.Encode(&b, img, nil))
	f, err := filesystem.NewFileFromBytes(b.Bytes(), "IMG.jpg")
	must(t, err)
	return f
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if domain.ErrorCode(err) != code {
		t.Errorf("%s: %v, want a %s error", what, err, code)
	}
}

// TestAcceptanceLifecycle: the project manager prepares a report with two
// reservations (each a task for the site's crew), both parties sign on
// the tablet (the PDF's hash sealed with the report), the report and its
// reservations are frozen, a crew member lifts the reservations by
// finishing their tasks with a photo (in either order), the client
// accepts both liftings and the report is lifted.
func TestAcceptanceLifecycle(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "Groupe scolaire", "sector": "btp", "status": "active",
		"project_manager": pm.Id, "site_lead": lead.Id, "team": []string{crew.Id}}).Id
	other := tt.Record("sites", map[string]any{"code": "CH-2", "name": "Autre", "sector": "btp", "status": "active"}).Id
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC) // a Monday
	form := domain.AcceptanceForm{Lots: []string{"Gros œuvre", " Peinture ", ""}, Date: now, Place: "Sur site",
		Attendees: []domain.Attendee{{Name: "Mme Client", Company: "SCI Les Tilleuls", Role: "maître d'ouvrage"}}}

	// refusals: a crew member or the site lead never prepares a report;
	// another site's report is not found; a report needs lots and a date
	_, err := domain.PrepareAcceptance(app, crew.Record, site, "", form)
	wantCode(t, "crew prepares", err, domain.EForbidden)
	_, err = domain.PrepareAcceptance(app, lead.Record, site, "", form)
	wantCode(t, "site lead prepares", err, domain.EForbidden)
	_, err = domain.PrepareAcceptance(app, pm.Record, site, "", domain.AcceptanceForm{Date: now})
	wantCode(t, "no lots", err, domain.EInvalid)

	a, err := domain.PrepareAcceptance(app, pm.Record, site, "", form)
	must(t, err)
	if got := domain.AcceptanceLots(a); len(got) != 2 || got[1] != "Peinture" || a.Status() != domain.AcceptanceDraft {
		t.Fatalf("prepared: lots %q status %s", got, a.Status())
	}
	if _, err := domain.SiteAcceptance(app, other, a.Id); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another site's report: %v", err)
	}
	_, err = domain.AddAcceptanceReservation(app, pm.Record, site, a.Id, domain.PunchInput{Description: "x", Lot: "Plomberie"}, now)
	wantCode(t, "unknown lot", err, domain.EInvalid)
	_, err = domain.AddAcceptanceReservation(app, crew.Record, site, a.Id, domain.PunchInput{Description: "x"}, now)
	wantCode(t, "crew adds a reservation", err, domain.EForbidden)

	r1, err := domain.AddAcceptanceReservation(app, pm.Record, site, a.Id, domain.PunchInput{Description: "Fissure enduit façade nord",
		Lot: "Gros œuvre", Location: "Façade nord", Photos: []*filesystem.File{acceptanceJPEG(t, 10), acceptanceJPEG(t, 200)}}, now)
	must(t, err)
	r2, err := domain.AddAcceptanceReservation(app, pm.Record, site, a.Id, domain.PunchInput{Description: "Reprise peinture couloir", Lot: "Peinture"}, now)
	must(t, err)
	if r1.Number() != 1 || r2.Number() != 2 || r1.Status() != domain.ReservationOpen {
		t.Errorf("numbers %d %d status %s", r1.Number(), r2.Number(), r1.Status())
	}
	if ph, _ := domain.AcceptanceReservationPhotos(app, r1.Id); len(ph) != 2 {
		t.Errorf("reservation 1 has %d photos, want 2", len(ph))
	}
	task1, err := app.FindRecordById(domain.CollectionTasks, r1.TaskID())
	must(t, err)
	if task1.GetString("site") != site || len(task1.GetStringSlice("assignees")) != 1 || task1.GetStringSlice("assignees")[0] != crew.Id {
		t.Errorf("task of reservation 1: site %s assignees %v", task1.GetString("site"), task1.GetStringSlice("assignees"))
	}

	// signatures: the company alone first, then the client; signing again
	// is refused; the document hash and the PDF's hash are sealed
	render := func(app core.App, id string) ([]byte, error) { return []byte("%PDF-1.4 acceptance " + id), nil }
	sig := func(name string, shift int) *domain.SignatureInput {
		return &domain.SignatureInput{SignerName: name, Consent: true, PNG: inkPNG(t, shift)}
	}
	_, err = domain.SignAcceptance(app, pm.Record, site, a.Id, &domain.SignatureInput{SignerName: "P. Martin", PNG: inkPNG(t, 1)}, nil, render, now)
	wantCode(t, "no consent", err, domain.EInvalid)
	a, err = domain.SignAcceptance(app, pm.Record, site, a.Id, sig("P. Martin", 1), nil, render, now)
	must(t, err)
	if a.Status() != domain.AcceptanceDraft || a.CompanySignatureID() == "" {
		t.Errorf("after the company's signature: %s %q", a.Status(), a.CompanySignatureID())
	}
	_, err = domain.AddAcceptanceReservation(app, pm.Record, site, a.Id, domain.PunchInput{Description: "trop tard"}, now)
	wantCode(t, "reservation after a signature", err, domain.EConflict)
	_, err = domain.SignAcceptance(app, pm.Record, site, a.Id, sig("P. Martin", 2), nil, render, now)
	wantCode(t, "company signs twice", err, domain.EConflict)
	a, err = domain.SignAcceptanceAsClient(app, "client:c1", site, a.Id, *sig("Mme Client", 3), render, now)
	must(t, err)
	_, docHash, _ := domain.AcceptanceDocument(app, a.Id)
	if a.Status() != domain.AcceptanceSigned || a.PDF() == "" || len(a.PDFSHA256()) != 64 || a.DocumentSHA256() != docHash {
		t.Fatalf("signed report: status %s pdf %q sha %q doc %q", a.Status(), a.PDF(), a.PDFSHA256(), a.DocumentSHA256())
	}
	if n, _ := app.CountRecords(domain.CollectionAuditEvents, dbx.NewExp("record = {:r} AND diff LIKE {:h}", dbx.Params{"r": a.Id, "h": "%" + a.PDFSHA256() + "%"})); n != 1 {
		t.Errorf("%d audit events carry the PDF's SHA-256, want 1", n)
	}
	_, err = domain.SignAcceptanceAsClient(app, "client:c1", site, a.Id, *sig("Mme Client", 4), render, now)
	wantCode(t, "client signs twice", err, domain.EConflict)

	// immutable on every path: the domain, and a raw save
	_, err = domain.PrepareAcceptance(app, pm.Record, site, a.Id, form)
	wantCode(t, "edit signed", err, domain.EConflict)
	raw, _ := app.FindRecordById(domain.CollectionAcceptances, a.Id)
	raw.Set("place", "ailleurs")
	if err := app.Save(raw); err == nil {
		t.Error("a raw save changed a signed report")
	}
	rr, _ := app.FindRecordById(domain.CollectionAcceptanceReservations, r1.Id)
	rr.Set("description", "autre chose")
	if err := app.Save(rr); err == nil {
		t.Error("a raw save changed a signed report's reservation")
	}
	if err := app.Delete(raw); err == nil {
		t.Error("a signed report was deleted")
	}
	_, err = domain.AcceptLifting(app, "client:c1", site, r1.Id, *sig("Mme Client", 5), now)
	wantCode(t, "accept an open reservation", err, domain.EConflict)

	// lifting: reservation 1 done then photographed, reservation 2
	// photographed then done (through the crew app's sync)
	done := func(taskID string, key string) {
		res, err := domain.ApplySync(app, crew.Record, domain.SyncRequest{Operations: []domain.SyncOp{{Key: key, Op: "update",
			Collection: domain.CollectionTasks, ID: taskID, Data: map[string]any{"status": domain.TaskDone}}}})
		if err != nil || len(res) != 1 || res[0].Status != 200 {
			t.Fatalf("crew finishes %s: %v %+v", taskID, err, res)
		}
	}
	photo := func(taskID string) {
		if _, err := domain.AddPhoto(app, crew.Record, domain.PhotoInput{Subject: taskID, File: acceptanceJPEG(t, 99)}); err != nil {
			t.Fatal(err)
		}
	}
	done(r1.TaskID(), "01KACCEPTANCE0000000000001")
	if r, _ := domain.FindAcceptanceReservation(app, r1.Id); r.Status() != domain.ReservationOpen {
		t.Errorf("done without a photo: %s, want open", r.Status())
	}
	photo(r1.TaskID())
	photo(r2.TaskID())
	if r, _ := domain.FindAcceptanceReservation(app, r2.Id); r.Status() != domain.ReservationOpen {
		t.Errorf("a photo of an unfinished task: %s, want open", r.Status())
	}
	done(r2.TaskID(), "01KACCEPTANCE0000000000002")
	for _, id := range []string{r1.Id, r2.Id} {
		r, _ := domain.FindAcceptanceReservation(app, id)
		if r.Status() != domain.ReservationLifted || r.LiftPhotoID() == "" || r.LiftedByID() != crew.Id {
			t.Errorf("reservation %d: %s photo %q by %q, want lifted by the crew", r.Number(), r.Status(), r.LiftPhotoID(), r.LiftedByID())
		}
	}

	// the client accepts both liftings: the report is lifted
	_, err = domain.AcceptLifting(app, "client:c1", other, r1.Id, *sig("Mme Client", 5), now)
	wantCode(t, "accept from another site", err, domain.ENotFound)
	acc, err := domain.AcceptLifting(app, "client:c1", site, r1.Id, *sig("Mme Client", 5), now)
	must(t, err)
	if acc.Status() != domain.ReservationAccepted || acc.AcceptSignatureID() == "" {
		t.Errorf("accepted: %s %q", acc.Status(), acc.AcceptSignatureID())
	}
	_, err = domain.AcceptLifting(app, "client:c1", site, r1.Id, *sig("Mme Client", 6), now)
	wantCode(t, "accept twice", err, domain.EConflict)
	sums, err := domain.ClientAcceptances(app, site)
	must(t, err)
	if len(sums) != 1 || sums[0].Status != domain.AcceptanceSigned || sums[0].Accepted != 1 || sums[0].Lifted != 1 || !sums[0].WithReservations() {
		t.Errorf("summary %+v", sums)
	}
	_, err = domain.AcceptLifting(app, "client:c1", site, r2.Id, *sig("Mme Client", 7), now)
	must(t, err)
	if a, _ := domain.FindAcceptance(app, a.Id); a.Status() != domain.AcceptanceLifted {
		t.Errorf("every reservation accepted: report %s, want lifted", a.Status())
	}
	if n, _ := app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"record": r2.Id, "actor": "client:c1"}); n != 1 {
		t.Errorf("%d audit events of the client's acceptance, want 1", n)
	}
}
