package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// timeTenant: a site in Nantes (150 m zone) led by a site lead, with a
// crew member in its team, and a second site.
type timeTenant struct {
	*tenanttest.Tenant
	lead, crew, other *core.Record
	site, site2       string
}

func newTimeTenant(t *testing.T) timeTenant {
	t.Helper()
	tt := tenanttest.New(t)
	app := tt.App()
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	other := tt.User(domain.RoleCrew, "other@acme.test")
	s := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active",
		"lat": 47.2184, "lng": -1.5536, "geofence_m": 150, "site_lead": lead.Id, "team": []string{crew.Id, other.Id}})
	s2 := tt.Record("sites", map[string]any{"code": "CH-2", "name": "Gymnase", "sector": "btp", "status": "active",
		"lat": 47.25, "lng": -1.5, "geofence_m": 100, "site_lead": lead.Id, "team": []string{crew.Id}})
	reload := func(id string) *core.Record { r, _ := app.FindRecordById("users", id); return r }
	return timeTenant{Tenant: tt, lead: reload(lead.Id), crew: reload(crew.Id), other: reload(other.Id), site: s.Id, site2: s2.Id}
}

func at(hhmm string) time.Time {
	t, _ := time.Parse("2006-01-02 15:04", "2026-03-02 "+hhmm)
	return t
}

func TestClockInGeofenceFlags(t *testing.T) {
	t.Parallel()
	tt := newTimeTenant(t)
	app := tt.App()
	scenarios := []struct {
		name string
		fix  domain.GeoFix
		want string
	}{
		{"inside", domain.GeoFix{Lat: 47.2185, Lng: -1.5536, Accuracy: 12, OK: true}, domain.GeoInside},
		{"outside", domain.GeoFix{Lat: 47.23, Lng: -1.5536, Accuracy: 12, OK: true}, domain.GeoOutside},
		{"low accuracy", domain.GeoFix{Lat: 47.2185, Lng: -1.5536, Accuracy: 250, OK: true}, domain.GeoLowAccuracy},
		{"no position", domain.GeoFix{}, domain.GeoNoFix},
	}
	for i, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			r, err := domain.ClockIn(app, tt.crew, domain.ClockInput{Site: tt.site, At: at("07:00").Add(time.Duration(i) * time.Hour), Fix: s.fix})
			if err != nil {
				t.Fatalf("clock-in refused: %v (a fix is flagged, never rejected)", err)
			}
			f := domain.TimeFlagsOf(r)
			if f.In == nil || f.In.Status != s.want {
				t.Errorf("in flag = %+v, want %q", f.In, s.want)
			}
		})
	}
}

func TestClockInSwitchesTaskWithoutOverlap(t *testing.T) {
	t.Parallel()
	tt := newTimeTenant(t)
	app := tt.App()
	fix := domain.GeoFix{Lat: 47.2185, Lng: -1.5536, Accuracy: 10, OK: true}
	first, err := domain.ClockIn(app, tt.crew, domain.ClockInput{Site: tt.site, At: at("08:00"), Fix: fix})
	if err != nil {
		t.Fatal(err)
	}
	second, err := domain.ClockIn(app, tt.crew, domain.ClockInput{Site: tt.site2, At: at("10:30"), Fix: fix})
	if err != nil {
		t.Fatal(err)
	}
	first, _ = app.FindRecordById(domain.CollectionTimeEntries, first.Id)
	if got := first.GetDateTime("clock_out").Time(); !got.Equal(at("10:30")) || first.GetString("status") != domain.TimeSubmitted {
		t.Errorf("first entry: clock_out %v status %q, want closed at 10:30 and submitted", got, first.GetString("status"))
	}
	if !domain.TimeFlagsOf(first).Switched {
		t.Error("first entry not flagged as switched")
	}
	if f := domain.TimeFlagsOf(second); len(f.Overlap) != 0 || second.GetString("status") != domain.TimeOpen {
		t.Errorf("second entry: overlap %v status %q", f.Overlap, second.GetString("status"))
	}
	// an older clock-in synced late is closed at the next one
	late, err := domain.ClockIn(app, tt.crew, domain.ClockInput{Site: tt.site, At: at("06:30"), Fix: fix, Source: domain.SourceSync})
	if err != nil {
		t.Fatal(err)
	}
	if got := late.GetDateTime("clock_out").Time(); !got.Equal(at("10:30")) && !got.Equal(at("08:00")) {
		t.Errorf("late entry closed at %v", got)
	}
	if n, _ := app.CountRecords(domain.CollectionTimeEntries, dbx.HashExp{"user": tt.crew.Id, "status": "open"}); n != 1 {
		t.Errorf("%d open entries, want exactly 1", n)
	}
}

func TestTimeApprovalLockAndReasonedEdits(t *testing.T) {
	t.Parallel()
	tt := newTimeTenant(t)
	app := tt.App()
	r, err := domain.ClockIn(app, tt.crew, domain.ClockInput{Site: tt.site, At: at("08:00")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := domain.ReviewTimeEntry(app, tt.lead, r.Id, true, ""); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("approving an open entry: %v, want conflict", err)
	}
	if _, err := domain.ClockOut(app, tt.crew, r.Id, at("12:00"), domain.GeoFix{Lat: 47.3, Lng: -1.55, Accuracy: 8, OK: true}); err != nil {
		t.Fatal(err)
	}
	r, _ = app.FindRecordById(domain.CollectionTimeEntries, r.Id)
	if f := domain.TimeFlagsOf(r); f.Out == nil || f.Out.Status != domain.GeoOutside {
		t.Errorf("out flag = %+v, want outside", f.Out)
	}
	scenarios := []struct {
		name  string
		run   func() error
		code  string
		check func(t *testing.T)
	}{
		{"edit after submission without reason", func() error {
			_, err := domain.EditTimeEntry(app, tt.crew, r.Id, domain.TimeEdit{ClockOut: at("12:30")})
			return err
		}, domain.EInvalid, nil},
		{"edit with a reason", func() error {
			_, err := domain.EditTimeEntry(app, tt.crew, r.Id, domain.TimeEdit{ClockOut: at("12:30"), Reason: "Oubli de pointer le départ"})
			return err
		}, "", func(t *testing.T) {
			ev, err := app.FindFirstRecordByFilter(domain.CollectionAuditEvents, "collection = 'time_entries' && record = {:id} && diff ~ 'edit_reason'", dbx.Params{"id": r.Id})
			if err != nil {
				t.Fatalf("no audit event with the reason: %v", err)
			}
			if d := ev.GetString("diff"); !strings.Contains(d, "12:00:00") || !strings.Contains(d, "12:30:00") {
				t.Errorf("audit diff lacks before/after clock_out: %s", d)
			}
		}},
		{"a crew member cannot approve", func() error {
			_, err := domain.ReviewTimeEntry(app, tt.other, r.Id, true, "")
			return err
		}, domain.EForbidden, nil},
		{"rejection needs a reason", func() error {
			_, err := domain.ReviewTimeEntry(app, tt.lead, r.Id, false, " ")
			return err
		}, domain.EInvalid, nil},
		{"site lead approves", func() error {
			_, err := domain.ReviewTimeEntry(app, tt.lead, r.Id, true, "")
			return err
		}, "", func(t *testing.T) {
			got, _ := app.FindRecordById(domain.CollectionTimeEntries, r.Id)
			if got.GetString("status") != domain.TimeApproved || got.GetString("approved_by") != tt.lead.Id {
				t.Errorf("status %q approved_by %q", got.GetString("status"), got.GetString("approved_by"))
			}
		}},
		{"approved entry is locked, even with a reason", func() error {
			_, err := domain.EditTimeEntry(app, tt.lead, r.Id, domain.TimeEdit{ClockOut: at("13:00"), Reason: "correction"})
			return err
		}, domain.EConflict, nil},
		{"approved entry cannot be clocked out again", func() error {
			_, err := domain.ClockOut(app, tt.crew, r.Id, at("14:00"), domain.GeoFix{})
			return err
		}, domain.EConflict, nil},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			err := s.run()
			if got := domain.ErrorCode(err); got != s.code {
				t.Fatalf("error code %q (%v), want %q", got, err, s.code)
			}
			if s.check != nil {
				s.check(t)
			}
		})
	}
}

func TestClockInPermissions(t *testing.T) {
	t.Parallel()
	tt := newTimeTenant(t)
	app := tt.App()
	if _, err := domain.ClockIn(app, tt.crew, domain.ClockInput{User: tt.other.Id, Site: tt.site, At: at("08:00")}); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("crew clocking in someone else: %v, want forbidden", err)
	}
	if _, err := domain.ClockIn(app, tt.other, domain.ClockInput{Site: tt.site2, At: at("08:00")}); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("clock-in on a site outside the team: %v, want forbidden", err)
	}
	recs, err := domain.ClockInTeam(app, tt.lead, tt.site, []string{tt.crew.Id, tt.other.Id}, at("07:30"), domain.GeoFix{Lat: 47.2184, Lng: -1.5536, Accuracy: 5, OK: true})
	if err != nil || len(recs) != 2 {
		t.Fatalf("team clock-in: %d entries, %v", len(recs), err)
	}
	if recs[0].GetString("source") != domain.SourceSiteLead {
		t.Errorf("source %q", recs[0].GetString("source"))
	}
	if _, err := domain.ClockIn(app, tt.crew, domain.ClockInput{Kind: domain.TimeTravel, At: at("17:00")}); err != nil {
		t.Errorf("travel time without a site: %v", err)
	}
}
