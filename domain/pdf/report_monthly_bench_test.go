package pdf_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/imaging"
	"github.com/fieldops360/fieldops/domain/pdf"
	"github.com/fieldops360/fieldops/domain/xlsx"
	"github.com/fieldops360/fieldops/tenanttest"
)

// BenchmarkMonthlyReport is the whole path of the monthly management
// report (issue #17: PDF under 1 s, Excel under 0.5 s) for a site with
// 600 tasks and 60 photos and its month of activity (November 2026): 30
// people's approved time every working day (630 entries), two
// consumptions a day after a delivery, the 60 photos spread over the month. The monthly
// report covers every site of the tenant; this tenant has that one site.
// It prints the KPI engine's figures (no photo: the daily and weekly
// reports do), so each pass is data assembly (ComputeTenantKPIs) and
// rendering; the weekly report of the same site, with its photos, is
// measured alongside.
//
//	go test -run XXX -bench BenchmarkMonthlyReport -benchtime 10x ./domain/pdf/
func BenchmarkMonthlyReport(b *testing.B) {
	tt := tenanttest.New(b)
	app := tt.App()
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active", "team": []string{crew.Id},
		"budget": 900000, "contract_amount": 1050000, "start": "2026-09-01 00:00:00.000Z", "end": "2027-03-31 00:00:00.000Z"})
	mat, err := domain.SaveMaterial(tt.App(), nil, "", domain.MaterialInput{SKU: "BET-25", Name: "Béton C25", Unit: "m3", UnitCost: 110})
	if err != nil {
		b.Fatal(err)
	}
	people := make([]string, 30)
	for i := range people {
		people[i] = tt.User(domain.RoleCrew, fmt.Sprintf("p%02d@acme.test", i)).Id
	}
	var tasks []string
	err = app.RunInTransaction(func(tx core.App) error {
		col, _ := tx.FindCollectionByNameOrId("tasks")
		for i := range 600 {
			r := core.NewRecord(col)
			r.Load(map[string]any{"site": site.Id, "title": fmt.Sprintf("Tâche %03d", i), "status": []string{"done", "in_progress", "planned"}[i%3],
				"progress": []int{100, 40, 0}[i%3], "planned_start": time.Date(2026, 11, 1+i%28, 0, 0, 0, 0, time.UTC), "duration_days": 1 + i%5})
			if err := tx.Save(r); err != nil {
				return err
			}
			tasks = append(tasks, r.Id)
		}
		entries, _ := tx.FindCollectionByNameOrId("time_entries")
		for d := 1; d <= 30; d++ {
			if wd := at(d, 0, 0).Weekday(); wd == time.Saturday || wd == time.Sunday {
				continue
			}
			for k, u := range people {
				r := core.NewRecord(entries)
				r.Load(map[string]any{"user": u, "site": site.Id, "task": tasks[(d*30+k)%600], "status": "approved",
					"clock_in": at(d, 8, 0).UTC(), "clock_out": at(d, 16, k%30).UTC()})
				if err := tx.Save(r); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	move := func(kind string, qty float64, when time.Time) {
		if _, err := domain.RecordStockMove(app, nil, domain.StockMoveInput{Material: mat.Id, Kind: kind, Qty: qty,
			Location: domain.SiteLocation(site.Id), Site: site.Id, At: when}); err != nil {
			b.Fatal(err)
		}
	}
	move(domain.MoveReceipt, 1000, at(1, 7, 0))
	for d := 2; d <= 30; d++ {
		move(domain.MoveConsumption, 3, at(d, 10, 0))
		move(domain.MoveConsumption, 4, at(d, 15, 0))
	}
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := 0; y < 1200; y++ {
		for x := 0; x < 1600; x += 3 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	for i := range 60 {
		f, _ := filesystem.NewFileFromBytes(buf.Bytes(), "IMG.jpg")
		if _, err := domain.AddPhoto(app, crew.Record, domain.PhotoInput{Subject: tasks[i*10], File: f, TakenAt: at(1+i%30, 9, i)}); err != nil {
			b.Fatal(err)
		}
	}
	ctx := locale(b, "fr")
	month := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	data := func(b *testing.B) domain.MonthlyReport {
		m, err := domain.MonthlyReportData(app, month, nil)
		if err != nil || len(m.KPIs.Sites) != 1 || m.KPIs.Sites[0].Actual < 600*8 {
			b.Fatalf("%v: %+v", err, m.KPIs)
		}
		return m
	}
	// timed runs one pass per iteration and reports p50/p99/max
	timed := func(name string, pass func(b *testing.B)) {
		b.Run(name, func(b *testing.B) {
			samples := make([]time.Duration, 0, b.N)
			for b.Loop() {
				began := time.Now()
				pass(b)
				samples = append(samples, time.Since(began))
			}
			tenanttest.ReportPercentiles(b, samples)
		})
	}
	timed("data", func(b *testing.B) { data(b) })
	timed("pdf", func(b *testing.B) {
		if _, err := pdf.Monthly(ctx, data(b), time.Now()); err != nil {
			b.Fatal(err)
		}
	})
	timed("xlsx", func(b *testing.B) {
		if _, err := xlsx.Monthly(ctx, data(b)); err != nil {
			b.Fatal(err)
		}
	})
	// the same site's weekly client report (week of the 16th: its tasks,
	// its photos with thumbnails kept from the first pass)
	week := func(b *testing.B, thumb domain.PhotoThumbnailer) domain.WeeklyReport {
		w, err := domain.WeeklyReportData(app, site.Id, at(16, 12, 0), thumb)
		if err != nil {
			b.Fatal(err)
		}
		return w
	}
	timed("weekly-pdf", func(b *testing.B) {
		if _, err := pdf.Weekly(ctx, week(b, imaging.ThumbnailJPEG), time.Now()); err != nil {
			b.Fatal(err)
		}
	})
	timed("weekly-xlsx", func(b *testing.B) {
		if _, err := xlsx.Weekly(ctx, week(b, nil)); err != nil {
			b.Fatal(err)
		}
	})
}
