package domain_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestSeedDemo(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	if err := domain.SeedDemoAt(app, now); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"users": 13, "clients": 3, "sites": 6}
	for c, n := range want {
		if got, _ := app.CountRecords(c); got != n {
			t.Errorf("%s = %d, want %d", c, got, n)
		}
	}
	for _, c := range []string{"phases", "milestones", "documents", "user_skills", "clearances", "availability"} {
		if got, _ := app.CountRecords(c); got == 0 {
			t.Errorf("no %s seeded", c)
		}
	}
	sectors := map[string]bool{}
	statuses := map[string]bool{}
	sites, _ := app.FindAllRecords("sites")
	for _, s := range sites {
		sectors[s.GetString("sector")], statuses[s.GetString("status")] = true, true
	}
	if len(sectors) != 3 || len(statuses) < 4 {
		t.Errorf("sites cover sectors %v and statuses %v", sectors, statuses)
	}
	// the demo company works in the three sectors: each pack's work types,
	// and jobs of each sector
	c, _ := domain.FindCompany(app)
	if got := c.EnabledSectors(); len(got) != 3 || got[0] != domain.SectorBTP {
		t.Errorf("demo sectors %v", got)
	}
	for _, s := range domain.DemoSectors {
		ref, _ := domain.ReferenceFor(s)
		if n, _ := app.CountRecords("work_types", dbx.HashExp{"sector": s}); n != int64(len(ref.WorkTypes)) {
			t.Errorf("%s: %d work types, want %d", s, n, len(ref.WorkTypes))
		}
		var jobs int
		err := app.DB().Select("count(*)").From("tasks").InnerJoin("work_types", dbx.NewExp("work_types.id = tasks.work_type")).
			Where(dbx.HashExp{"work_types.sector": s}).Row(&jobs)
		if err != nil || jobs == 0 {
			t.Errorf("%s: %d demo jobs (%v)", s, jobs, err)
		}
	}
	alerts, err := domain.FindAlerts(app, now, "")
	if err != nil || len(alerts) < 3 {
		t.Errorf("demo alerts = %d (%v), want expiring clearances, a DICT and an overdue milestone", len(alerts), err)
	}
	if rep, _ := domain.VerifyAuditChain(app); !rep.OK {
		t.Errorf("audit chain after demo seed: %+v", rep)
	}
}
