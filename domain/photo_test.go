package domain_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/imaging"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestWatermarkLines(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata")
	}
	at := time.Date(2026, 11, 29, 13, 5, 0, 0, time.UTC)
	scenarios := []struct {
		name string
		fix  domain.GeoFix
		tz   *time.Location
		want []string
	}{
		{"fix in Paris time", domain.GeoFix{Lat: 47.2184, Lng: -1.5536, Accuracy: 12, OK: true}, paris,
			[]string{"29/11/2026 14:05 (Europe/Paris)", "47.21840, -1.55360 ±12 m", "École", "Léa Martin"}},
		{"no fix, no zone", domain.GeoFix{}, nil,
			[]string{"29/11/2026 13:05 (UTC)", "GPS —", "École", "Léa Martin"}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			got := domain.WatermarkLines(at, s.tz, s.fix, "École", "Léa Martin")
			if strings.Join(got, "|") != strings.Join(s.want, "|") {
				t.Errorf("got %q, want %q", got, s.want)
			}
		})
	}
}

func TestAddAndProcessPhoto(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	other := tt.User(domain.RoleCrew, "other@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active", "team": []string{crew.Id}})
	task := tt.Record("tasks", map[string]any{"site": site.Id, "title": "Tranchée", "status": "planned"})
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	file := func() *filesystem.File {
		f, err := filesystem.NewFileFromBytes(buf.Bytes(), "IMG_0001.jpg")
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if _, err := domain.AddPhoto(app, other.Record, domain.PhotoInput{Subject: task.Id, File: file()}); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("photo by a crew outside the team: %v", err)
	}
	if _, err := domain.AddPhoto(app, crew.Record, domain.PhotoInput{Site: site.Id}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("photo without a file: %v", err)
	}
	p, err := domain.AddPhoto(app, crew.Record, domain.PhotoInput{Subject: task.Id, File: file(),
		Fix: domain.GeoFix{Lat: 47.2184, Lng: -1.5536, Accuracy: 12, OK: true}})
	if err != nil {
		t.Fatal(err)
	}
	if p.GetString("site") != site.Id || p.GetString("subject") != task.Id || len(p.GetString("original_sha256")) != 64 {
		t.Errorf("photo %v", p)
	}
	derive := domain.PhotoDeriver(imaging.Derive)
	for range 2 { // idempotent
		if err := domain.ProcessPhoto(app, derive, p.Id, "École", "Léa", time.UTC); err != nil {
			t.Fatal(err)
		}
	}
	n, _ := app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"collection": "photos", "record": p.Id, "action": "update"})
	got, _ := app.FindRecordById("photos", p.Id)
	if got.GetString("derived") == "" || n != 1 {
		t.Errorf("derived %q after %d updates, want one", got.GetString("derived"), n)
	}
}

// TestProcessPhotoMakesReportThumbnail: the photo worker keeps the report
// thumbnail of the derived image, so a report that makes none (a nil
// thumbnailer only reads those kept) already prints it; without a
// thumbnailer the worker keeps none.
func TestProcessPhotoMakesReportThumbnail(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-T", "name": "Tour", "sector": "btp", "status": "active", "team": []string{crew.Id}})
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 1200, 800)), nil); err != nil {
		t.Fatal(err)
	}
	taken := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	add := func() string {
		f, _ := filesystem.NewFileFromBytes(buf.Bytes(), "IMG.jpg")
		p, err := domain.AddPhoto(app, crew.Record, domain.PhotoInput{Site: site.Id, File: f, TakenAt: taken})
		if err != nil {
			t.Fatal(err)
		}
		return p.Id
	}
	warm, cold := add(), add()
	if err := domain.ProcessPhoto(app, imaging.Derive, warm, "Tour", "Léa", time.UTC, imaging.ThumbnailJPEG); err != nil {
		t.Fatal(err)
	}
	if err := domain.ProcessPhoto(app, imaging.Derive, cold, "Tour", "Léa", time.UTC); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 18, 0, 0, 0, 0, domain.TenantFactsOf(app).Location())
	d, err := domain.DailyReportData(app, site.Id, day, nil)
	if err != nil {
		t.Fatal(err)
	}
	thumbs := map[string][]byte{}
	for _, p := range d.Photos {
		thumbs[p.ID] = p.Thumb
	}
	if len(d.Photos) != 2 || len(thumbs[cold]) != 0 {
		t.Fatalf("%d photos, cold thumbnail %d bytes", len(d.Photos), len(thumbs[cold]))
	}
	img, err := jpeg.Decode(bytes.NewReader(thumbs[warm]))
	if err != nil {
		t.Fatalf("warm thumbnail: %v", err)
	}
	if b := img.Bounds(); b.Dx() != domain.ReportThumbSide || b.Dy() != 213 {
		t.Errorf("thumbnail %v, want 320×213", b)
	}
}
