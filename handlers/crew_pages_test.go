package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestCrewTimePagesClockInOutAndApproval(t *testing.T) {
	t.Parallel()
	st := newSyncTenant(t)
	reg, host := st.Registry, st.Host()
	c := st.Login("crew@acme.test", tenanttest.Password)

	rec := tenanttest.Get(t, reg, host, "/m/time", c)
	if rec.Code != 200 {
		t.Fatalf("GET /m/time: %d", rec.Code)
	}
	d := doc(t, rec.Body.String())
	notice := d.Find(`[data-testid="cnil-notice"]`).Text()
	if !strings.Contains(notice, "une seule position") || !strings.Contains(notice, "Aucun suivi") {
		t.Errorf("CNIL notice missing or unclear: %q", notice)
	}
	if d.Find(`form[data-testid="clock-in-form"][data-outbox="time_entries"]`).Length() != 1 || d.Find(`[data-testid="tab-time"]`).Length() != 1 {
		t.Error("clock-in form (with outbox hooks) or time tab missing")
	}

	// clock in outside the zone: accepted and flagged
	rec = tenanttest.PostForm(t, reg, host, "/m/time/clock-in", url.Values{"site": {st.site}, "kind": {"on_site"},
		"in_lat": {"47.2300"}, "in_lng": {"-1.5536"}, "in_accuracy": {"15"}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("clock-in: %d %s", rec.Code, rec.Body)
	}
	open := domain.FindOpenTimeEntry(st.App(), st.crew)
	if open == nil || domain.TimeFlagsOf(open).In.Status != domain.GeoOutside || open.GetString("source") != "self" {
		t.Fatalf("open entry: %v", open)
	}
	d = doc(t, tenanttest.Get(t, reg, host, "/m/time?toast=clocked_in", c).Body.String())
	if v, _ := d.Find(`[data-testid="clock-out-form"] input[name="id"]`).Attr("value"); v != open.Id {
		t.Errorf("clock-out form id = %q, want %q", v, open.Id)
	}
	if d.Find(`[data-testid="entry-flag"]`).Length() == 0 {
		t.Error("the out-of-zone flag is not shown")
	}
	rec = tenanttest.PostForm(t, reg, host, "/m/time/clock-out", url.Values{"id": {open.Id}, "out_lat": {"47.2184"}, "out_lng": {"-1.5536"}, "out_accuracy": {"9"}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("clock-out: %d", rec.Code)
	}
	// site without choice: the form says what to do
	rec = tenanttest.PostForm(t, reg, host, "/m/time/clock-in", url.Values{"kind": {"on_site"}}, c)
	if rec.Code != 400 || doc(t, rec.Body.String()).Find(`[data-testid="error-site"]`).Length() != 1 {
		t.Errorf("clock-in without a site: %d", rec.Code)
	}

	// the crew cannot open the approvals; the site lead approves
	if rec := tenanttest.Get(t, reg, host, "/time-approvals", c); rec.Code != 403 {
		t.Errorf("crew on /time-approvals: %d", rec.Code)
	}
	lc := st.Login("lead@acme.test", tenanttest.Password)
	d = doc(t, tenanttest.Get(t, reg, host, "/time-approvals", lc).Body.String())
	if d.Find(`[data-testid="approve-`+open.Id+`"]`).Length() != 1 {
		t.Fatalf("entry not listed for approval")
	}
	rec = tenanttest.PostForm(t, reg, host, "/time-approvals/"+open.Id+"/approve", nil, lc)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("approve: %d", rec.Code)
	}
	got, _ := st.App().FindRecordById("time_entries", open.Id)
	if got.GetString("status") != "approved" || got.GetString("approved_by") != st.lead {
		t.Errorf("status %q approved_by %q", got.GetString("status"), got.GetString("approved_by"))
	}
	// locked: a second approval or an API edit is refused
	rec = tenanttest.PostForm(t, reg, host, "/time-approvals/"+open.Id+"/reject", url.Values{"reason": {"x"}}, lc)
	if rec.Code != http.StatusConflict {
		t.Errorf("reject an approved entry: %d", rec.Code)
	}
	api := tenanttest.Do(t, reg, "PATCH", host, "/api/collections/time_entries/records/"+open.Id, st.Token("users", "lead@acme.test"), apiJSON(map[string]any{"clock_out": "2026-03-02 18:00:00.000Z"}))
	if api.Code == 200 {
		t.Error("an approved entry was edited through the REST API")
	}
	// team clock-in by the site lead
	rec = tenanttest.PostForm(t, reg, host, "/time-approvals/team", url.Values{"site": {st.site}, "users": {st.crew, st.crew2}}, lc)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("team clock-in: %d %s", rec.Code, rec.Body)
	}
	// statuses (approved, open) are shown as labels on both sides
	noRawValues(t, "/m/time", tenanttest.Get(t, reg, host, "/m/time", c).Body.String())
	noRawValues(t, "/time-approvals", tenanttest.Get(t, reg, host, "/time-approvals", lc).Body.String())
	if n, _ := st.App().CountRecords("time_entries", dbx.HashExp{"source": "site_lead", "status": "open"}); n != 2 {
		t.Errorf("%d team entries, want 2", n)
	}
	// crews only list their own time through the API
	list := tenanttest.Do(t, reg, "GET", host, "/api/collections/time_entries/records", st.Token("users", "crew2@acme.test"), nil)
	if strings.Contains(list.Body.String(), open.Id) {
		t.Error("a crew member lists a colleague's time entries")
	}
}

func TestCrewIncidentReport(t *testing.T) {
	t.Parallel()
	st := newSyncTenant(t)
	reg, host := st.Registry, st.Host()
	c := st.Login("crew@acme.test", tenanttest.Password)
	if rec := tenanttest.Get(t, reg, host, "/m/incident", c); rec.Code != 200 || !strings.Contains(rec.Body.String(), `data-testid="incident-form"`) {
		t.Fatalf("GET /m/incident: %d", rec.Code)
	}
	changes, cancel := domain.BrokerOf(st.App()).Subscribe("incidents")
	defer cancel()
	rec := tenanttest.PostForm(t, reg, host, "/m/incident", url.Values{"site": {st.site}, "kind": {"network_strike"}, "severity": {"critical"},
		"description": {"Câble HTA arraché à la pelle"}, "lat": {"47.2185"}, "lng": {"-1.5537"}, "accuracy": {"6"}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("report: %d %s", rec.Code, rec.Body)
	}
	inc, err := st.App().FindFirstRecordByFilter("incidents", "site = {:s}", dbx.Params{"s": st.site})
	if err != nil || inc.GetString("reported_by") != st.crew || inc.GetString("status") != "open" || inc.GetFloat("accuracy") != 6 {
		t.Fatalf("incident: %v %v", err, inc)
	}
	select {
	case ch := <-changes:
		if ch.RecordID != inc.Id {
			t.Errorf("broker published %+v", ch)
		}
	default:
		t.Error("the incident was not published to the live views")
	}
	if _, err := st.App().FindFirstRecordByFilter(domain.CollectionAuditEvents, "collection = 'incidents' && record = {:id}", dbx.Params{"id": inc.Id}); err != nil {
		t.Error("no audit event for the incident")
	}
	rec = tenanttest.PostForm(t, reg, host, "/m/incident", url.Values{"site": {st.site}, "kind": {"delay"}}, c)
	if rec.Code != 400 || doc(t, rec.Body.String()).Find(`[data-testid="error-severity"]`).Length() != 1 {
		t.Errorf("incomplete report: %d", rec.Code)
	}
	// A's cookie on B's host is anonymous there
	b := tenanttest.Provision(t, reg, "beta", domain.SectorTP)
	rec = tenanttest.PostForm(t, reg, b.Host(), "/m/incident", url.Values{"site": {st.site}, "kind": {"delay"}, "severity": {"low"}, "description": {"x"}}, c)
	if rec.Code == http.StatusSeeOther && !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Errorf("A's cookie reported an incident on B: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec.Code != 401 && rec.Code != http.StatusSeeOther {
		t.Errorf("A's cookie on B: %d", rec.Code)
	}
}

func TestCrewPWAShellManifestAndServiceWorker(t *testing.T) {
	t.Parallel()
	st := newSyncTenant(t)
	reg, host := st.Registry, st.Host()
	c := st.Login("crew@acme.test", tenanttest.Password)
	d := doc(t, tenanttest.Get(t, reg, host, "/m/", c).Body.String())
	if href, _ := d.Find(`link[rel="manifest"]`).Attr("href"); href != "/m/manifest.webmanifest" {
		t.Errorf("manifest link = %q", href)
	}
	if src, _ := d.Find(`script[src*="/js/crew."]`).Attr("src"); src == "" {
		t.Error("the crew shell does not load the crew script (service worker registration)")
	}
	if d.Find(`[data-testid="outbox-pending"]`).Length() != 1 {
		t.Error("no outbox indicator in the crew shell")
	}
	sw := tenanttest.Get(t, reg, host, "/m/sw.js")
	if sw.Code != 200 || sw.Header().Get("Service-Worker-Allowed") != "/m/" || !strings.HasPrefix(sw.Header().Get("Content-Type"), "text/javascript") {
		t.Fatalf("sw.js: %d %v", sw.Code, sw.Header())
	}
	body := sw.Body.String()
	for _, want := range []string{`const PRECACHE = [`, `"/m/time"`, `/assets/js/crew.`, `/assets/vendor/idb/idb.`, `"/m/photos"`, `"/assets/js/upload.js"`, `/assets/js/signature.`, `"/assets/vendor/signature_pad/signature_pad.js"`, `addEventListener("fetch"`} {
		if !strings.Contains(body, want) {
			t.Errorf("sw.js lacks %s", want)
		}
	}
	if csp := sw.Header().Get("Content-Security-Policy"); csp != "" && !strings.Contains(csp, "worker-src 'self'") {
		t.Errorf("CSP without worker-src: %s", csp)
	}
	// every precached asset exists
	for _, line := range strings.Split(strings.SplitN(body, "\n", 2)[0], `"`) {
		if strings.HasPrefix(line, "/assets/") {
			if r := tenanttest.Get(t, reg, host, line); r.Code != 200 {
				t.Errorf("precached %s: %d", line, r.Code)
			}
		}
	}
}
