package handlers_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestClientAcceptance: the company signs a report with one reservation
// on the tablet; the client, signed in by its magic link, reads it from
// the portal and signs; another site's URL answers 404 and the office
// route refuses the client session; the crew lifts the reservation (task
// done with a photo); the client sees it lifted, accepts the lifting with
// a signature and the report is lifted.
func TestClientAcceptance(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)
	tt := handlertest.New(t, tenanttest.WithClock(func() time.Time { return now }))
	w := newClientWorld(t, tt)
	app := tt.App()
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	site, _ := app.FindRecordById(domain.CollectionSites, w.s1)
	site.Set("project_manager", pm.Id)
	site.Set("team", []string{crew.Id})
	must(t, app.Save(site))

	a, err := domain.PrepareAcceptance(app, pm.Record, w.s1, "", domain.AcceptanceForm{Lots: []string{"Peinture"}, Date: now})
	must(t, err)
	r, err := domain.AddAcceptanceReservation(app, pm.Record, w.s1, a.Id, domain.PunchInput{Description: "Reprise peinture couloir", Lot: "Peinture"}, now)
	must(t, err)
	company := domain.SignatureInput{SignerName: "P. Martin", Consent: true, PNG: decodeSignature(t, pvSignature(t, 1))}
	_, err = domain.SignAcceptance(app, pm.Record, w.s1, a.Id, &company, nil, nil, now)
	must(t, err)

	_, link := w.invite(t, w.adminTok, map[string]any{"email": "claire@tilleuls.test", "name": "Claire Dumas", "client": w.clientA, "sites": []string{w.s1, w.s2}})
	_, cookie := openClientLink(t, tt, tt.Host(), link)
	if cookie == nil {
		t.Fatal("no client session")
	}
	page := "/client/sites/" + w.s1 + "/acceptance/" + a.Id
	for _, p := range []string{"/client/sites/" + w.s2 + "/acceptance/" + a.Id, "/client/sites/" + w.s3 + "/acceptance/" + a.Id, page + "/photos/" + r.TaskID()} {
		if rec := tenanttest.Get(t, tt.Registry, tt.Host(), p, cookie); rec.Code != http.StatusNotFound {
			t.Errorf("client GET %s = %d, want 404", p, rec.Code)
		}
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+w.s1+"/acceptance/"+a.Id, cookie); rec.Code == http.StatusOK {
		t.Errorf("the office page answers a client session")
	}
	rec := tenanttest.Get(t, tt.Registry, tt.Host(), page, cookie)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Reprise peinture couloir") || !strings.Contains(rec.Body.String(), `data-testid="acceptance-sign-form"`) {
		t.Fatalf("client page = %d", rec.Code)
	}
	sign := url.Values{"client_name": {"Claire Dumas"}, "client_signature": {pvSignature(t, 4)}}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), page+"/sign", sign, cookie); rec.Code != http.StatusBadRequest {
		t.Errorf("client signs without consent = %d", rec.Code)
	}
	sign.Set("consent", "true")
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), page+"/sign", sign, cookie); rec.Code != http.StatusSeeOther {
		t.Fatalf("client signs = %d\n%s", rec.Code, rec.Body)
	}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), page+"/sign", sign, cookie); rec.Code != http.StatusConflict {
		t.Errorf("client signs twice = %d, want 409", rec.Code)
	}
	a, _ = domain.FindAcceptance(app, a.Id)
	if a.Status() != domain.AcceptanceSigned || a.PDFSHA256() == "" {
		t.Fatalf("after the client's signature: %s %q", a.Status(), a.PDFSHA256())
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), page+"/pv.pdf", cookie); rec.Code != http.StatusOK || domain.SHA256Hex(rec.Body.Bytes()) != a.PDFSHA256() {
		t.Errorf("client pv.pdf = %d", rec.Code)
	}
	contact, err := app.FindFirstRecordByData(domain.CollectionClientContacts, "email", "claire@tilleuls.test")
	must(t, err)
	if n, _ := app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"record": a.Id, "actor": domain.ClientActor(contact.Id)}); n == 0 {
		t.Errorf("the client's signature is not audited with the contact")
	}

	// the crew lifts it; the client sees it lifted and accepts it
	if _, err := domain.AddPhoto(app, crew.Record, domain.PhotoInput{Subject: r.TaskID(), File: mustFile(t, pvJPEG(t)), TakenAt: now}); err != nil {
		t.Fatal(err)
	}
	task, _ := app.FindRecordById(domain.CollectionTasks, r.TaskID())
	task.Set("status", domain.TaskDone)
	must(t, app.Save(task))
	body := tenanttest.Get(t, tt.Registry, tt.Host(), page, cookie).Body.String()
	if !strings.Contains(body, `data-testid="lift-photo"`) || !strings.Contains(body, `data-testid="accept-form-1"`) {
		t.Fatalf("the client does not see the lifting to accept")
	}
	accept := page + "/reservations/" + r.Id + "/accept"
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), accept, url.Values{"client_name": {"Claire Dumas"}, "client_signature": {pvSignature(t, 5)}, "consent": {"true"}}, cookie); rec.Code != http.StatusSeeOther {
		t.Fatalf("accept = %d\n%s", rec.Code, rec.Body)
	}
	if a, _ := domain.FindAcceptance(app, a.Id); a.Status() != domain.AcceptanceLifted {
		t.Errorf("report %s after the only lifting was accepted, want lifted", a.Status())
	}
	if body := tenanttest.Get(t, tt.Registry, tt.Host(), page, cookie).Body.String(); !strings.Contains(body, `data-testid="reservation-accepted"`) {
		t.Errorf("the client's page does not show the accepted lifting")
	}
}

// decodeSignature returns the PNG of a signature pad's data URL.
func decodeSignature(t *testing.T, dataURL string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(dataURL, "data:image/png;base64,"))
	must(t, err)
	return b
}

// TestAcceptanceNotifications: with a mail server, the client's contact
// is e-mailed when the company signed a report that waits for the
// client's signature, and when the crew lifted a reservation.
func TestAcceptanceNotifications(t *testing.T) {
	t.Parallel()
	mp := tenanttest.StartMailpit(t)
	now := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)
	tt := handlertest.New(t, tenanttest.WithClock(func() time.Time { return now }))
	mp.UseFor(t, tt.Registry)
	w := newClientWorld(t, tt)
	app := tt.App()
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	site, _ := app.FindRecordById(domain.CollectionSites, w.s1)
	site.Set("project_manager", pm.Id)
	site.Set("team", []string{crew.Id})
	must(t, app.Save(site))
	rec, link := w.invite(t, w.adminTok, map[string]any{"email": "claire@tilleuls.test", "name": "Claire Dumas", "client": w.clientA, "sites": []string{w.s1}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("invitation = %d", rec.Code)
	}
	if _, c := openClientLink(t, tt, tt.Host(), link); c == nil {
		t.Fatal("the link opens no session")
	}

	a, err := domain.PrepareAcceptance(app, pm.Record, w.s1, "", domain.AcceptanceForm{Lots: []string{"Peinture"}, Date: now})
	must(t, err)
	r, err := domain.AddAcceptanceReservation(app, pm.Record, w.s1, a.Id, domain.PunchInput{Description: "Reprise peinture couloir"}, now)
	must(t, err)
	company := domain.SignatureInput{SignerName: "P. Martin", Consent: true, PNG: decodeSignature(t, pvSignature(t, 1))}
	_, err = domain.SignAcceptance(app, pm.Record, w.s1, a.Id, &company, nil, nil, now)
	must(t, err)
	mp.WaitFor(t, "claire@tilleuls.test", "Procès-verbal de réception à signer")

	if _, err := domain.AddPhoto(app, crew.Record, domain.PhotoInput{Subject: r.TaskID(), File: mustFile(t, pvJPEG(t)), TakenAt: now}); err != nil {
		t.Fatal(err)
	}
	task, _ := app.FindRecordById(domain.CollectionTasks, r.TaskID())
	task.Set("status", domain.TaskDone)
	must(t, app.Save(task))
	if msg := mp.WaitFor(t, "claire@tilleuls.test", "Réserve n°1 levée"); !strings.Contains(msg.Text, "Reprise peinture couloir") {
		t.Errorf("lifting e-mail: %q", msg.Text)
	}
}
