package domain_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestRetentionPurgeOfPositions(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	admin, _ := app.FindAuthRecordByEmail(domain.CollectionUsers, tt.Admin)
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	v := tt.Record("vehicles", map[string]any{"plate": "AB-123-CD", "label": "Fourgon", "kind": "van", "status": "available", "mode": "business"})
	pos := func(daysAgo int) string {
		return tt.Record("vehicle_positions", map[string]any{"vehicle": v.Id, "at": now.AddDate(0, 0, -daysAgo), "lat": 48.8, "lng": 2.3}).Id
	}
	old1, old2, recent := pos(90), pos(62), pos(10)
	site := tt.Record("sites", map[string]any{"code": "RET-1", "name": "Rétention", "status": "active", "sector": domain.SectorBTP, "team": []string{crew.Id}})
	entry := func(daysAgo int) string {
		in := now.AddDate(0, 0, -daysAgo)
		return tt.Record("time_entries", map[string]any{"user": crew.Id, "site": site.Id, "clock_in": in, "clock_out": in.Add(8 * time.Hour),
			"in_lat": 48.85, "in_lng": 2.35, "status": domain.TimeSubmitted, "source": "office"}).Id
	}
	oldEntry, newEntry := entry(40), entry(5)

	if err := domain.SaveRetention(app, crew.Record, domain.RetentionSettings{VehiclePositionsDays: 61, ClockGPSDays: 30}); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("a crew member set the retention: %v", err)
	}
	if err := domain.SaveRetention(app, admin, domain.RetentionSettings{VehiclePositionsDays: 0}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("0 days for vehicle positions: %v, want invalid", err)
	}
	if err := domain.SaveRetention(app, admin, domain.RetentionSettings{VehiclePositionsDays: 61, ClockGPSDays: 30}); err != nil {
		t.Fatal(err)
	}
	p, err := domain.PurgeRetention(app, now)
	if err != nil || p.VehiclePositions != 2 || p.ClockGPS != 1 || p.Seq == 0 {
		t.Fatalf("purge = %+v, %v; want 2 positions, 1 clock GPS, an audit event", p, err)
	}
	for id, want := range map[string]bool{old1: false, old2: false, recent: true} {
		if _, err := app.FindRecordById("vehicle_positions", id); (err == nil) != want {
			t.Errorf("position %s kept = %v, want %v", id, err == nil, want)
		}
	}
	o, _ := app.FindRecordById("time_entries", oldEntry)
	n, _ := app.FindRecordById("time_entries", newEntry)
	if o.GetFloat("in_lat") != 0 || o.GetString("clock_out") == "" || n.GetFloat("in_lat") != 48.85 {
		t.Errorf("clock GPS: old %v, new %v", o.FieldsData(), n.FieldsData())
	}
	if c, _ := app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"action": domain.AuditRetentionPurge}); c != 1 {
		t.Errorf("purge audit events = %d, want 1", c)
	}
	if rep, err := domain.VerifyAuditChain(app); err != nil || !rep.OK {
		t.Errorf("chain after the purge: %+v %v", rep, err)
	}
	if p, err := domain.PurgeRetention(app, now); err != nil || p.Seq != 0 || p.VehiclePositions != 0 {
		t.Errorf("second purge = %+v %v, want nothing and no event", p, err)
	}

	// the daily job purges on its own
	pos(70)
	domain.StartRetentionJob(app, domain.RetentionJobConfig{Clock: func() time.Time { return now }, Delay: 10 * time.Millisecond})
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, _ := app.CountRecords("vehicle_positions")
		if c == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job left %d positions, want 1", c)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
