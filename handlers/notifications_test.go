package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// notifyWorld is a tenant with a manager (the tenant admin), a project
// manager and a site lead running site S (budget 1 000 €), a crew member
// in its team, and another project manager on nothing.
type notifyWorld struct {
	*tenanttest.Tenant
	admin, pm, lead, crew, otherPM domain.User
	site                           *core.Record
}

func newNotifyWorld(t *testing.T) *notifyWorld {
	t.Helper()
	tt := handlertest.New(t, handlertest.WithDeps(func(d *handlers.Deps) { d.NotifyDebounce = 20 * time.Millisecond }))
	w := &notifyWorld{Tenant: tt}
	a, err := tt.App().FindAuthRecordByEmail(domain.CollectionUsers, tt.Admin)
	if err != nil {
		t.Fatal(err)
	}
	w.admin = domain.User{Record: a}
	w.pm = tt.User(domain.RoleProjectManager, "pm@acme.test")
	w.lead = tt.User(domain.RoleSiteLead, "lead@acme.test")
	w.crew = tt.User(domain.RoleCrew, "crew@acme.test")
	w.otherPM = tt.User(domain.RoleProjectManager, "pm2@acme.test")
	w.site = tt.Record(domain.CollectionSites, map[string]any{"code": "CH-7", "name": "Gymnase", "sector": "btp", "status": "active",
		"budget": 1000, "project_manager": w.pm.Id, "site_lead": w.lead.Id, "team": []string{w.crew.Id}})
	return w
}

// open returns the user's unresolved notifications of kind by state.
func (w *notifyWorld) open(userID, kind string) map[string]domain.Notification {
	w.T.Helper()
	list, err := domain.FindUserNotifications(w.App(), userID, false, 500)
	if err != nil {
		w.T.Fatal(err)
	}
	out := map[string]domain.Notification{}
	for _, n := range list {
		if n.Kind() == kind && n.ResolvedAt().IsZero() {
			out[n.Subject()+"/"+n.State()] = n
		}
	}
	return out
}

// states returns the sorted "subject/state" keys of open notifications.
func states(m map[string]domain.Notification) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// waitOpen waits (the job evaluates after each burst of changes) until
// the user's open notifications of kind are exactly want ("subject/state"
// keys, comma-separated, sorted; "" for none).
func (w *notifyWorld) waitOpen(userID, kind, want string) map[string]domain.Notification {
	w.T.Helper()
	deadline := time.Now().Add(8 * time.Second)
	for {
		got := w.open(userID, kind)
		if states(got) == want {
			return got
		}
		if time.Now().After(deadline) {
			w.T.Fatalf("%s notifications of %s = %q, want %q", kind, userID, states(got), want)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// noDuplicate evaluates every rule again at once: nothing new is created
// for conditions already notified.
func (w *notifyWorld) noDuplicate() {
	w.T.Helper()
	n, err := domain.EvaluateNotifications(w.App(), time.Now())
	if err != nil {
		w.T.Fatal(err)
	}
	if n != 0 {
		w.T.Errorf("a second evaluation created %d notification(s)", n)
	}
}

func (w *notifyWorld) save(r *core.Record, fields map[string]any) {
	w.T.Helper()
	r.Load(fields)
	if err := w.App().Save(r); err != nil {
		w.T.Fatalf("save %s: %v", r.Collection().Name, err)
	}
}

func day(offset int) string {
	return time.Now().UTC().AddDate(0, 0, offset).Format("2006-01-02") + " 12:00:00.000Z"
}

// TestNotifyRulesFireDedupAndResolve runs every rule: its condition
// notifies the people who should know (and nobody else) once, a second
// evaluation adds nothing, a new state notifies again, and the end of the
// condition resolves it.
func TestNotifyRulesFireDedupAndResolve(t *testing.T) {
	t.Parallel()
	w := newNotifyWorld(t)
	s := w.site.Id
	pmCookie := w.Login("pm@acme.test", tenanttest.Password)

	t.Run("stock low", func(t *testing.T) {
		m := w.Record(domain.CollectionMaterials, map[string]any{"sku": "CIM-1", "name": "Ciment", "unit": "sac", "unit_cost": 8, "min_stock": 10})
		want := m.Id + "/low"
		w.waitOpen(w.admin.Id, domain.NotifyStockLow, want)
		w.waitOpen(w.pm.Id, domain.NotifyStockLow, want)
		w.waitOpen(w.otherPM.Id, domain.NotifyStockLow, want) // purchasing: every project manager
		if got := w.open(w.lead.Id, domain.NotifyStockLow); len(got) != 0 {
			t.Errorf("site lead told of stock: %v", states(got))
		}
		w.noDuplicate()
		w.Record(domain.CollectionStockMoves, map[string]any{"material": m.Id, "kind": "receipt", "qty": 25, "location": "depot", "unit_cost": 8})
		w.waitOpen(w.admin.Id, domain.NotifyStockLow, "")
		w.waitOpen(w.pm.Id, domain.NotifyStockLow, "")
	})

	t.Run("budget", func(t *testing.T) {
		inc := w.Record(domain.CollectionIncidents, map[string]any{"site": s, "kind": "damage", "severity": "low", "description": "Vitre cassée",
			"status": "open", "impact_eur": 950, "reported_by": w.lead.Id})
		got := w.waitOpen(w.pm.Id, domain.NotifyBudget, s+"/threshold")
		w.waitOpen(w.admin.Id, domain.NotifyBudget, s+"/threshold")
		if txt := domain.NotificationText(got[s+"/threshold"], "fr"); txt != "Chantier CH-7 Gymnase : 95 % du budget consommé (seuil 90 %)" {
			t.Errorf("budget text = %q", txt)
		}
		if got := w.open(w.lead.Id, domain.NotifyBudget); len(got) != 0 {
			t.Errorf("site lead told of the budget: %v", states(got))
		}
		w.noDuplicate()
		w.save(inc, map[string]any{"impact_eur": 1200})
		w.waitOpen(w.pm.Id, domain.NotifyBudget, s+"/exceeded")
		if err := w.App().Delete(inc); err != nil {
			t.Fatal(err)
		}
		w.waitOpen(w.pm.Id, domain.NotifyBudget, "")
	})

	t.Run("milestone late", func(t *testing.T) {
		ms := w.Record(domain.CollectionMilestones, map[string]any{"site": s, "name": "Hors d'eau", "due": day(-3)})
		want := ms.Id + "/late"
		for _, u := range []string{w.admin.Id, w.pm.Id, w.lead.Id} {
			w.waitOpen(u, domain.NotifyMilestoneLate, want)
		}
		w.noDuplicate()
		rec := tenanttest.PostForm(t, w.Registry, w.Host(), "/sites/"+s+"/milestones/"+ms.Id+"/reach", url.Values{"reached": {"1"}}, pmCookie)
		if rec.Code != http.StatusSeeOther && rec.Code != http.StatusOK {
			t.Fatalf("reach milestone = %d %.300s", rec.Code, rec.Body.String())
		}
		w.waitOpen(w.lead.Id, domain.NotifyMilestoneLate, "")
	})

	t.Run("task late", func(t *testing.T) {
		task := w.Record(domain.CollectionTasks, map[string]any{"site": s, "title": "Coffrage", "status": "planned",
			"planned_start": day(-6), "planned_end": day(-2)})
		want := task.Id + "/late"
		w.waitOpen(w.pm.Id, domain.NotifyTaskLate, want)
		w.waitOpen(w.lead.Id, domain.NotifyTaskLate, want)
		if got := w.open(w.admin.Id, domain.NotifyTaskLate); len(got) != 0 {
			t.Errorf("manager told of a late task: %v", states(got))
		}
		w.noDuplicate()
		w.save(task, map[string]any{"planned_start": day(1), "planned_end": day(4)})
		w.waitOpen(w.pm.Id, domain.NotifyTaskLate, "")
	})

	t.Run("document expiring", func(t *testing.T) {
		d := w.Record(domain.CollectionDocuments, map[string]any{"site": s, "kind": "permit", "title": "Permis de construire",
			"current": true, "version": 1, "valid_until": day(10)})
		w.waitOpen(w.lead.Id, domain.NotifyDocumentExpiring, d.Id+"/soon")
		w.noDuplicate()
		w.save(d, map[string]any{"valid_until": day(-1)}) // a new state notifies again
		got := w.waitOpen(w.lead.Id, domain.NotifyDocumentExpiring, d.Id+"/expired")
		if txt := domain.NotificationText(got[d.Id+"/expired"], "en"); !strings.Contains(txt, "Permis de construire") || !strings.Contains(txt, "expired on") {
			t.Errorf("document text = %q", txt)
		}
		w.save(d, map[string]any{"current": false})
		w.waitOpen(w.lead.Id, domain.NotifyDocumentExpiring, "")
	})

	t.Run("clearance expiring", func(t *testing.T) {
		c := w.Record(domain.CollectionClearances, map[string]any{"user": w.crew.Id, "kind": "caces", "valid_until": day(5)})
		w.waitOpen(w.admin.Id, domain.NotifyClearanceExpiring, c.Id+"/soon")
		if got := w.open(w.pm.Id, domain.NotifyClearanceExpiring); len(got) != 0 {
			t.Errorf("project manager told of a clearance: %v", states(got))
		}
		w.noDuplicate()
		w.Record(domain.CollectionClearances, map[string]any{"user": w.crew.Id, "kind": "caces", "valid_until": day(400)}) // renewed
		w.waitOpen(w.admin.Id, domain.NotifyClearanceExpiring, "")
	})

	t.Run("high incident", func(t *testing.T) {
		inc := w.Record(domain.CollectionIncidents, map[string]any{"site": s, "kind": "safety", "severity": "high", "description": "Chute de hauteur évitée",
			"status": "open", "reported_by": w.crew.Id, "assigned_to": w.otherPM.Id})
		for _, u := range []string{w.admin.Id, w.pm.Id, w.lead.Id, w.otherPM.Id} {
			w.waitOpen(u, domain.NotifyIncidentHigh, inc.Id+"/high")
		}
		w.noDuplicate()
		w.save(inc, map[string]any{"severity": "critical"})
		w.waitOpen(w.lead.Id, domain.NotifyIncidentHigh, inc.Id+"/critical")
		w.save(inc, map[string]any{"status": "resolved", "resolution": "Garde-corps posé"})
		w.waitOpen(w.lead.Id, domain.NotifyIncidentHigh, "")
		w.waitOpen(w.admin.Id, domain.NotifyIncidentHigh, "")
	})

	t.Run("time entries waiting", func(t *testing.T) {
		in := time.Now().UTC().AddDate(0, 0, -5).Truncate(time.Hour)
		e := w.Record(domain.CollectionTimeEntries, map[string]any{"user": w.crew.Id, "site": s, "clock_in": in, "clock_out": in.Add(8 * time.Hour),
			"kind": "on_site", "source": "self", "status": "submitted"})
		w.Record(domain.CollectionTimeEntries, map[string]any{"user": w.crew.Id, "site": s, "clock_in": time.Now().UTC().Add(-30 * time.Hour).Truncate(time.Hour),
			"clock_out": time.Now().UTC().Add(-22 * time.Hour).Truncate(time.Hour), "kind": "on_site", "source": "self", "status": "submitted"}) // recent: not late
		got := w.waitOpen(w.lead.Id, domain.NotifyTimePending, s+"/waiting")
		if txt := domain.NotificationText(got[s+"/waiting"], "fr"); !strings.HasPrefix(txt, "1 pointage(s) sur CH-7 Gymnase") {
			t.Errorf("time text = %q", txt)
		}
		w.waitOpen(w.pm.Id, domain.NotifyTimePending, s+"/waiting")
		w.noDuplicate()
		leadCookie := w.Login("lead@acme.test", tenanttest.Password)
		rec := tenanttest.PostForm(t, w.Registry, w.Host(), "/time-approvals/"+e.Id+"/approve", url.Values{}, leadCookie)
		if rec.Code >= 400 {
			t.Fatalf("approve = %d %.300s", rec.Code, rec.Body.String())
		}
		w.waitOpen(w.lead.Id, domain.NotifyTimePending, "")
	})
}

// TestNotifySettingsForm: tenant admins set the thresholds in /settings;
// bad values come back with French field messages and change nothing; a
// rule turned off resolves its notifications and a lower threshold fires.
func TestNotifySettingsForm(t *testing.T) {
	t.Parallel()
	w := newNotifyWorld(t)
	admin := w.Login(w.Admin, tenanttest.Password)
	rec := tenanttest.Get(t, w.Registry, w.Host(), "/settings", admin)
	d := doc(t, rec.Body.String())
	if v, _ := testid(d, "field-budget_pct").Attr("value"); rec.Code != 200 || v != "90" {
		t.Fatalf("settings = %d, budget threshold %q", rec.Code, v)
	}
	form := func(budget, expiry, approval, hour string, rules ...string) url.Values {
		return url.Values{"budget_pct": {budget}, "expiry_days": {expiry}, "approval_days": {approval}, "digest_hour": {hour}, "rules": rules}
	}
	all := domain.NotifyKinds()
	for _, c := range []struct {
		in           url.Values
		field, words string
	}{
		{form("0", "30", "3", "7", all...), "budget_pct", "entre 1 et 500"},
		{form("abc", "30", "3", "7", all...), "budget_pct", "pourcentage entier"},
		{form("90", "400", "3", "7", all...), "expiry_days", "entre 1 et 365"},
		{form("90", "30", "0", "7", all...), "approval_days", "entre 1 et 60"},
		{form("90", "30", "3", "24", all...), "digest_hour", "entre 0 et 23"},
		{form("90", "30", "3", "7", "budget", "nope"), "off", "Règle de notification inconnue"},
	} {
		rec := tenanttest.PostForm(t, w.Registry, w.Host(), "/settings/notifications", c.in, admin)
		d := doc(t, rec.Body.String())
		if msg := testid(d, "error-"+c.field).Text(); rec.Code != http.StatusBadRequest || !strings.Contains(msg, c.words) {
			t.Errorf("%v = %d, %s error %q", c.in, rec.Code, c.field, msg)
		}
		if c.field != "off" {
			if v, _ := testid(d, "field-"+c.field).Attr("value"); v != c.in.Get(c.field) {
				t.Errorf("typed %s lost: %q", c.field, v)
			}
		}
	}
	if s, _ := domain.TenantNotifySettings(w.App()); s.BudgetPct != 90 || len(s.Off) != 0 {
		t.Fatalf("refused input saved: %+v", s)
	}
	// not a tenant admin: refused
	pm := w.Login("pm@acme.test", tenanttest.Password)
	if rec := tenanttest.PostForm(t, w.Registry, w.Host(), "/settings/notifications", form("50", "30", "3", "7", all...), pm); rec.Code != http.StatusForbidden {
		t.Errorf("project manager saving settings = %d", rec.Code)
	}

	// 60 % spent: nothing at 90 %, a notification at 50 %
	w.Record(domain.CollectionIncidents, map[string]any{"site": w.site.Id, "kind": "damage", "severity": "low", "description": "Gravats",
		"status": "open", "impact_eur": 600, "reported_by": w.lead.Id})
	m := w.Record(domain.CollectionMaterials, map[string]any{"sku": "SAB-1", "name": "Sable", "unit": "t", "unit_cost": 30, "min_stock": 2})
	w.waitOpen(w.pm.Id, domain.NotifyStockLow, m.Id+"/low")
	if got := w.open(w.pm.Id, domain.NotifyBudget); len(got) != 0 {
		t.Fatalf("budget under the threshold notified: %s", states(got))
	}
	var on []string
	for _, k := range all {
		if k != domain.NotifyStockLow {
			on = append(on, k)
		}
	}
	rec = tenanttest.PostForm(t, w.Registry, w.Host(), "/settings/notifications", form("50", "15", "2", "6", on...), admin)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save = %d %.300s", rec.Code, rec.Body.String())
	}
	if s, _ := domain.TenantNotifySettings(w.App()); s.BudgetPct != 50 || s.ExpiryDays != 15 || s.ApprovalDays != 2 || s.DigestHour != 6 || strings.Join(s.Off, ",") != "stock_low" {
		t.Errorf("saved settings = %+v", s)
	}
	w.waitOpen(w.pm.Id, domain.NotifyBudget, w.site.Id+"/threshold")
	w.waitOpen(w.pm.Id, domain.NotifyStockLow, "") // rule off: resolved
	rec = tenanttest.Get(t, w.Registry, w.Host(), "/settings", admin)
	if _, checked := testid(doc(t, rec.Body.String()), "rule-stock_low").Attr("checked"); checked {
		t.Error("stock rule still shown on")
	}
}

// TestNotificationsPageAndBell: the bell shows the unread count on office
// pages; the page lists the user's own notifications with their site and
// a link to the subject; marking one or all read lowers the count; a
// user cannot mark or read someone else's, even through the REST API.
func TestNotificationsPageAndBell(t *testing.T) {
	t.Parallel()
	w := newNotifyWorld(t)
	inc := w.Record(domain.CollectionIncidents, map[string]any{"site": w.site.Id, "kind": "safety", "severity": "critical",
		"description": "Tranchée effondrée", "status": "open", "reported_by": w.crew.Id, "assigned_to": w.crew.Id})
	ms := w.Record(domain.CollectionMilestones, map[string]any{"site": w.site.Id, "name": "Réception", "due": day(-1)})
	w.waitOpen(w.lead.Id, domain.NotifyIncidentHigh, inc.Id+"/critical")
	w.waitOpen(w.lead.Id, domain.NotifyMilestoneLate, ms.Id+"/late")
	w.waitOpen(w.crew.Id, domain.NotifyIncidentHigh, inc.Id+"/critical")

	lead := w.Login("lead@acme.test", tenanttest.Password)
	rec := tenanttest.Get(t, w.Registry, w.Host(), "/today", lead)
	d := doc(t, rec.Body.String())
	if n := testid(d, "bell-count").Text(); rec.Code != 200 || n != "2" {
		t.Fatalf("bell on /today = %d, count %q", rec.Code, n)
	}
	if label, _ := testid(d, "bell").Attr("aria-label"); label != "Notifications : 2 non lue(s)" {
		t.Errorf("bell label = %q", label)
	}
	rec = tenanttest.Get(t, w.Registry, w.Host(), "/notifications", lead)
	d = doc(t, rec.Body.String())
	items := d.Find(".notify-item")
	if rec.Code != 200 || items.Length() != 2 {
		t.Fatalf("notifications page = %d with %d items", rec.Code, items.Length())
	}
	incItem := d.Find(".notify-item[data-kind=incident_high]")
	if href, _ := incItem.Find("a").Attr("href"); href != "/sites/"+w.site.Id+"/incidents/"+inc.Id {
		t.Errorf("incident link = %q", href)
	}
	if txt := incItem.Text(); !strings.Contains(txt, "Incident critique : « Tranchée effondrée »") || !strings.Contains(txt, "Chantier CH-7 Gymnase") {
		t.Errorf("incident item = %q", txt)
	}

	// someone else's notification: not found, unchanged
	crewNotes := w.open(w.crew.Id, domain.NotifyIncidentHigh)
	crewNote := crewNotes[inc.Id+"/critical"]
	if rec := tenanttest.PostForm(t, w.Registry, w.Host(), "/notifications/"+crewNote.Id+"/read", url.Values{}, lead); rec.Code != http.StatusNotFound {
		t.Errorf("marking another's notification = %d", rec.Code)
	}
	// REST: a crew member lists and views only their own
	crewTok := w.Token(domain.CollectionUsers, "crew@acme.test")
	rec = tenanttest.Do(t, w.Registry, http.MethodGet, w.Host(), "/api/collections/notifications/records?perPage=200", crewTok, nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"totalItems":1`) || !strings.Contains(rec.Body.String(), crewNote.Id) {
		t.Errorf("crew REST list = %d %.400s", rec.Code, rec.Body.String())
	}
	leadNote := w.open(w.lead.Id, domain.NotifyIncidentHigh)[inc.Id+"/critical"]
	if rec := tenanttest.Do(t, w.Registry, http.MethodGet, w.Host(), "/api/collections/notifications/records/"+leadNote.Id, crewTok, nil); rec.Code != http.StatusNotFound {
		t.Errorf("crew viewing the lead's notification = %d", rec.Code)
	}
	if rec := tenanttest.Do(t, w.Registry, http.MethodPatch, w.Host(), "/api/collections/notifications/records/"+crewNote.Id, crewTok,
		strings.NewReader(`{"read_at":"2026-12-01 08:00:00.000Z"}`)); rec.Code < 400 {
		t.Errorf("crew writing a notification through the API = %d", rec.Code)
	}

	// mark one read, then all
	if rec := tenanttest.PostForm(t, w.Registry, w.Host(), "/notifications/"+leadNote.Id+"/read", url.Values{}, lead); rec.Code != http.StatusSeeOther {
		t.Fatalf("mark read = %d", rec.Code)
	}
	rec = tenanttest.Get(t, w.Registry, w.Host(), "/notifications", lead)
	d = doc(t, rec.Body.String())
	if n := testid(d, "bell-count").Text(); n != "1" || d.Find(".notify-item").Length() != 1 {
		t.Errorf("after one read: bell %q, %d unread listed", n, d.Find(".notify-item").Length())
	}
	if rec := tenanttest.PostForm(t, w.Registry, w.Host(), "/notifications/read-all", url.Values{}, lead); rec.Code != http.StatusSeeOther {
		t.Fatalf("mark all = %d", rec.Code)
	}
	rec = tenanttest.Get(t, w.Registry, w.Host(), "/notifications?all=1", lead)
	d = doc(t, rec.Body.String())
	if testid(d, "bell-count").Length() != 0 || d.Find(".notify-item").Length() != 2 || d.Find(".notify-item.unread").Length() != 0 {
		t.Errorf("after all read: bell %q, %d listed, %d unread", testid(d, "bell-count").Text(), d.Find(".notify-item").Length(), d.Find(".notify-item.unread").Length())
	}
	if c := w.open(w.crew.Id, domain.NotifyIncidentHigh)[inc.Id+"/critical"]; !c.ReadAt().IsZero() {
		t.Error("marking all read touched another user's notification")
	}
	// the crew app has no bell
	crew := w.Login("crew@acme.test", tenanttest.Password)
	if rec := tenanttest.Get(t, w.Registry, w.Host(), "/m/", crew); strings.Contains(rec.Body.String(), `data-testid="bell"`) {
		t.Error("bell on the crew app")
	}
}

// TestNotificationDigestByMail: a user who opted in gets one digest a day
// when SMTP is configured, in their language, grouped by site; a user who
// did not gets none.
func TestNotificationDigestByMail(t *testing.T) {
	t.Parallel()
	mp := tenanttest.StartMailpit(t)
	w := newNotifyWorld(t)
	mp.UseFor(t, w.Registry)
	if err := domain.SetUserLocale(w.App(), w.pm.Record, "en"); err != nil {
		t.Fatal(err)
	}
	admin := w.Login(w.Admin, tenanttest.Password)
	rec := tenanttest.PostForm(t, w.Registry, w.Host(), "/settings/notifications", url.Values{"budget_pct": {"90"}, "expiry_days": {"30"},
		"approval_days": {"3"}, "digest_hour": {"0"}, "rules": domain.NotifyKinds()}, admin)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("settings = %d", rec.Code)
	}
	for _, c := range []*http.Cookie{admin, w.Login("pm@acme.test", tenanttest.Password)} {
		if rec := tenanttest.PostForm(t, w.Registry, w.Host(), "/notifications/digest", url.Values{"digest": {"1"}}, c); rec.Code != http.StatusSeeOther {
			t.Fatalf("digest opt-in = %d", rec.Code)
		}
	}
	rec = tenanttest.Get(t, w.Registry, w.Host(), "/notifications", admin)
	if _, on := testid(doc(t, rec.Body.String()), "digest-toggle").Attr("checked"); !on {
		t.Error("digest opt-in not shown")
	}
	m := w.Record(domain.CollectionMaterials, map[string]any{"sku": "TUB-1", "name": "Tube PVC", "unit": "m", "unit_cost": 3, "min_stock": 50})
	ms := w.Record(domain.CollectionMilestones, map[string]any{"site": w.site.Id, "name": "Gros œuvre", "due": day(-2)})
	w.waitOpen(w.admin.Id, domain.NotifyStockLow, m.Id+"/low")
	w.waitOpen(w.admin.Id, domain.NotifyMilestoneLate, ms.Id+"/late")
	w.waitOpen(w.pm.Id, domain.NotifyMilestoneLate, ms.Id+"/late")

	// the job sends the digests when the tenant opens (and every hour)
	w.Registry.CloseTenant(w.Slug, true)
	_ = w.App()
	fr := mp.WaitFor(t, w.Admin, "notification")
	if !strings.Contains(fr.Subject, "2 notification(s) non lue(s)") {
		t.Errorf("French subject = %q", fr.Subject)
	}
	body := strings.ReplaceAll(fr.Text, "\r\n", "\n")
	site, stock := strings.Index(body, "CH-7 Gymnase\n"), strings.Index(body, "Hors chantier\n")
	if site < 0 || stock < site || !strings.Contains(body[site:stock], "Jalon « Gros œuvre »") || !strings.Contains(body[stock:], "Stock bas : Tube PVC") {
		t.Errorf("French digest not grouped by site:\n%s", body)
	}
	if !strings.Contains(body, "acme.localhost") || !strings.Contains(body, "/notifications") {
		t.Errorf("no link to the notifications page:\n%s", body)
	}
	en := mp.WaitFor(t, "pm@acme.test", "unread notification")
	if !strings.Contains(en.Text, "Milestone “Gros œuvre” (CH-7 Gymnase) is late") || !strings.Contains(en.Text, "Low stock: Tube PVC") {
		t.Errorf("English digest:\n%s", en.Text)
	}
	if got := mp.Count(t); got != 2 {
		t.Errorf("%d mails, want 2 (the lead did not opt in)", got)
	}
	// once a day: reopening sends nothing more
	w.Registry.CloseTenant(w.Slug, true)
	_ = w.App()
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		u, err := domain.FindUser(w.App(), w.admin.Id)
		if err != nil {
			t.Fatal(err)
		}
		if u.DigestSentAt().IsZero() {
			t.Fatal("digest not recorded as sent")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := mp.Count(t); got != 2 {
		t.Errorf("%d mails after a second start, want 2", got)
	}
}

// TestNotificationBellIsLive: every office page opens the bell's stream;
// it sends the current count at once, the new count when a notification
// of the user arrives or is read, and nothing for another user's.
func TestNotificationBellIsLive(t *testing.T) {
	t.Parallel()
	w := newNotifyWorld(t)
	lead := w.Login("lead@acme.test", tenanttest.Password)
	if page := tenanttest.Get(t, w.Registry, w.Host(), "/today", lead); !strings.Contains(page.Body.String(), "@get('/notifications/bell')") {
		t.Fatal("the office page does not open the bell's stream")
	}
	srv := httptest.NewServer(w.Registry)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := sseEvents(t, ctx, srv.URL, w.Host(), "/notifications/bell", lead)
	nextEvent(t, events, `id="bell"`) // the current state, at once
	m := w.Record(domain.CollectionMaterials, map[string]any{"sku": "FER-1", "name": "Fer à béton", "unit": "kg", "unit_cost": 1, "min_stock": 100})
	w.waitOpen(w.pm.Id, domain.NotifyStockLow, m.Id+"/low")
	noEvent(t, events, 300*time.Millisecond, "the site lead's bell woken by others' notifications")
	inc := w.Record(domain.CollectionIncidents, map[string]any{"site": w.site.Id, "kind": "safety", "severity": "high",
		"description": "Échafaudage instable", "status": "open", "reported_by": w.crew.Id})
	ev := nextEvent(t, events, `data-testid="bell-count"`)
	if !strings.Contains(ev, ">1</span>") || !strings.Contains(ev, "Notifications : 1 non lue(s)") {
		t.Errorf("bell event: %.400q", ev)
	}
	note := w.waitOpen(w.lead.Id, domain.NotifyIncidentHigh, inc.Id+"/high")[inc.Id+"/high"]
	if rec := tenanttest.PostForm(t, w.Registry, w.Host(), "/notifications/"+note.Id+"/read", url.Values{}, lead); rec.Code != http.StatusSeeOther {
		t.Fatalf("mark read = %d", rec.Code)
	}
	ev = nextEvent(t, events, "Notifications : 0 non lue(s)")
	if strings.Contains(ev, "bell-count") {
		t.Errorf("bell still counts: %.400q", ev)
	}
}
