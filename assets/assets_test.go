package assets

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestServeGzip: text assets go out gzip-compressed to clients that
// accept it (same bytes once decompressed), plain to the others; images
// are never recompressed.
func TestServeGzip(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := a.Read("js/crew.js")
	scenarios := []struct {
		name, path, accept, wantEnc string
	}{
		{"gzip js", a.Path("js/crew.js"), "gzip, deflate, br", "gzip"},
		{"no gzip", a.Path("js/crew.js"), "", ""},
		{"refused", a.Path("js/crew.js"), "gzip;q=0, br", ""},
		{"png", a.Path("icons/icon-192.png"), "gzip", ""},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, s.path, nil)
			if s.accept != "" {
				req.Header.Set("Accept-Encoding", s.accept)
			}
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, req)
			if got := rec.Header().Get("Content-Encoding"); got != s.wantEnc {
				t.Fatalf("Content-Encoding = %q, want %q", got, s.wantEnc)
			}
			if s.path != a.Path("js/crew.js") {
				return
			}
			if rec.Header().Get("Vary") != "Accept-Encoding" {
				t.Errorf("Vary = %q", rec.Header().Get("Vary"))
			}
			body := rec.Body.Bytes()
			if s.wantEnc == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
				if rec.Body.Len() >= len(plain) {
					t.Errorf("gzip body %d bytes, plain %d", rec.Body.Len(), len(plain))
				}
			}
			if !bytes.Equal(body, plain) {
				t.Error("body differs from the asset")
			}
		})
	}
}
