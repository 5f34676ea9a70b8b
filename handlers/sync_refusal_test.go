package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestSyncRefusalFiledForTheOffice: an operation the server refuses (an
// incident with only the site set) is answered with its status, the
// message in the caller's language and the field at fault, and filed in
// the office's inbox once (a replay answers the same, files nothing
// more); the site lead reads it in plain French — who, when, what, on
// which site, why, the values sent by name — and in English when that is
// their language; a correction naming the refused key settles it.
func TestSyncRefusalFiledForTheOffice(t *testing.T) {
	t.Parallel()
	st := newSyncTenant(t)
	app := st.App()
	refused := syncOp{"key": ulid(40), "op": "create", "collection": "incidents", "device_time": "2026-03-02T09:00:00+01:00",
		"data": map[string]any{"site": st.site, "lat": 47.2185, "lng": -1.5536, "accuracy": 12}}
	code, res := st.sync(t, "crew@acme.test", refused)
	if code != 200 || len(res) != 1 {
		t.Fatalf("%d %+v", code, res)
	}
	r := res[0]
	if r.Status != 400 || r.Field != "kind" || r.Conflict == "" || !strings.Contains(r.Error, "type") || strings.Contains(r.Error, " / ") {
		t.Fatalf("refusal = %+v, want 400 on kind, a French message only, filed in the inbox", r)
	}
	if n := st.count(t, "incidents", nil); n != 0 {
		t.Fatalf("%d incidents stored", n)
	}
	c, err := domain.FindSyncConflict(app, r.Conflict)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind() != domain.InboxRefusal || c.StatusCode() != 400 || c.Field() != "kind" || c.UserID() != st.crew || c.SiteID() != st.site ||
		c.Status() != domain.ConflictOpen || c.Key() != ulid(40) || !strings.Contains(c.Reason(), " / ") || c.DeviceTime().IsZero() {
		t.Errorf("inbox entry: %v", c.FieldsData())
	}
	// a replay (the phone did not get the answer) answers the same, once
	if _, again := st.sync(t, "crew@acme.test", refused); len(again) != 1 || again[0] != r {
		t.Errorf("replay = %+v, want %+v", again, r)
	}
	if n := st.count(t, domain.CollectionSyncConflicts, dbx.HashExp{"key": ulid(40)}); n != 1 {
		t.Errorf("%d inbox entries for the key, want 1", n)
	}
	// English caller: the per-operation message in English
	crew, _ := app.FindRecordById("users", st.crew)
	if err := domain.SetUserLocale(app, crew, "en"); err != nil {
		t.Fatal(err)
	}
	_, en := st.sync(t, "crew@acme.test", syncOp{"key": ulid(42), "op": "create", "collection": "incidents",
		"data": map[string]any{"site": st.site, "kind": "delay", "severity": "low"}})
	if en[0].Status != 400 || en[0].Field != "description" || en[0].Error == "" || strings.Contains(en[0].Error, "é") {
		t.Errorf("English refusal = %+v", en[0])
	}

	// the site lead reads it in plain words
	lc := st.Login("lead@acme.test", tenanttest.Password)
	rec := tenanttest.Get(t, st.Registry, st.Host(), "/time-approvals", lc)
	if rec.Code != 200 {
		t.Fatalf("inbox page: %d", rec.Code)
	}
	d := doc(t, rec.Body.String())
	entry := d.Find(`[data-testid="conflict-` + r.Conflict + `"]`)
	if entry.Length() != 1 || entry.AttrOr("data-kind", "") != "refusal" {
		t.Fatalf("refusal not in the lead's inbox: %s", d.Find(`[data-testid="conflicts"]`).Text())
	}
	text := strings.Join(strings.Fields(entry.Text()), " ")
	for _, want := range []string{"Refusé", "Signalement d'aléa", crew.GetString("name"), "reçu le", "saisi sur le téléphone le 02/03/2026",
		"Chantier : CH-1 · École", "Motif :", "Position", "47.2185, -1.5536 (± 12 m)"} {
		if !strings.Contains(text, want) {
			t.Errorf("inbox entry lacks %q: %s", want, text)
		}
	}
	for _, raw := range []string{"{", "}", "incidents", "lat", "system", "kind"} {
		if strings.Contains(text, raw) {
			t.Errorf("inbox entry shows %q (raw data): %s", raw, text)
		}
	}
	lead, _ := app.FindRecordById("users", st.lead)
	if err := domain.SetUserLocale(app, lead, "en"); err != nil {
		t.Fatal(err)
	}
	d = doc(t, tenanttest.Get(t, st.Registry, st.Host(), "/time-approvals", lc).Body.String())
	text = strings.Join(strings.Fields(d.Find(`[data-testid="conflict-`+r.Conflict+`"]`).Text()), " ")
	if !strings.Contains(text, "Refused") || !strings.Contains(text, "Incident report") || !strings.Contains(text, "Site: CH-1") || strings.Contains(text, "Signalement") {
		t.Errorf("English inbox entry: %s", text)
	}

	// the crew member corrects it: the correction is applied and settles
	// the refusal, as done by its author
	_, fixed := st.sync(t, "crew@acme.test", syncOp{"key": ulid(41), "op": "create", "collection": "incidents",
		"data": map[string]any{"site": st.site, "kind": "safety", "severity": "high", "description": "Garde-corps manquant", "@replaces": ulid(40)}})
	if fixed[0].Status != 200 {
		t.Fatalf("correction: %+v", fixed[0])
	}
	c, _ = domain.FindSyncConflict(app, r.Conflict)
	if c.Status() != domain.ConflictResolved || c.ResolvedByID() != st.crew {
		t.Errorf("after the correction: status %q resolved by %q", c.Status(), c.ResolvedByID())
	}
	d = doc(t, tenanttest.Get(t, st.Registry, st.Host(), "/time-approvals", lc).Body.String())
	if d.Find(`[data-testid="conflict-`+r.Conflict+`"]`).Length() != 0 {
		t.Error("a corrected refusal is still in the inbox")
	}
	// another user's key cannot settle it
	_, other := st.sync(t, "crew2@acme.test", syncOp{"key": ulid(43), "op": "create", "collection": "incidents",
		"data": map[string]any{"site": st.site, "kind": "delay", "severity": "low", "description": "Livraison en retard", "@replaces": ulid(42)}})
	if other[0].Status != 200 {
		t.Fatalf("crew2's incident: %+v", other[0])
	}
	if c, _ := domain.FindSyncConflict(app, en[0].Conflict); c.Status() != domain.ConflictOpen {
		t.Error("crew2's operation settled crew's refusal")
	}
}

// TestSyncRefusalInboxScope: a refusal about a site is shown to that
// site's lead and the office, not to the lead of another site; one that
// names no site (an operation on a collection the app may not write) to
// every office role; the crew never opens the inbox; a malformed
// @replaces is itself a refusal.
func TestSyncRefusalInboxScope(t *testing.T) {
	t.Parallel()
	st := newSyncTenant(t)
	app := st.App()
	other := st.User(domain.RoleSiteLead, "lead2@acme.test")
	st.Record("sites", map[string]any{"code": "CH-2", "name": "Gare", "sector": "btp", "status": "active", "site_lead": other.Id})
	_, res := st.sync(t, "crew@acme.test",
		syncOp{"key": ulid(50), "op": "create", "collection": "incidents", "data": map[string]any{"site": st.site}},
		syncOp{"key": ulid(51), "op": "create", "collection": "users", "data": map[string]any{"email": "x@y.z"}},
		syncOp{"key": ulid(52), "op": "update", "collection": "tasks", "id": st.task, "data": map[string]any{"status": "validated"}},
	)
	if res[0].Status != 400 || res[1].Status != 403 || res[2].Status != 403 {
		t.Fatalf("results %+v", res)
	}
	for _, r := range res {
		if r.Conflict == "" {
			t.Errorf("%s not filed: %+v", r.Key, r)
		}
	}
	if c, _ := domain.FindSyncConflict(app, res[2].Conflict); c.SiteID() != st.site {
		t.Errorf("a refused task change is filed under site %q, want its task's site", c.SiteID())
	}
	if c, _ := domain.FindSyncConflict(app, res[1].Conflict); c.SiteID() != "" || c.StatusCode() != 403 {
		t.Errorf("refusal without a site: %v", c.FieldsData())
	}
	ids := func(email string) map[string]bool {
		u, _ := app.FindAuthRecordByEmail("users", email)
		recs, err := domain.FindOpenConflicts(app, u)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, r := range recs {
			out[r.Id] = true
		}
		return out
	}
	if got := ids("lead@acme.test"); !got[res[0].Conflict] || !got[res[1].Conflict] || !got[res[2].Conflict] {
		t.Errorf("site lead sees %v", got)
	}
	if got := ids("lead2@acme.test"); got[res[0].Conflict] || got[res[2].Conflict] || !got[res[1].Conflict] {
		t.Errorf("the other site's lead sees %v", got)
	}
	if got := ids(st.Admin); len(got) != 3 {
		t.Errorf("the office sees %v", got)
	}
	// the crew cannot open or settle the inbox
	c := st.Login("crew@acme.test", tenanttest.Password)
	if rec := tenanttest.Get(t, st.Registry, st.Host(), "/time-approvals", c); rec.Code != http.StatusForbidden {
		t.Errorf("crew on the inbox: %d", rec.Code)
	}
	if rec := tenanttest.PostForm(t, st.Registry, st.Host(), "/conflicts/"+res[0].Conflict+"/resolve", nil, c); rec.Code != http.StatusForbidden {
		t.Errorf("crew settling: %d", rec.Code)
	}
	// settled by the lead: gone from the inbox
	lc := st.Login("lead@acme.test", tenanttest.Password)
	if rec := tenanttest.PostForm(t, st.Registry, st.Host(), "/conflicts/"+res[0].Conflict+"/resolve", nil, lc); rec.Code != http.StatusSeeOther {
		t.Errorf("lead settling: %d", rec.Code)
	}
	if ids("lead@acme.test")[res[0].Conflict] {
		t.Error("a settled refusal is still open")
	}
	// tenant A's lead cookie on tenant B's inbox
	b := tenanttest.Provision(t, st.Registry, "beta", domain.SectorTP)
	if rec := tenanttest.Get(t, st.Registry, b.Host(), "/time-approvals", lc); rec.Code == http.StatusOK {
		t.Errorf("A's cookie on B's inbox: %d", rec.Code)
	}
	// @replaces must be a key
	_, bad := st.sync(t, "crew@acme.test", syncOp{"key": ulid(53), "op": "create", "collection": "incidents",
		"data": map[string]any{"site": st.site, "kind": "delay", "severity": "low", "description": "Retard", "@replaces": 12}})
	if bad[0].Status != 400 {
		t.Errorf("@replaces not a key: %+v", bad[0])
	}
}
