package handlers_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers"
	"github.com/fieldops360/fieldops/tenanttest"
)

// photoTenant is a tenant with two sites, each with its own crew.
type photoTenant struct {
	*tenanttest.Tenant
	crew, crew2, siteA, siteB, task string
}

func newPhotoTenant(t *testing.T) photoTenant {
	t.Helper()
	tt := tenanttest.Provision(t, handlers.NewPhotoTestRegistry(t), "acme", domain.SectorBTP)
	pt := photoTenant{Tenant: tt}
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test").Id
	pt.crew = tt.User(domain.RoleCrew, "crew@acme.test").Id
	pt.crew2 = tt.User(domain.RoleCrew, "crew2@acme.test").Id
	pt.siteA = tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active",
		"site_lead": lead, "team": []string{pt.crew}}).Id
	pt.siteB = tt.Record("sites", map[string]any{"code": "CH-2", "name": "Gymnase", "sector": "btp", "status": "active",
		"team": []string{pt.crew2}}).Id
	pt.task = tt.Record("tasks", map[string]any{"site": pt.siteA, "title": "Tranchée", "status": "planned", "assignees": []string{pt.crew}}).Id
	return pt
}

// orientedJPEG is a uniform grey w×h JPEG with EXIF orientation o.
func orientedJPEG(t *testing.T, w, h int, o uint16) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 160
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	jpg := buf.Bytes()
	tiff := make([]byte, 26)
	copy(tiff, "MM")
	binary.BigEndian.PutUint16(tiff[2:], 42)
	binary.BigEndian.PutUint32(tiff[4:], 8)
	binary.BigEndian.PutUint16(tiff[8:], 1)
	binary.BigEndian.PutUint16(tiff[10:], 0x0112)
	binary.BigEndian.PutUint16(tiff[12:], 3)
	binary.BigEndian.PutUint32(tiff[14:], 1)
	binary.BigEndian.PutUint16(tiff[18:], o)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// postPhoto posts the upload form as a same-origin browser would.
func postPhoto(t *testing.T, pt photoTenant, host string, fields map[string]string, name string, data []byte, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/m/photos", &body)
	req.Host = host
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if c != nil {
		req.AddCookie(c)
	}
	return tenanttest.Serve(pt.Registry, req)
}

// waitDerived waits for the background worker to write the derived image.
func waitDerived(t *testing.T, app core.App, id string) *core.Record {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if p, err := app.FindRecordById("photos", id); err == nil && p.GetString("derived") != "" {
			return p
		}
	}
	t.Fatalf("photo %s: no derived image after 15 s", id)
	return nil
}

// lumaAt returns the mean luminance of img over r.
func lumaAt(img image.Image, r image.Rectangle) float64 {
	var sum float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
			sum += float64(c.Y)
		}
	}
	return sum / float64(r.Dx()*r.Dy())
}

func TestPhotoUploadHashAuditAndBand(t *testing.T) {
	t.Parallel()
	pt := newPhotoTenant(t)
	reg, host, app := pt.Registry, pt.Host(), pt.App()
	c := pt.Login("crew@acme.test", tenanttest.Password)

	d := doc(t, tenanttest.Get(t, reg, host, "/m/photos", c).Body.String())
	if d.Find(`form[data-testid="photo-form"][enctype="multipart/form-data"] input[type="file"][accept="image/*"][capture="environment"]`).Length() != 1 {
		t.Error("upload form with a camera file input missing")
	}
	if src, _ := d.Find(`script[nonce][src*="photos"]`).Attr("src"); src == "" {
		t.Error("photos script (with nonce) missing")
	}

	original := orientedJPEG(t, 640, 480, 6)
	rec := postPhoto(t, pt, host, map[string]string{"site": pt.siteA, "subject": pt.task, "lat": "47.2184", "lng": "-1.5536",
		"accuracy": "12", "caption": "Tranchée ouverte"}, "IMG_0001.jpg", original, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	p, err := app.FindFirstRecordByFilter("photos", "subject = {:s}", dbx.Params{"s": pt.task})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(original)
	want := hex.EncodeToString(sum[:])
	if got := p.GetString("original_sha256"); got != want {
		t.Errorf("original_sha256 = %q, want %q", got, want)
	}
	if p.GetString("site") != pt.siteA || p.GetString("by") != pt.crew || p.GetFloat("accuracy") != 12 {
		t.Errorf("photo %v", p.FieldsData())
	}
	ev, err := app.FindFirstRecordByFilter(domain.CollectionAuditEvents, "collection = 'photos' && record = {:id} && action = 'create'", dbx.Params{"id": p.Id})
	if err != nil {
		t.Fatal("no audit event for the upload")
	}
	var diff map[string]any
	_ = json.Unmarshal([]byte(ev.GetString("diff")), &diff)
	if diff["original_sha256"] != want || ev.GetString("actor") != pt.crew || diff["derived"] != nil {
		t.Errorf("audit event of the upload: actor %q diff %v", ev.GetString("actor"), diff)
	}

	waitDerived(t, app, p.Id)
	rec = tenanttest.Get(t, reg, host, "/photos/"+p.Id+"/derived", c)
	if rec.Code != 200 {
		t.Fatalf("derived: %d", rec.Code)
	}
	img, err := jpeg.Decode(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 480 || b.Dy() != 640 {
		t.Fatalf("derived %v, want 480x640 (EXIF orientation 6 applied)", b)
	}
	top, band := lumaAt(img, image.Rect(400, 0, 480, 20)), lumaAt(img, image.Rect(400, 630, 480, 640))
	if band > top-40 {
		t.Errorf("band luminance %.0f, want darker than the photo's %.0f", band, top)
	}
	if rec := tenanttest.Get(t, reg, host, "/photos/"+p.Id+"/original", c); rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), original) {
		t.Errorf("original: %d, %d bytes, want the uploaded bytes", rec.Code, rec.Body.Len())
	}
	if rec := tenanttest.Get(t, reg, host, "/photos/"+p.Id+"/thumb", c); rec.Code != 200 {
		t.Errorf("thumb: %d", rec.Code)
	} else if cfg, err := jpeg.DecodeConfig(rec.Body); err != nil || cfg.Width != 240 || cfg.Height != 320 {
		t.Errorf("thumb %+v %v, want 240x320", cfg, err)
	}
	if _, err := app.FindFirstRecordByFilter(domain.CollectionAuditEvents, "collection = 'photos' && record = {:id} && action = 'update' && actor = {:a}",
		dbx.Params{"id": p.Id, "a": domain.PhotoWorker}); err != nil {
		t.Error("no audit event for the derived image")
	}
	d = doc(t, tenanttest.Get(t, reg, host, "/m/photos?site="+pt.siteA+"&toast=uploaded", c).Body.String())
	if d.Find(`[data-testid="photo-`+p.Id+`"] [data-testid="photo-derived"]`).Length() != 1 || !strings.Contains(d.Text(), want) {
		t.Error("the gallery does not show the photo with its hash")
	}

	// HEIC and garbage are refused with a message on the file field
	for name, data := range map[string][]byte{"IMG.heic": append([]byte{0, 0, 0, 0x18}, "ftypheic\x00\x00\x00\x00mif1heic"...), "x.jpg": []byte("garbage")} {
		rec = postPhoto(t, pt, host, map[string]string{"site": pt.siteA}, name, data, c)
		if rec.Code != 400 || doc(t, rec.Body.String()).Find(`[data-testid="error-file"]`).Length() != 1 {
			t.Errorf("%s: %d", name, rec.Code)
		}
	}
}

func TestPhotoAccessAcrossSitesAndTenants(t *testing.T) {
	t.Parallel()
	pt := newPhotoTenant(t)
	reg, host, app := pt.Registry, pt.Host(), pt.App()
	c := pt.Login("crew@acme.test", tenanttest.Password)
	rec := postPhoto(t, pt, host, map[string]string{"site": pt.siteA}, "a.jpg", orientedJPEG(t, 64, 48, 1), c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	p, err := app.FindFirstRecordByFilter("photos", "site = {:s}", dbx.Params{"s": pt.siteA})
	if err != nil {
		t.Fatal(err)
	}
	waitDerived(t, app, p.Id)

	// another site's crew sees nothing of site A
	c2 := pt.Login("crew2@acme.test", tenanttest.Password)
	for _, path := range []string{"/photos/" + p.Id + "/derived", "/photos/" + p.Id + "/original", "/photos/" + p.Id + "/thumb", "/m/photos?site=" + pt.siteA} {
		if rec := tenanttest.Get(t, reg, host, path, c2); rec.Code != 404 {
			t.Errorf("crew of site B on %s: %d, want 404", path, rec.Code)
		}
	}
	if strings.Contains(tenanttest.Get(t, reg, host, "/m/photos", c2).Body.String(), p.Id) {
		t.Error("crew of site B lists a photo of site A")
	}
	if rec := postPhoto(t, pt, host, map[string]string{"site": pt.siteA}, "b.jpg", orientedJPEG(t, 64, 48, 1), c2); rec.Code != 403 {
		t.Errorf("crew of site B uploads to site A: %d, want 403", rec.Code)
	}
	// the office's site gallery: the site lead sees it, crews cannot open it
	lc := pt.Login("lead@acme.test", tenanttest.Password)
	d := doc(t, tenanttest.Get(t, reg, host, "/sites/"+pt.siteA+"/photos", lc).Body.String())
	if d.Find(`[data-testid="photo-`+p.Id+`"]`).Length() != 1 {
		t.Error("site gallery does not list the photo")
	}
	if rec := tenanttest.Get(t, reg, host, "/sites/"+pt.siteA+"/photos", c); rec.Code != 403 {
		t.Errorf("crew on the office gallery: %d, want 403", rec.Code)
	}

	// tenant A's cookie on tenant B's host is anonymous; B's admin gets 404
	b := tenanttest.Provision(t, reg, "beta", domain.SectorTP)
	for _, path := range []string{"/photos/" + p.Id + "/original", "/photos/" + p.Id + "/derived"} {
		rec := tenanttest.Get(t, reg, b.Host(), path, c)
		if rec.Code == 200 || (rec.Code == http.StatusSeeOther && !strings.HasPrefix(rec.Header().Get("Location"), "/login")) {
			t.Errorf("A's cookie on B %s: %d %s", path, rec.Code, rec.Header().Get("Location"))
		}
		if rec := tenanttest.Get(t, reg, b.Host(), path, b.Login(b.Admin, tenanttest.Password)); rec.Code != 404 {
			t.Errorf("B's admin on %s: %d, want 404", path, rec.Code)
		}
	}
}
