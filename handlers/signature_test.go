package handlers_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

func pngDataURL(t *testing.T, ink bool) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 40))
	if ink {
		for x := 10; x < 110; x++ {
			img.Set(x, 20+x%7, color.NRGBA{13, 36, 64, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
}

func TestSignatureCaptureAndEvidence(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	beta := tenanttest.Provision(t, tt.Registry, "beta", domain.SectorBTP)
	crewU := tt.User(domain.RoleCrew, "crew@acme.test")
	site, _ := domain.CreateSite(tt.App(), nil, domain.SiteInput{Code: "SIG", Name: "Signature", Sector: "btp", Team: []string{crewU.Id}})
	task := tt.Record("tasks", map[string]any{"site": site.Id, "title": "Pose tableau électrique", "status": "done", "assignees": []string{crewU.Id}})
	c := tt.Login("crew@acme.test", tenanttest.Password)

	rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/m/tasks/"+task.Id+"/sign", c)
	d := doc(t, rec.Body.String())
	if rec.Code != 200 || len(testid(d, "document-hash").Text()) != 64 {
		t.Fatalf("sign page = %d", rec.Code)
	}
	hash := testid(d, "document-hash").Text()
	blank := url.Values{"signer_name": {"M. Durand"}, "signer_role": {"client"}, "consent": {"true"}, "signature": {pngDataURL(t, false)}}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/m/tasks/"+task.Id+"/sign", blank, c); rec.Code != 400 {
		t.Errorf("blank signature = %d, want 400", rec.Code)
	}
	noConsent := url.Values{"signer_name": {"M. Durand"}, "signer_role": {"client"}, "signature": {pngDataURL(t, true)}}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/m/tasks/"+task.Id+"/sign", noConsent, c); rec.Code != 400 {
		t.Errorf("signature without consent = %d, want 400", rec.Code)
	}
	ok := url.Values{"signer_name": {"M. Durand"}, "signer_role": {"client"}, "consent": {"true"}, "signature": {pngDataURL(t, true)},
		"lat": {"47.2184"}, "lng": {"-1.5536"}, "accuracy": {"12"}}
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/m/tasks/"+task.Id+"/sign", ok, c)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/signatures/") {
		t.Fatalf("sign = %d %s", rec.Code, rec.Body.String())
	}
	evidence := rec.Header().Get("Location")
	sig, _ := tt.App().FindFirstRecordByData("signatures", "subject", task.Id)
	if sig.GetString("document_sha256") != hash || sig.GetFloat("lat") != 47.2184 || sig.GetString("image") == "" {
		t.Errorf("stored: hash %q lat %v image %q", sig.GetString("document_sha256"), sig.Get("lat"), sig.GetString("image"))
	}
	d = doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), evidence, c).Body.String())
	if testid(d, "evidence-hash").Text() != hash || !strings.Contains(testid(d, "evidence-integrity").Text(), "correspond") {
		t.Errorf("evidence page: %q / %q", testid(d, "evidence-hash").Text(), testid(d, "evidence-integrity").Text())
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), evidence+"/image", c); rec.Code != 200 || rec.Header().Get("Content-Type") != "image/png" {
		t.Errorf("image = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	// the job changes after signing: the evidence says so
	task.Set("title", "Pose tableau électrique + reprise")
	tt.App().Save(task)
	d = doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), evidence, c).Body.String())
	if !strings.Contains(testid(d, "evidence-integrity").Text(), "changé") {
		t.Error("a changed job still shows as matching the signed document")
	}
	// the signature creation is in the audit trail, and B never sees it
	if n, _ := tt.App().CountRecords("audit_events", nil); n == 0 {
		t.Error("no audit events")
	}
	bc := beta.Login(beta.Admin, tenanttest.Password)
	if rec := tenanttest.Get(t, tt.Registry, beta.Host(), evidence, bc); rec.Code == 200 {
		t.Error("signature of A shown on B")
	}
}
