package handlers_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// The invitation is e-mailed (its link signs in once), and the archive of
// a weekly report e-mails the contacts with a live access to the site —
// not a revoked one.
func TestClientMailInvitationAndReport(t *testing.T) {
	t.Parallel()
	mp := tenanttest.StartMailpit(t)
	tt := handlertest.New(t)
	mp.UseFor(t, tt.Registry)
	w := newClientWorld(t, tt)

	rec, _ := w.invite(t, w.adminTok, map[string]any{"email": "claire@tilleuls.test", "name": "Claire", "client": w.clientA, "sites": []string{w.s1}})
	var out struct {
		Mailed bool   `json:"mailed"`
		Access string `json:"access"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != http.StatusCreated || !out.Mailed {
		t.Fatalf("invitation = %d %s", rec.Code, rec.Body.String())
	}
	msg := mp.WaitFor(t, "claire@tilleuls.test", "suivez vos chantiers")
	link := regexp.MustCompile(`https?://\S+/client/link/[A-Za-z0-9]+`).FindString(msg.Text)
	if open, c := openClientLink(t, tt, tt.Host(), link); open.Code != http.StatusSeeOther || c == nil {
		t.Fatalf("mailed link = %d", open.Code)
	}
	rec, _ = w.invite(t, w.adminTok, map[string]any{"email": "paul@tilleuls.test", "name": "Paul", "locale": "en", "client": w.clientA, "sites": []string{w.s1}})
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || !out.Mailed {
		t.Fatalf("second invitation = %d", rec.Code)
	}
	mp.WaitFor(t, "paul@tilleuls.test", "follow your sites")
	admin, _ := tt.App().FindAuthRecordByEmail(domain.CollectionUsers, tt.Admin)
	if err := domain.RevokeClientAccess(tt.App(), out.Access, admin); err != nil {
		t.Fatal(err)
	}

	// NotifyClientContacts (the acceptance module's notices): the live contact only
	if n, err := domain.NotifyClientContacts(tt.App(), w.s1, "test", "Essai", "Test", "Essai", "Test"); n != 1 || err != nil {
		t.Fatalf("notify = %d, %v", n, err)
	}
	weeklyReport(t, tt.App(), w.s1, "2026-W49")
	report := mp.WaitFor(t, "claire@tilleuls.test", "Rapport hebdomadaire")
	if !regexp.MustCompile(`/client/sites/` + w.s1).MatchString(report.Text) {
		t.Errorf("report mail without the site's link: %q", report.Text)
	}
	if n := mp.Count(t); n != 4 {
		t.Errorf("messages = %d, want 4 (two invitations, a notice, a report: none to the revoked contact)", n)
	}
	// a report of a site without contacts mails nobody
	weeklyReport(t, tt.App(), w.s4, "2026-W49")
	if n := mp.Count(t); n != 4 {
		t.Errorf("messages after a report of another client's site = %d", n)
	}
}
