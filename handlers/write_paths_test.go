package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestWritePathsSameRules: the dashboard's superuser, the batch API and
// the site of an update meet the same rules as the pages.
func TestWritePathsSameRules(t *testing.T) {
	t.Parallel()
	w := newPermWorld(t)
	su, lead := w.Token("_superusers", w.Admin), w.Token("users", "site_lead@acme.test")
	// the dashboard (a superuser) is bound by the value rules too
	entry := map[string]any{"user": w.id(domain.RoleCrew), "site": w.siteA, "clock_in": "9999-12-31 08:00:00.000Z"}
	if code, body, _ := w.apiAs(su, "POST", "/api/collections/time_entries/records", entry); code != 400 || !strings.Contains(body, "futur") {
		t.Errorf("superuser's entry dated 9999: %d %s", code, body)
	}
	entry["clock_in"], entry["clock_out"] = dbTime(time.Now().Add(-3*time.Hour)), dbTime(time.Now().Add(-4*time.Hour))
	if code, body, _ := w.apiAs(su, "POST", "/api/collections/time_entries/records", entry); code != 400 || !strings.Contains(body, "Le départ doit suivre") {
		t.Errorf("superuser's entry ending before it starts: %d %s", code, body)
	}
	// an approved entry is locked, for the dashboard too
	approved := w.rec("time_entries", map[string]any{"user": w.id(domain.RoleCrew), "site": w.siteA, "clock_in": dbTime(time.Now().Add(-3 * time.Hour)),
		"clock_out": dbTime(time.Now().Add(-2 * time.Hour)), "status": "approved"})
	if code, body, _ := w.apiAs(su, "DELETE", "/api/collections/time_entries/records/"+approved.Id, nil); code != 409 {
		t.Errorf("superuser deletes an approved entry: %d %s", code, body)
	}
	// the batch API runs the same request hooks
	batch := map[string]any{"requests": []map[string]any{{"method": "POST", "url": "/api/collections/signatures/records",
		"body": map[string]any{"subject": w.task(true).Id, "signer_name": "X", "signer_role": "client", "signed_at": dbTime(time.Now())}}}}
	if code, body, _ := w.apiAs(w.Token("users", "crew@acme.test"), "POST", "/api/batch", batch); code == 200 {
		t.Errorf("a batch created a signature: %s", body)
	}
	if n, _ := w.App().CountRecords("signatures"); n != 0 {
		t.Errorf("%d signatures after the batch", n)
	}
	// a day-to-day record cannot be moved to a site one does not run
	task := w.task(true)
	code, body, _ := w.apiAs(lead, "PATCH", "/api/collections/tasks/records/"+task.Id, map[string]any{"site": w.siteB})
	if code != 403 || !strings.Contains(body, "chantier") {
		t.Errorf("site lead of A moves a task to B: %d %s", code, body)
	}
	inc := w.rec("incidents", map[string]any{"site": w.siteA, "kind": "delay", "severity": "low", "description": "Retard"})
	if code, body, _ := w.apiAs(lead, "PATCH", "/api/collections/incidents/records/"+inc.Id, map[string]any{"site": w.siteB}); code != 403 {
		t.Errorf("site lead of A moves an incident to B: %d %s", code, body)
	}
	if code, body, _ := w.apiAs(lead, "PATCH", "/api/collections/tasks/records/"+task.Id, map[string]any{"progress": 50}); code != 200 {
		t.Errorf("site lead of A reports progress on A: %d %s", code, body)
	}
	// an incident's job is on its site
	other := w.task(false)
	bad := map[string]any{"site": w.siteA, "task": other.Id, "kind": "delay", "severity": "low", "description": "Retard"}
	if code, body, _ := w.apiAs(lead, "POST", "/api/collections/incidents/records", bad); code != 400 || !strings.Contains(body, "pas sur ce chantier") {
		t.Errorf("incident on A about a task of B: %d %s", code, body)
	}
	// settling a conflict changes its status only, in the settler's name
	c := w.rec(domain.CollectionSyncConflicts, map[string]any{"user": w.id(domain.RoleCrew), "key": "01J000000000000000000000X1", "op": "update",
		"collection": "tasks", "reason": "Réaffectée", "status": "open", "site": w.siteA})
	code, body, settled := w.apiAs(lead, "PATCH", "/api/collections/sync_conflicts/records/"+c.Id, map[string]any{"status": "resolved", "reason": "effacée", "resolved_by": w.id(domain.RoleManager)})
	if code != 200 || settled["reason"] != "Réaffectée" || settled["resolved_by"] != w.id(domain.RoleSiteLead) {
		t.Errorf("settling a conflict: %d %s", code, body)
	}
}

// TestWriteUploadDeviceTimes: a proof upload whose device clock is
// absurd (1970, 9999) keeps its proof, dated by the server.
func TestWriteUploadDeviceTimes(t *testing.T) {
	t.Parallel()
	pt := newPhotoTenant(t)
	host, tok := pt.Host(), pt.Token("users", "crew@acme.test")
	for i, at := range []string{"1970-01-01T00:00:00Z", "9999-12-31T00:00:00Z"} {
		data := orientedJPEG(t, 40+i, 30, 1)
		meta := map[string]any{"site": pt.siteA, "subject": pt.task, "taken_at": at}
		rec, st := upStart(t, pt, host, tok, ulid(950+i), "photo", "image/jpeg", data, meta)
		if rec.Code != http.StatusCreated {
			t.Fatalf("start: %d %s", rec.Code, rec.Body)
		}
		rec, st = upChunk(t, pt, host, tok, st.ID, 0, data)
		if rec.Code != 200 || st.Status != "complete" || st.Result == nil {
			t.Fatalf("upload with a device clock at %s: %d %s", at, rec.Code, rec.Body)
		}
		p, err := pt.App().FindRecordById("photos", st.Result.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.GetDateTime("taken_at").Time(); time.Since(got) > time.Minute || time.Until(got) > time.Minute {
			t.Errorf("device clock %s: taken_at %v, want the server's time", at, got)
		}
	}
	// the page's own form likewise
	c := pt.Login("crew@acme.test", tenanttest.Password)
	rec := postPhoto(t, pt, host, map[string]string{"site": pt.siteA, "taken_at": "1970-01-01T00:00:00Z"}, "p.jpg", orientedJPEG(t, 50, 30, 1), c)
	if rec.Code != http.StatusSeeOther {
		t.Errorf("photo form with a device clock in 1970: %d", rec.Code)
	}
}
