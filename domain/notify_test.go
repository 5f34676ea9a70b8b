package domain_test

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestNotifySettingsValidate(t *testing.T) {
	ok := domain.DefaultNotifySettings()
	for _, c := range []struct {
		name  string
		edit  func(*domain.NotifySettings)
		field string
	}{
		{"defaults", func(*domain.NotifySettings) {}, ""},
		{"bounds", func(s *domain.NotifySettings) {
			s.BudgetPct, s.ExpiryDays, s.ApprovalDays, s.DigestHour = 500, 365, 60, 0
		}, ""},
		{"budget 0", func(s *domain.NotifySettings) { s.BudgetPct = 0 }, "budget_pct"},
		{"budget 501", func(s *domain.NotifySettings) { s.BudgetPct = 501 }, "budget_pct"},
		{"expiry 0", func(s *domain.NotifySettings) { s.ExpiryDays = 0 }, "expiry_days"},
		{"approval 61", func(s *domain.NotifySettings) { s.ApprovalDays = 61 }, "approval_days"},
		{"hour 24", func(s *domain.NotifySettings) { s.DigestHour = 24 }, "digest_hour"},
		{"unknown rule", func(s *domain.NotifySettings) { s.Off = []string{"budget", "weather"} }, "off"},
	} {
		s := ok
		c.edit(&s)
		err := s.Validate()
		var got string
		if e, isErr := err.(*domain.Error); isErr {
			got = e.Field
		}
		if got != c.field || (c.field == "") != (err == nil) {
			t.Errorf("%s: error %v, want field %q", c.name, err, c.field)
		}
	}
}

// TestSiteSpentRatio checks the KPI engine's actual cost to date against a
// hand count: approved time (8 h × 40 € + 4 h × 25 €, no overtime; the
// submitted entry does not count), consumption (12 × 7,50 €; the receipt
// does not count) and incident impacts (200 €): 320 + 100 + 90 + 200 =
// 710 € of 2 000 €. The engine's definition gives the same figure as the
// interim query it replaced on this data.
func TestSiteSpentRatio(t *testing.T) {
	tt := tenanttest.New(t)
	app := tt.App()
	a, b := tt.User(domain.RoleCrew, "a@acme.test"), tt.User(domain.RoleCrew, "b@acme.test")
	for u, cost := range map[string]float64{a.Id: 40, b.Id: 25} {
		r, _ := app.FindRecordById(domain.CollectionUsers, u)
		r.Set("hourly_cost", cost)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	site := tt.Record(domain.CollectionSites, map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active", "budget": 2000})
	noBudget := tt.Record(domain.CollectionSites, map[string]any{"code": "CH-2", "name": "Sans budget", "sector": "btp", "status": "active"})
	in := time.Now().UTC().AddDate(0, 0, -3).Truncate(time.Hour)
	entry := func(user string, hours int, status string) {
		tt.Record(domain.CollectionTimeEntries, map[string]any{"user": user, "site": site.Id, "clock_in": in, "clock_out": in.Add(time.Duration(hours) * time.Hour),
			"kind": "on_site", "source": "office", "status": status})
	}
	entry(a.Id, 8, "approved")
	entry(b.Id, 4, "approved")
	entry(b.Id, 6, "submitted")
	m := tt.Record(domain.CollectionMaterials, map[string]any{"sku": "V-1", "name": "Vis", "unit": "u", "unit_cost": 7.5})
	tt.Record(domain.CollectionStockMoves, map[string]any{"material": m.Id, "kind": "receipt", "qty": 20, "location": "depot", "unit_cost": 7.5})
	tt.Record(domain.CollectionStockMoves, map[string]any{"material": m.Id, "kind": "consumption", "qty": 12, "location": "depot", "site": site.Id, "unit_cost": 7.5})
	tt.Record(domain.CollectionIncidents, map[string]any{"site": site.Id, "kind": "damage", "severity": "low", "description": "Casse",
		"status": "closed", "impact_eur": 200})
	s, _ := domain.FindSite(app, site.Id)
	ratio, ok, err := domain.SiteSpentRatio(app, s)
	if err != nil || !ok || math.Abs(ratio-710.0/2000) > 1e-9 {
		t.Errorf("SiteSpentRatio = %v, %v, %v; want %v", ratio, ok, err, 710.0/2000)
	}
	nb, _ := domain.FindSite(app, noBudget.Id)
	if _, ok, err := domain.SiteSpentRatio(app, nb); ok || err != nil {
		t.Errorf("a site without budget has a ratio (%v, %v)", ok, err)
	}
}

func TestNotificationTextFormatsDatesPerLanguage(t *testing.T) {
	tt := tenanttest.New(t)
	app := tt.App()
	u := tt.User(domain.RoleManager, "m@acme.test")
	args, _ := json.Marshal([]any{"Permis", "CH-1 École", map[string]any{"date": "2026-12-05"}})
	r := tt.Record(domain.CollectionNotifications, map[string]any{"user": u.Id, "kind": "document_expiring", "state": "soon", "key": "k",
		"message": "notify.document.soon", "args": string(args)})
	n, err := domain.FindNotification(app, r.Id)
	if err != nil {
		t.Fatal(err)
	}
	if got := domain.NotificationText(n, "fr"); got != "Document « Permis » (CH-1 École) : expire le 05/12/2026" {
		t.Errorf("fr: %q", got)
	}
	if got := domain.NotificationText(n, "en"); got != "Document “Permis” (CH-1 École) expires on 5 Dec 2026" {
		t.Errorf("en: %q", got)
	}
}

// TestNotifierJobFollowsChangesAndStops runs the job on its own (as the
// handlers start it): a change wakes it, a burst evaluates once, and
// closing the tenant stops it after the evaluation under way.
func TestNotifierJobFollowsChangesAndStops(t *testing.T) {
	tt := tenanttest.New(t)
	app := tt.App()
	mgr := tt.User(domain.RoleManager, "m@acme.test")
	domain.StartNotifier(app, domain.NotifierConfig{Debounce: 10 * time.Millisecond, Every: time.Hour})
	domain.StartNotifier(app, domain.NotifierConfig{}) // once per app
	for i := range 5 {
		tt.Record(domain.CollectionMaterials, map[string]any{"sku": "M-" + string(rune('a'+i)), "name": "Mat", "unit": "u", "min_stock": 1})
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, err := domain.CountUnreadNotifications(app, mgr.Id)
		if err != nil {
			t.Fatal(err)
		}
		if n == 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d unread, want 5", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !tt.Registry.CloseTenant(tt.Slug, true) {
		t.Fatal("tenant not closed")
	}
}
