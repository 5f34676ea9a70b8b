package handlers_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// pvJPEG is a small photo.
func pvJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		img.Set(x, x%30, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pvSignature is a signature pad's data URL with some ink.
func pvSignature(t *testing.T, shift int) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 40))
	for x := 10; x < 110; x++ {
		img.Set(x, 10+shift+x%7, color.NRGBA{13, 36, 64, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
}

// postMultipart posts fields and one photo as a same-origin form.
func postMultipart(t *testing.T, tt *tenanttest.Tenant, path string, fields url.Values, photo []byte, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	if photo != nil {
		fw, _ := w.CreateFormFile("photos", "IMG_1.jpg")
		_, _ = fw.Write(photo)
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Host = tt.Host()
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(c)
	return tenanttest.Serve(tt.Registry, req)
}

func mustFile(t *testing.T, b []byte) *filesystem.File {
	t.Helper()
	f, err := filesystem.NewFileFromBytes(b, "IMG.jpg")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestAcceptancePages: the project manager prepares a report on the
// tablet page, adds a reservation with a photo, both parties sign; the
// signed PDF carries the reservation and the document's hash and its own
// hash is the one sealed; the report is immutable through the pages and
// the REST API; a crew member cannot prepare one; another site's report
// is not found; the état des réserves shows the lifting.
func TestAcceptancePages(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)
	tt := handlertest.New(t, tenanttest.WithClock(func() time.Time { return now }))
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-PV", "name": "Groupe scolaire", "sector": "btp", "status": "active",
		"project_manager": pm.Id, "team": []string{crew.Id}})
	other := tt.Record("sites", map[string]any{"code": "CH-2", "name": "Autre", "sector": "btp", "status": "active", "project_manager": pm.Id})
	pmC := tt.Login("pm@acme.test", tenanttest.Password)
	crewC := tt.Login("crew@acme.test", tenanttest.Password)
	list := "/sites/" + site.Id + "/acceptance"

	if page := tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+site.Id, pmC); !strings.Contains(page.Body.String(), `href="`+list+`"`) {
		t.Errorf("the site page has no acceptance tab")
	}
	form := url.Values{"date": {"2026-11-30"}, "place": {"Sur site"}, "lots": {"Gros œuvre\nPeinture"}, "attendees": {"Mme Client; SCI Tilleuls; maître d'ouvrage"}}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), list, form, crewC); rec.Code != http.StatusForbidden {
		t.Errorf("a crew member prepares a report: %d, want 403", rec.Code)
	}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), list, url.Values{"date": {"2026-11-30"}}, pmC); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "au moins un lot") {
		t.Errorf("no lots: %d", rec.Code)
	}
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), list, form, pmC)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", rec.Code, rec.Body)
	}
	page := rec.Header().Get("Location")
	aid := strings.TrimPrefix(page, list+"/")
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+other.Id+"/acceptance/"+aid, pmC); rec.Code != http.StatusNotFound {
		t.Errorf("the report through another site: %d, want 404", rec.Code)
	}
	rec = postMultipart(t, tt, page+"/reservations", url.Values{"description": {"Fissure enduit façade nord"}, "lot": {"Gros œuvre"}, "location": {"Façade nord"}}, pvJPEG(t), pmC)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("reservation: %d\n%s", rec.Code, rec.Body)
	}
	if rec := postMultipart(t, tt, page+"/reservations", url.Values{"description": {""}}, nil, pmC); rec.Code != http.StatusBadRequest {
		t.Errorf("a reservation without description: %d, want 400", rec.Code)
	}
	body := tenanttest.Get(t, tt.Registry, tt.Host(), page, pmC).Body.String()
	for _, want := range []string{`data-testid="reservation-1"`, "Fissure enduit façade nord", page + "/photos/", `data-testid="acceptance-sign-form"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the report's page lacks %q", want)
		}
	}
	// signing: no consent comes back on the form; then both parties
	sign := url.Values{"company_name": {"P. Martin"}, "company_signature": {pvSignature(t, 1)}, "client_name": {"Mme Client"}, "client_signature": {pvSignature(t, 3)}}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), page+"/sign", sign, pmC); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `data-testid="error-consent"`) {
		t.Errorf("sign without consent: %d", rec.Code)
	}
	sign.Set("consent", "true")
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), page+"/sign", sign, crewC); rec.Code != http.StatusForbidden {
		t.Errorf("a crew member signs: %d, want 403", rec.Code)
	}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), page+"/sign", sign, pmC); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign: %d\n%s", rec.Code, rec.Body)
	}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), page+"/sign", sign, pmC); rec.Code != http.StatusConflict {
		t.Errorf("signing twice: %d, want 409", rec.Code)
	}
	if rec := postMultipart(t, tt, page+"/reservations", url.Values{"description": {"trop tard"}}, nil, pmC); rec.Code != http.StatusConflict {
		t.Errorf("a reservation on a signed report: %d, want 409", rec.Code)
	}
	a, err := domain.FindAcceptance(tt.App(), aid)
	if err != nil || a.Status() != domain.AcceptanceSigned {
		t.Fatalf("report %v %s", err, a.Status())
	}
	pv := tenanttest.Get(t, tt.Registry, tt.Host(), page+"/pv.pdf", pmC)
	if pv.Code != http.StatusOK {
		t.Fatalf("pv.pdf: %d", pv.Code)
	}
	txt := pdfText(t, pv.Body.Bytes())
	for _, want := range []string{"Procès-verbal de réception", "Fissure enduit façade nord", "Réserve n°1", a.DocumentSHA256(), "P. Martin", "Mme Client"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the signed PDF lacks %q", want)
		}
	}
	if got := domain.SHA256Hex(pv.Body.Bytes()); got != a.PDFSHA256() {
		t.Errorf("served PDF hash %s, sealed %s", got, a.PDFSHA256())
	}

	// REST: a users token neither edits nor deletes nor creates
	tok := tt.Token("users", "pm@acme.test")
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPatch, "/api/collections/acceptances/records/" + aid, `{"place":"ailleurs"}`},
		{http.MethodDelete, "/api/collections/acceptances/records/" + aid, ""},
		{http.MethodPost, "/api/collections/acceptance_reservations/records", `{"acceptance":"` + aid + `","site":"` + site.Id + `","description":"x","status":"open"}`},
	} {
		rec := tenanttest.Do(t, tt.Registry, c.method, tt.Host(), c.path, tok, strings.NewReader(c.body))
		if rec.Code != http.StatusForbidden && rec.Code != http.StatusBadRequest && rec.Code != http.StatusNotFound {
			t.Errorf("REST %s %s: %d, want a refusal", c.method, c.path, rec.Code)
		}
	}
	if a2, _ := domain.FindAcceptance(tt.App(), aid); a2.Place() != "Sur site" || a2.Status() != domain.AcceptanceSigned {
		t.Errorf("the REST API changed the signed report: %q %s", a2.Place(), a2.Status())
	}

	// the crew lifts the reservation; the état des réserves shows it
	res, _ := domain.AcceptanceReservations(tt.App(), aid)
	app := tt.App()
	task, _ := app.FindRecordById(domain.CollectionTasks, res[0].TaskID())
	if _, err := domain.AddPhoto(app, crew.Record, domain.PhotoInput{Subject: task.Id, File: mustFile(t, pvJPEG(t)), TakenAt: now}); err != nil {
		t.Fatal(err)
	}
	task.Set("status", domain.TaskDone)
	domain.SetActor(task, crew.Id)
	if err := app.Save(task); err != nil {
		t.Fatal(err)
	}
	state := tenanttest.Get(t, tt.Registry, tt.Host(), page+"/state.pdf", pmC)
	if txt := pdfText(t, state.Body.Bytes()); state.Code != http.StatusOK || !strings.Contains(txt, "levée, en attente") || !strings.Contains(txt, a.PDFSHA256()) {
		t.Errorf("état des réserves: %d\n%s", state.Code, txt)
	}
	if body := tenanttest.Get(t, tt.Registry, tt.Host(), page, pmC).Body.String(); !strings.Contains(body, `data-testid="lift-photo"`) {
		t.Errorf("the report's page does not show the lifting photo")
	}
}
