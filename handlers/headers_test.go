package handlers_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestDashboardHeaders(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	for _, host := range []string{tt.Host(), platformHost} {
		rec := tenanttest.Get(t, tt.Registry, host, "/_/")
		if rec.Code != 200 {
			t.Fatalf("%s/_/ = %d", host, rec.Code)
		}
		csp := rec.Header().Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s/_/ CSP %q lacks %q", host, csp, want)
			}
		}
		if strings.Contains(csp, "127.0.0.1") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s/_/ CSP %q allows development sources or eval", host, csp)
		}
		if got := rec.Header().Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("%s/_/ Referrer-Policy = %q", host, got)
		}
		if got := rec.Header().Get("X-Frame-Options"); got != "DENY" {
			t.Errorf("%s/_/ X-Frame-Options = %q", host, got)
		}
	}
}

func TestFileHeadersRefuseFraming(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	u := tt.User(domain.RoleCrew, "crew@acme.test")
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	f, err := filesystem.NewFileFromBytes(buf.Bytes(), "caces.png")
	if err != nil {
		t.Fatal(err)
	}
	rec := tt.Record("clearances", map[string]any{"user": u.Id, "kind": "CACES", "document": f})
	su, err := tt.App().FindAuthRecordByEmail(core.CollectionNameSuperusers, tt.Admin)
	if err != nil {
		t.Fatal(err)
	}
	token, err := su.NewFileToken()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "&thumb=100x100"} {
		path := "/api/files/clearances/" + rec.Id + "/" + rec.GetString("document") + "?token=" + token + q
		res := tenanttest.Get(t, tt.Registry, tt.Host(), path)
		if res.Code != http.StatusOK {
			t.Fatalf("file %s = %d %s", q, res.Code, res.Body.String())
		}
		if got := res.Header().Get("X-Frame-Options"); got != "DENY" {
			t.Errorf("file%s X-Frame-Options = %q, want DENY", q, got)
		}
		csp := res.Header().Get("Content-Security-Policy")
		for _, want := range []string{"frame-ancestors 'none'", "sandbox", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("file%s CSP %q lacks %q", q, csp, want)
			}
		}
		if res.Header().Get("X-Content-Type-Options") != "nosniff" || res.Header().Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("file%s headers: %v", q, res.Header())
		}
	}
}
