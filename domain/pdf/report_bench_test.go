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

// BenchmarkSiteReport is the whole path of a daily site report on a real
// tenant: 600 tasks scheduled over the day, 60 photos of 1600×1200 px
// taken that day, 30 people's time; data assembly then PDF or Excel
// (issue #17: PDF under 1 s, Excel under 0.5 s). "cold" makes the photo
// thumbnails (the first report of the day); later reports read them back.
//
//	go test -run XXX -bench BenchmarkSiteReport -benchtime 5x ./domain/pdf/
func BenchmarkSiteReport(b *testing.B) {
	tt := tenanttest.New(b)
	app := tt.App()
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active", "team": []string{crew.Id}})
	day := at(18, 0, 0)
	people := make([]string, 30)
	for i := range people {
		people[i] = tt.User(domain.RoleCrew, fmt.Sprintf("p%02d@acme.test", i)).Id
	}
	var first string
	err := app.RunInTransaction(func(tx core.App) error {
		col, _ := tx.FindCollectionByNameOrId("tasks")
		for i := range 600 {
			r := core.NewRecord(col)
			r.Load(map[string]any{"site": site.Id, "title": fmt.Sprintf("Tâche %03d", i), "status": "in_progress", "progress": 30,
				"planned_start": time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), "duration_days": 5})
			if err := tx.Save(r); err != nil {
				return err
			}
			if first == "" {
				first = r.Id
			}
		}
		users, _ := tx.FindCollectionByNameOrId("time_entries")
		for _, u := range people {
			r := core.NewRecord(users)
			r.Load(map[string]any{"user": u, "site": site.Id, "status": "approved", "clock_in": at(18, 8, 0).UTC(), "clock_out": at(18, 16, 0).UTC()})
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
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
		if _, err := domain.AddPhoto(app, crew.Record, domain.PhotoInput{Subject: first, File: f, TakenAt: at(18, 9, i%60)}); err != nil {
			b.Fatal(err)
		}
	}
	ctx := locale(b, "fr")
	run := func(b *testing.B, render func(domain.DailyReport) ([]byte, error)) {
		for b.Loop() {
			d, err := domain.DailyReportData(app, site.Id, day, imaging.ThumbnailJPEG)
			if err != nil || len(d.TasksOpen) != 600 || len(d.Photos) != 60 {
				b.Fatalf("%v: %d tasks %d photos", err, len(d.TasksOpen), len(d.Photos))
			}
			if render != nil {
				if _, err := render(d); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	photos, err := app.FindAllRecords("photos")
	if err != nil {
		b.Fatal(err)
	}
	// cold: no thumbnail kept yet (they are dropped before each pass)
	b.Run("cold-pdf", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			fsys, err := app.NewFilesystem()
			if err != nil {
				b.Fatal(err)
			}
			for _, p := range photos {
				_ = fsys.DeletePrefix(p.BaseFilesPath() + "/thumbs_" + p.GetString("file") + "/")
			}
			fsys.Close()
			b.StartTimer()
			d, err := domain.DailyReportData(app, site.Id, day, imaging.ThumbnailJPEG)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := pdf.Daily(ctx, d, time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("data", func(b *testing.B) { run(b, nil) })
	b.Run("pdf", func(b *testing.B) {
		run(b, func(d domain.DailyReport) ([]byte, error) { return pdf.Daily(ctx, d, time.Now()) })
	})
	b.Run("xlsx", func(b *testing.B) {
		for b.Loop() { // a workbook needs no thumbnail (the handler passes none)
			d, err := domain.DailyReportData(app, site.Id, day, nil)
			if err != nil || len(d.TasksOpen) != 600 {
				b.Fatal(err)
			}
			if _, err := xlsx.Daily(ctx, d); err != nil {
				b.Fatal(err)
			}
		}
	})
}
