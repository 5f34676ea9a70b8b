package handlers_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestAcceptanceReservationPhotoWatermarked: a reservation's photo, taken
// on the acceptance page, goes through the photo pipeline as a crew photo
// does: its original is kept as uploaded (its SHA-256 in the report's
// document), and the watermarked proof image (band burnt in, EXIF
// orientation applied) is made in the background and is what the report's
// page serves.
func TestAcceptanceReservationPhotoWatermarked(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-WM", "name": "Résidence Les Mouettes", "sector": "btp", "status": "active", "project_manager": pm.Id})
	pmC := tt.Login("pm@acme.test", tenanttest.Password)
	list := "/sites/" + site.Id + "/acceptance"
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), list, url.Values{"date": {"2026-11-30"}, "lots": {"Peinture"}}, pmC)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", rec.Code, rec.Body)
	}
	page := rec.Header().Get("Location")
	aid := strings.TrimPrefix(page, list+"/")
	original := orientedJPEG(t, 640, 480, 6)
	rec = postMultipart(t, tt, page+"/reservations", url.Values{"description": {"Reprise peinture cage d'escalier"}, "lot": {"Peinture"}}, original, pmC)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("reservation: %d\n%s", rec.Code, rec.Body)
	}
	res, err := domain.AcceptanceReservations(tt.App(), aid)
	if err != nil || len(res) != 1 {
		t.Fatalf("reservations %d %v", len(res), err)
	}
	photos, err := domain.AcceptanceReservationPhotos(tt.App(), res[0].Id)
	if err != nil || len(photos) != 1 {
		t.Fatalf("reservation photos %d %v", len(photos), err)
	}
	p := waitDerived(t, tt.App(), photos[0].Id)
	if p.GetString("original_sha256") != domain.SHA256Hex(original) {
		t.Errorf("original_sha256 %s, want the upload's", p.GetString("original_sha256"))
	}
	if doc, _, err := domain.AcceptanceDocument(tt.App(), aid); err != nil || !strings.Contains(doc, "photo SHA-256 "+domain.SHA256Hex(original)) {
		t.Errorf("the report's document does not carry the original's hash (%v):\n%s", err, doc)
	}
	served := tenanttest.Get(t, tt.Registry, tt.Host(), page+"/photos/"+p.Id, pmC)
	if served.Code != http.StatusOK {
		t.Fatalf("the report's photo: %d", served.Code)
	}
	if bytes.Equal(served.Body.Bytes(), original) {
		t.Fatal("the report's page serves the original, not the watermarked image")
	}
	img, err := jpeg.Decode(served.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 480 || b.Dy() != 640 {
		t.Fatalf("derived %v, want 480x640 (EXIF orientation 6 applied)", b)
	}
	top, band := lumaAt(img, image.Rect(400, 0, 480, 20)), lumaAt(img, image.Rect(400, 630, 480, 640))
	if band > top-40 {
		t.Errorf("band luminance %.0f, want darker than the photo's %.0f", band, top)
	}
}
