package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestTenantFactsCachedUntilCompanyChanges(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()

	first := domain.TenantFactsOf(app)
	if got := first.Location().String(); got != "Europe/Paris" {
		t.Fatalf("zone = %s, want Europe/Paris", got)
	}
	if first.Company.Name != "Entreprise ACME" || first.Company.Sector != domain.SectorBTP {
		t.Errorf("company = %+v", first.Company)
	}
	if again := domain.TenantFactsOf(app); again != first {
		t.Error("facts read again although the company did not change")
	}

	// a change through the settings form
	in := domain.Company{Record: mustCompany(t, app).Record}.Input()
	in.Timezone, in.Calendar = "America/Cayenne", domain.CalendarConfig{WorkDays: []time.Weekday{time.Monday}, ExtraClosed: []string{"2026-12-07"}}
	if _, err := domain.UpdateCompany(app, nil, in); err != nil {
		t.Fatal(err)
	}
	second := domain.TenantFactsOf(app)
	if second == first || second.Location().String() != "America/Cayenne" {
		t.Fatalf("after update: zone %s (same facts: %v)", second.Location(), second == first)
	}
	if cal := second.Calendar(); cal.IsWorkingDay(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)) || cal.IsWorkingDay(time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)) {
		t.Error("calendar of the old settings still used")
	}

	// a direct save of the record (API, migration) invalidates too
	c := mustCompany(t, app)
	c.Set("timezone", "Asia/Tokyo")
	if err := app.Save(c.Record); err != nil {
		t.Fatal(err)
	}

	// facts first read inside a transaction that changed the company see
	// the change but are not cached: it is rolled back
	rollback := errors.New("rollback")
	err := app.RunInTransaction(func(tx core.App) error {
		c := mustCompany(t, tx)
		c.Set("timezone", "Pacific/Auckland")
		if err := tx.Save(c.Record); err != nil {
			return err
		}
		if got := domain.TenantFactsOf(tx).Location().String(); got != "Pacific/Auckland" {
			t.Errorf("inside the transaction: zone %s", got)
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if got := domain.TenantFactsOf(app).Location().String(); got != "Asia/Tokyo" {
		t.Errorf("after rollback: zone %s, want Asia/Tokyo", got)
	}
}

func mustCompany(t *testing.T, app core.App) domain.Company {
	t.Helper()
	c, err := domain.FindCompany(app)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewTenantFacts(t *testing.T) {
	scenarios := []struct {
		name     string
		zone     string
		cal      domain.CalendarConfig
		wantZone string
		// 2026-12-05 is a Saturday
		saturdayWorked bool
	}{
		{"defaults", "", domain.CalendarConfig{}, "Europe/Paris", false},
		{"company zone", "America/New_York", domain.CalendarConfig{}, "America/New_York", false},
		{"unknown zone falls back", "Mars/Olympus", domain.CalendarConfig{}, "Europe/Paris", false},
		{"six-day week", "", domain.CalendarConfig{WorkDays: []time.Weekday{1, 2, 3, 4, 5, 6}}, "Europe/Paris", true},
		{"invalid calendar falls back", "", domain.CalendarConfig{WorkDays: []time.Weekday{6, 6}}, "Europe/Paris", false},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			f := domain.NewTenantFacts(domain.CompanyProfile{Timezone: s.zone}, s.cal)
			if got := f.Location().String(); got != s.wantZone {
				t.Errorf("zone = %s, want %s", got, s.wantZone)
			}
			if got := f.Calendar().IsWorkingDay(time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)); got != s.saturdayWorked {
				t.Errorf("saturday worked = %v, want %v", got, s.saturdayWorked)
			}
			if len(f.Sectors) != len(domain.Sectors) {
				t.Errorf("sectors = %v", f.Sectors)
			}
		})
	}
}

func TestTenantContextTime(t *testing.T) {
	// 2026-11-29 23:30 UTC: already the 30th in Paris, still the 29th in
	// New York.
	now := time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	scenarios := []struct {
		zone      string
		today     string
		dayStart  string
		nowString string
	}{
		{"Europe/Paris", "2026-11-30", "2026-11-29T23:00:00Z", "2026-11-30 00:30"},
		{"America/New_York", "2026-11-29", "2026-11-29T05:00:00Z", "2026-11-29 18:30"},
	}
	for _, s := range scenarios {
		t.Run(s.zone, func(t *testing.T) {
			tc := domain.NewTenantContext(domain.NewTenantFacts(domain.CompanyProfile{Timezone: s.zone}, domain.CalendarConfig{}),
				"acme", domain.DefaultEntitlements(), "fr", nil, clock)
			if got := tc.Today().Format(time.DateOnly); got != s.today {
				t.Errorf("Today = %s, want %s", got, s.today)
			}
			if got := tc.DayStart().UTC().Format(time.RFC3339); got != s.dayStart {
				t.Errorf("DayStart = %s, want %s", got, s.dayStart)
			}
			if got := tc.Now().Format("2006-01-02 15:04"); got != s.nowString {
				t.Errorf("Now = %s, want %s", got, s.nowString)
			}
		})
	}
}

func TestTenantContextPermissions(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	admin, err := tt.App().FindAuthRecordByEmail(domain.CollectionUsers, tt.Admin)
	if err != nil {
		t.Fatal(err)
	}
	facts := domain.TenantFactsOf(tt.App())
	scenarios := []struct {
		name                     string
		user                     *core.Record
		role                     string
		settings, sites, create  bool
		editRegisters, dashboard bool
	}{
		{"anonymous", nil, "", false, false, false, false, false},
		{"site lead", lead.Record, domain.RoleSiteLead, false, true, false, false, false},
		{"tenant admin (manager)", admin, domain.RoleManager, true, true, true, true, true},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			tc := domain.NewTenantContext(facts, "acme", domain.DefaultEntitlements(), "fr", s.user, nil)
			if tc.Role != s.role {
				t.Errorf("role = %q, want %q", tc.Role, s.role)
			}
			got := []bool{tc.CanOpen("settings"), tc.CanOpen("sites"), tc.CanCreateSite(), tc.Resources().EditRegisters, tc.CanOpen("dashboard")}
			want := []bool{s.settings, s.sites, s.create, s.editRegisters, s.dashboard}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("permissions (settings, sites, create site, edit registers, dashboard) = %v, want %v", got, want)
					break
				}
			}
		})
	}
}

func TestEntitlements(t *testing.T) {
	scenarios := []struct {
		name         string
		e            domain.Entitlements
		module       string
		hasModule    bool
		active       int
		seatsAreFull bool
	}{
		{"defaults open everything", domain.DefaultEntitlements(), "reporting", true, 500, false},
		{"plan lists its modules", domain.Entitlements{Modules: []string{"sites", "planning"}, Seats: 10}, "reporting", false, 9, false},
		{"listed module", domain.Entitlements{Modules: []string{"sites", "planning"}, Seats: 10}, "planning", true, 10, true},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := s.e.HasModule(s.module); got != s.hasModule {
				t.Errorf("HasModule(%s) = %v, want %v", s.module, got, s.hasModule)
			}
			if got := s.e.SeatsFull(s.active); got != s.seatsAreFull {
				t.Errorf("SeatsFull(%d) = %v, want %v", s.active, got, s.seatsAreFull)
			}
		})
	}
	if got := domain.DefaultEntitlements().Licence; got != domain.LicenceActive {
		t.Errorf("default licence = %q", got)
	}
}

// TestTenantFactsConcurrentChanges: readers racing with company changes
// never leave stale facts in the cache (run it with -race).
func TestTenantFactsConcurrentChanges(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	zones := []string{"America/Cayenne", "Asia/Tokyo", "Europe/Lisbon", "Africa/Abidjan", "Europe/Paris", "America/Montreal"}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				_ = domain.TenantFactsOf(app).Location()
			}
		}
	}()
	for _, z := range zones {
		c := mustCompany(t, app)
		c.Set("timezone", z)
		if err := app.Save(c.Record); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	<-done
	if got := domain.TenantFactsOf(app).Location().String(); got != zones[len(zones)-1] {
		t.Errorf("zone after the last change = %s, want %s", got, zones[len(zones)-1])
	}
}
