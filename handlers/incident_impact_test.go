package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// impactTenant is incidentTenant plus two tasks that follow A
// "Terrassement" (Mon 2 → Wed 4 March 2026): C "Réseaux" (FS from A) that
// the planner put later than A requires (Mon 16), and X "Voirie" (Mon 2,
// 5 days) that becomes B's second predecessor in a scenario.
type impactTenant struct {
	incidentTenant
	c, x string
}

func newImpactTenant(t *testing.T) impactTenant {
	t.Helper()
	it := impactTenant{incidentTenant: newIncidentTenant(t)}
	it.c = it.Record("tasks", map[string]any{"site": it.site, "title": "Réseaux", "planned_start": "2026-03-16 00:00:00.000Z", "duration_days": 2, "status": "planned"}).Id
	it.Record("task_links", map[string]any{"from": it.a, "to": it.c, "type": "FS", "lag_days": 0})
	it.x = it.Record("tasks", map[string]any{"site": it.site, "title": "Voirie", "planned_start": "2026-03-02 00:00:00.000Z", "duration_days": 5, "status": "planned"}).Id
	return it
}

// impactPath sets the incident's impact in days on task A, as the office
// form does or as a PocketBase REST client does; it answers the status.
type impactPath func(t *testing.T, it impactTenant, days string) (int, string)

func impactByForm(t *testing.T, it impactTenant, days string) (int, string) {
	v := qualify(days, "0")
	v.Set("task", it.a)
	return it.post(t, "", v, it.lead)
}

func impactByAPI(t *testing.T, it impactTenant, days string) (int, string) {
	t.Helper()
	tok := it.Token("users", "lead@acme.test")
	rec := tenanttest.Do(t, it.Registry, http.MethodPatch, it.Host(), "/api/collections/incidents/records/"+it.inc, tok,
		strings.NewReader(`{"task":"`+it.a+`","impact_days":`+days+`}`))
	return rec.Code, rec.Body.String()
}

// TestIncidentImpactDaysEveryPath: raising an incident's impact in days
// lengthens its task and pushes the successors its predecessors drive
// (B), reducing it brings them back by as much, never before their other
// predecessors (X) nor a date the planner chose (C); through the office
// form and the REST API alike, each move audited with the user.
func TestIncidentImpactDaysEveryPath(t *testing.T) {
	t.Parallel()
	for name, set := range map[string]impactPath{"office form": impactByForm, "REST API": impactByAPI} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			it := newImpactTenant(t)
			ok := http.StatusSeeOther
			if name == "REST API" {
				ok = http.StatusOK
			}
			step := func(days, aEnd, bStart, bEnd string) {
				t.Helper()
				if code, body := set(t, it, days); code != ok {
					t.Fatalf("impact %s d: %d %s", days, code, body)
				}
				if got := it.end(t, it.a) + " " + it.start(t, it.b) + "→" + it.end(t, it.b); got != aEnd+" "+bStart+"→"+bEnd {
					t.Fatalf("impact %s d: A ends, B = %s, want %s %s→%s", days, got, aEnd, bStart, bEnd)
				}
				if got := it.start(t, it.c); got != "2026-03-16" {
					t.Fatalf("impact %s d: C, put on Mon 16 by the planner, starts %s", days, got)
				}
			}
			audited := func(task string) int64 {
				n, err := it.App().CountRecords("audit_events", dbx.HashExp{"collection": "tasks", "record": task, "actor": it.leadID})
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			before := audited(it.b)
			step("2", "2026-03-06", "2026-03-09", "2026-03-10") // raised: A +2 d, B pushed
			step("3", "2026-03-09", "2026-03-10", "2026-03-11") // raised again by 1
			if audited(it.b) < before+2 {
				t.Fatalf("B's moves are not audited with the user: %d → %d events", before, audited(it.b))
			}
			step("1", "2026-03-05", "2026-03-06", "2026-03-09") // reduced by 2: B comes back by 2
			if inc, _ := domain.FindIncident(it.App(), it.inc); inc.ImpactDays() != 1 || inc.TaskID() != it.a {
				t.Fatalf("incident: %v", inc.PublicExport())
			}
			// X (Mon 2 → Fri 6) becomes B's second predecessor: B then
			// starts Mon 9, and giving A's day back leaves it there
			it.Record("task_links", map[string]any{"from": it.x, "to": it.b, "type": "FS", "lag_days": 0})
			if got := it.start(t, it.b); got != "2026-03-09" {
				t.Fatalf("B after the link from X starts %s", got)
			}
			step("0", "2026-03-04", "2026-03-09", "2026-03-10")
			plan, err := domain.LoadSitePlan(it.App(), it.site, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if got := plan.Schedule.Finish.Format(time.DateOnly); got != "2026-03-17" {
				t.Fatalf("site finish %s, want C's end 2026-03-17", got)
			}
		})
	}
}

// TestIncidentImpactDaysAPIRefusals: the REST API refuses what the form
// refuses (a fraction of a day, an impact without a task, a task of
// another site) and an impact set by a user who may not manage the
// site's incidents, with nothing moved.
func TestIncidentImpactDaysAPIRefusals(t *testing.T) {
	t.Parallel()
	it := newImpactTenant(t)
	lead := it.Token("users", "lead@acme.test")
	other := it.Record("tasks", map[string]any{"site": it.site2, "title": "Ailleurs", "planned_start": "2026-03-02 00:00:00.000Z", "duration_days": 1, "status": "planned"})
	patch := func(tok, body string) (int, map[string]any) {
		t.Helper()
		rec := tenanttest.Do(t, it.Registry, http.MethodPatch, it.Host(), "/api/collections/incidents/records/"+it.inc, tok, strings.NewReader(body))
		var out map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return rec.Code, out
	}
	field := func(out map[string]any) string {
		data, _ := out["data"].(map[string]any)
		for k := range data {
			return k
		}
		return ""
	}
	for _, c := range []struct {
		name, body, field string
	}{
		{"a fraction of a day", `{"task":"` + it.a + `","impact_days":1.5}`, "impact_days"},
		{"no task", `{"impact_days":2}`, "task"},
		{"a task of another site", `{"task":"` + other.Id + `","impact_days":2}`, "task"},
	} {
		if code, out := patch(lead, c.body); code != http.StatusBadRequest || field(out) != c.field {
			t.Errorf("%s: %d %v, want 400 on %s", c.name, code, out, c.field)
		}
	}
	// another site's lead does not reach the incident; the crew may not
	// report one with an impact
	if code, _ := patch(it.Token("users", "other@acme.test"), `{"task":"`+it.a+`","impact_days":2}`); code != http.StatusNotFound {
		t.Errorf("another site's lead: %d, want 404", code)
	}
	rec := tenanttest.Do(t, it.Registry, http.MethodPost, it.Host(), "/api/collections/incidents/records", it.Token("users", "crew@acme.test"),
		strings.NewReader(`{"site":"`+it.site+`","task":"`+it.a+`","kind":"network_strike","severity":"low","description":"Réseau non repéré","impact_days":3}`))
	if rec.Code != http.StatusForbidden {
		t.Errorf("the crew reports an incident with an impact: %d %s", rec.Code, rec.Body.String())
	}
	if a, b := it.end(t, it.a), it.start(t, it.b); a != "2026-03-04" || b != "2026-03-05" {
		t.Fatalf("a refused impact moved the schedule: A ends %s, B starts %s", a, b)
	}
}
