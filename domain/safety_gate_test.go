package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestExcavationGate(t *testing.T) {
	t.Parallel()
	reg := tenanttest.NewRegistry(t)
	tt := tenanttest.Provision(t, reg, "tpco", domain.SectorTP)
	app := tt.App()
	site, _ := domain.CreateSite(app, nil, domain.SiteInput{Code: "AEP-1", Name: "AEP", Sector: "tp", Status: "active"})
	dig, err := app.FindFirstRecordByData("work_types", "excavation", true)
	if err != nil {
		t.Fatal("no excavation work type in the TP reference data")
	}
	other, _ := app.FindFirstRecordByData("work_types", "excavation", false)
	newTask := func(wt *core.Record) *core.Record {
		return tt.Record("tasks", map[string]any{"site": site.Id, "title": "Tranchée", "work_type": wt.Id, "status": "planned",
			"planned_start": time.Now().UTC().Truncate(24 * time.Hour), "duration_days": 2})
	}
	start := func(task *core.Record, urgent bool, reason string) error {
		task.Set("status", "in_progress")
		task.Set("urgent_works", urgent)
		task.Set("urgent_reason", reason)
		return app.Save(task)
	}
	if err := start(newTask(dig), false, ""); err == nil || !strings.Contains(err.Error(), "DT-DICT") {
		t.Errorf("excavation without DICT: %v, want refused", err)
	}
	if err := start(newTask(dig), true, " "); err == nil {
		t.Error("urgent works without a reason accepted")
	}
	if err := start(newTask(dig), true, "Fuite sur conduite AEP, intervention demandée par la mairie"); err != nil {
		t.Errorf("urgent works with a reason refused: %v", err)
	}
	if other != nil {
		if err := start(newTask(other), false, ""); err != nil {
			t.Errorf("non-excavation task refused: %v", err)
		}
	}
	// an expired receipt does not count, a valid one does
	f, _ := filesystem.NewFileFromBytes([]byte("%PDF-1.4 dict"), "dict.pdf")
	if _, err := domain.UploadDocument(app, nil, site.Id, domain.DocumentInput{Kind: "dict", Title: "DICT", ValidUntil: time.Now().AddDate(0, 0, -1)}, f, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := start(newTask(dig), false, ""); err == nil {
		t.Error("excavation accepted with an expired DICT")
	}
	f2, _ := filesystem.NewFileFromBytes([]byte("%PDF-1.4 dict 2"), "dict2.pdf")
	if _, err := domain.UploadDocument(app, nil, site.Id, domain.DocumentInput{Kind: "dict", Title: "DICT"}, f2, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := start(newTask(dig), false, ""); err != nil {
		t.Errorf("excavation with a valid DICT refused: %v", err)
	}
}
