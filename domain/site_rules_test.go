package domain

import (
	"testing"
	"time"
)

func fp(v float64) *float64 { return &v }

func TestSiteInputValidate(t *testing.T) {
	d := func(s string) time.Time { tm, _ := time.Parse("2006-01-02", s); return tm }
	base := SiteInput{Code: "ch-01", Name: "École", Sector: SectorBTP}
	scenarios := []struct {
		name  string
		edit  func(*SiteInput)
		field string
	}{
		{"ok", func(*SiteInput) {}, ""},
		{"no code", func(s *SiteInput) { s.Code = " " }, "code"},
		{"code with space", func(s *SiteInput) { s.Code = "CH 01" }, "code"},
		{"no name", func(s *SiteInput) { s.Name = "" }, "name"},
		{"bad sector", func(s *SiteInput) { s.Sector = "agri" }, "sector"},
		{"bad status", func(s *SiteInput) { s.Status = "closed" }, "status"},
		{"end before start", func(s *SiteInput) { s.Start, s.End = d("2026-05-10"), d("2026-05-01") }, "end"},
		{"same day", func(s *SiteInput) { s.Start, s.End = d("2026-05-10"), d("2026-05-10") }, ""},
		{"negative budget", func(s *SiteInput) { s.Budget = -1 }, "budget"},
		{"negative contract", func(s *SiteInput) { s.ContractAmount = -5 }, "contract_amount"},
		{"lat without lng", func(s *SiteInput) { s.Lat = fp(47.2) }, "lat"},
		{"lat out of range", func(s *SiteInput) { s.Lat, s.Lng = fp(95), fp(1) }, "lat"},
		{"lng out of range", func(s *SiteInput) { s.Lat, s.Lng = fp(45), fp(190) }, "lng"},
		{"coords ok", func(s *SiteInput) { s.Lat, s.Lng = fp(47.218), fp(-1.553) }, ""},
		{"geofence too big", func(s *SiteInput) { s.GeofenceM = 6000 }, "geofence_m"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			in := base
			s.edit(&in)
			err := in.Validate()
			got := ""
			if e, ok := err.(*Error); ok {
				got = e.Field
			} else if err != nil {
				t.Fatalf("non-coded error %v", err)
			}
			if got != s.field {
				t.Errorf("field = %q (%v), want %q", got, err, s.field)
			}
			if err == nil && (in.Code != "CH-01" || in.Status != SitePlanned || in.GeofenceM != 150) {
				t.Errorf("normalisation: code %q status %q geofence %d", in.Code, in.Status, in.GeofenceM)
			}
		})
	}
}

func TestPhaseInputValidate(t *testing.T) {
	scenarios := []struct {
		in         PhaseInput
		field      string
		wantStatus string
		wantProg   float64
	}{
		{PhaseInput{Name: "Gros œuvre"}, "", "todo", 0},
		{PhaseInput{Name: "GO", Progress: 40}, "", "in_progress", 40},
		{PhaseInput{Name: "GO", Progress: 100}, "", "done", 100},
		{PhaseInput{Name: "GO", Status: "done", Progress: 20}, "", "done", 100},
		{PhaseInput{Name: "GO", Progress: 120}, "progress", "", 0},
		{PhaseInput{Name: "GO", Progress: -1}, "progress", "", 0},
		{PhaseInput{Name: ""}, "name", "", 0},
		{PhaseInput{Name: "GO", Start: time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}, "end", "", 0},
	}
	for i, s := range scenarios {
		in := s.in
		err := in.Validate()
		field := ""
		if e, ok := err.(*Error); ok {
			field = e.Field
		}
		if field != s.field {
			t.Errorf("%d: field %q, want %q", i, field, s.field)
			continue
		}
		if err == nil && (in.Status != s.wantStatus || in.Progress != s.wantProg) {
			t.Errorf("%d: status %q progress %v, want %q %v", i, in.Status, in.Progress, s.wantStatus, s.wantProg)
		}
	}
}

func TestMilestoneAndExpiryStates(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return now.AddDate(0, 0, n) }
	ms := []struct {
		due, reached time.Time
		want         string
	}{
		{day(-1), time.Time{}, MilestoneOverdue},
		{day(0), time.Time{}, MilestoneDueSoon},
		{day(7), time.Time{}, MilestoneDueSoon},
		{day(8), time.Time{}, MilestoneUpcoming},
		{day(-3), day(-4), MilestoneReached},
		{time.Time{}, time.Time{}, MilestoneUndated},
	}
	for i, s := range ms {
		if got := MilestoneState(s.due, s.reached, now, paris); got != s.want {
			t.Errorf("milestone %d: %q, want %q", i, got, s.want)
		}
	}
	ex := []struct {
		until time.Time
		want  string
	}{
		{time.Time{}, ExpiryNone},
		{day(-1), ExpiryExpired},
		{day(0), ExpirySoon7},
		{day(7), ExpirySoon7},
		{day(8), ExpirySoon30},
		{day(30), ExpirySoon30},
		{day(31), ExpiryOK},
	}
	for i, s := range ex {
		if got := ExpiryState(s.until, now, paris); got != s.want {
			t.Errorf("expiry %d (%v): %q, want %q", i, s.until, got, s.want)
		}
	}
	// 29/11 at 02:00 UTC is still 28/11 in Cayenne: a date-only due on
	// 28/11 is due today there, and overdue in Paris.
	cayenne, err := time.LoadLocation("America/Cayenne")
	if err != nil {
		t.Fatal(err)
	}
	late := time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)
	due := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	zones := []struct {
		loc               *time.Location
		milestone, expiry string
	}{{paris, MilestoneOverdue, ExpiryExpired}, {cayenne, MilestoneDueSoon, ExpirySoon7}}
	for _, z := range zones {
		if got := MilestoneState(due, time.Time{}, late, z.loc); got != z.milestone {
			t.Errorf("milestone in %s: %q, want %q", z.loc, got, z.milestone)
		}
		if got := ExpiryState(due, late, z.loc); got != z.expiry {
			t.Errorf("expiry in %s: %q, want %q", z.loc, got, z.expiry)
		}
	}
}

func TestAddMonths(t *testing.T) {
	d := func(s string) time.Time { tm, _ := time.Parse("2006-01-02", s); return tm }
	scenarios := []struct {
		from string
		n    int
		want string
	}{
		{"2026-11-29", 3, "2027-02-28"},
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2026-05-15", 36, "2029-05-15"},
		{"2026-03-31", -1, "2026-02-28"},
	}
	for _, s := range scenarios {
		if got := AddMonths(d(s.from), s.n).Format("2006-01-02"); got != s.want {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", s.from, s.n, got, s.want)
		}
	}
}
