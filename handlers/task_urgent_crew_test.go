package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestCrewStartRefusalOffersUrgentWorks: on the crew app, the DT-DICT
// refusal of an excavation's start offers the urgent-works declaration to
// the site lead (who may declare it; back to the crew page once made)
// and tells the crew member whom to ask; the sync answer of the same
// refusal names its reason for the phone's outbox; once declared, the
// crew member starts the job.
func TestCrewStartRefusalOffersUrgentWorks(t *testing.T) {
	t.Parallel()
	k := newTaskTenant(t)
	id := k.create(t, k.pm, k.form("Tranchée AEP", k.dig))
	page := "/m/tasks/" + id
	start := func(c *http.Cookie) (int, string) {
		rec := tenanttest.PostForm(t, k.Registry, k.Host(), page+"/status", url.Values{"status": {"in_progress"}}, c)
		return rec.Code, rec.Body.String()
	}
	// drawn with the page, shown only with the refusal
	rec := tenanttest.Get(t, k.Registry, k.Host(), page, k.crew)
	if offer := testid(doc(t, rec.Body.String()), "urgent-offer"); rec.Code != http.StatusOK || offer.Length() != 1 || offer.AttrOr("hidden", "no") == "no" {
		t.Fatalf("crew page before a start: %d, offer %d (hidden %q)", rec.Code, offer.Length(), offer.AttrOr("hidden", "no"))
	}
	pm, _ := domain.FindPerson(k.App(), k.pmID)
	lead, _ := domain.FindPerson(k.App(), k.leadID)
	code, body := start(k.crew)
	d := doc(t, body)
	if code != http.StatusBadRequest || !strings.Contains(testid(d, "task-error").Text(), "DT-DICT") {
		t.Fatalf("crew start: %d %q", code, testid(d, "task-error").Text())
	}
	offer := testid(d, "urgent-offer")
	if _, hidden := offer.Attr("hidden"); hidden || testid(d, "urgent-declare").Length() != 0 ||
		!strings.Contains(testid(d, "urgent-ask").Text(), lead.Name()) || !strings.Contains(testid(d, "urgent-ask").Text(), pm.Name()) {
		t.Errorf("the crew's refusal: hidden %v, declare %d, ask %q", hidden, testid(d, "urgent-declare").Length(), testid(d, "urgent-ask").Text())
	}
	code, body = start(k.lead)
	d = doc(t, body)
	declare := "/sites/" + k.site + "/tasks/" + id + "/urgent?back=" + page
	if href, _ := testid(d, "urgent-declare").Attr("href"); code != http.StatusBadRequest || href != declare || testid(d, "urgent-ask").Length() != 0 {
		t.Fatalf("the lead's refusal: %d, declare %q, want %q", code, href, declare)
	}
	// the offline outbox's answer names the refusal
	st := syncTenant{Tenant: k.Tenant}
	_, res := st.sync(t, "crew@tpco.test", syncOp{"key": ulid(7), "op": "update", "collection": "tasks", "id": id,
		"data": map[string]any{"status": "in_progress"}, "device_time": "2026-03-09T08:00:00+01:00"})
	if len(res) != 1 || res[0].Status != http.StatusBadRequest || res[0].Reason != domain.KeyExcavationRefused || res[0].Field != "status" || res[0].Conflict == "" {
		t.Fatalf("sync answer = %+v", res)
	}
	raw, _ := json.Marshal(res[0])
	if !strings.Contains(string(raw), `"reason":"err.task.excavation_refused"`) {
		t.Errorf("sync JSON %s", raw)
	}
	// the declaration from the crew app: a short reason stays on the form
	// (and its way back), a real one goes back to the crew page
	urgent := tenanttest.Get(t, k.Registry, k.Host(), declare, k.lead)
	if action, _ := testid(doc(t, urgent.Body.String()), "urgent-form").Attr("action"); urgent.Code != http.StatusOK || action != declare {
		t.Errorf("declaration page from the crew app: %d, action %q", urgent.Code, action)
	}
	if other := tenanttest.Get(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+id+"/urgent?back=https://evil.test/", k.lead); strings.Contains(other.Body.String(), "evil.test") {
		t.Error("the declaration page goes back to another origin")
	}
	rec = tenanttest.PostForm(t, k.Registry, k.Host(), declare, url.Values{"urgent_reason": {"Fuite"}}, k.lead)
	if d := doc(t, rec.Body.String()); rec.Code != http.StatusBadRequest || testid(d, "error-urgent_reason").Length() != 1 {
		t.Fatalf("short reason: %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, k.Registry, k.Host(), declare, url.Values{"urgent_reason": {"Fuite sur réseau AEP, rue de la Gare"}}, k.lead)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != page {
		t.Fatalf("declare from the crew app: %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	rec = tenanttest.Get(t, k.Registry, k.Host(), page, k.crew)
	if testid(doc(t, rec.Body.String()), "urgent-offer").Length() != 0 {
		t.Error("the offer stays once urgent works are declared")
	}
	if code, body := start(k.crew); code != http.StatusSeeOther {
		t.Fatalf("crew start after the declaration: %d %s", code, body)
	}
	if s := k.task(t, id).Status(); s != domain.TaskInProgress {
		t.Errorf("status %q", s)
	}
}
