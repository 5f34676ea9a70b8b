package handlers_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// rawClient sends Accept-Encoding itself, so bodies arrive as the server
// encoded them (Go's transport would otherwise decode gzip silently).
var rawClient = &http.Client{Transport: &http.Transport{DisableCompression: true}}

// rawGet fetches path from a real server with the given Accept-Encoding.
func rawGet(t *testing.T, srv *httptest.Server, host, path, accept string, c *http.Cookie) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	req.Host = host
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	if c != nil {
		req.AddCookie(c)
	}
	res, err := rawClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return res, b
}

// gunzip decodes a whole gzip body, trailer included.
func gunzip(t *testing.T, what string, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("%s: not gzip: %v", what, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: gzip body does not decode to its end: %v", what, err)
	}
	return string(out)
}

// TestCompressPagesAndAssets: a page is gzipped for a client that accepts
// it (Vary set), sent plain otherwise or with gzip;q=0; a pre-gzipped
// asset is not gzipped twice; images and tiny bodies pass through.
func TestCompressPagesAndAssets(t *testing.T) {
	tt := handlertest.New(t)
	admin := tt.Login(tt.Admin, tenanttest.Password)
	srv := httptest.NewServer(tt.Registry)
	defer srv.Close()

	res, body := rawGet(t, srv, tt.Host(), "/users", "br, gzip;q=0.8, deflate", admin)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("page: %d, Content-Encoding %q, want gzip", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") || res.Header.Get("Content-Length") != "" && res.ContentLength != int64(len(body)) {
		t.Errorf("page headers: Vary %q, Content-Length %q", res.Header.Get("Vary"), res.Header.Get("Content-Length"))
	}
	html := gunzip(t, "page", body)
	if !strings.Contains(html, `data-testid="users-page"`) || !strings.HasSuffix(strings.TrimSpace(html), "</html>") {
		t.Errorf("decoded page is not the whole users page: %.200q … %.80q", html, html[max(0, len(html)-80):])
	}
	if len(body)*3 > len(html) {
		t.Errorf("page gzipped to %d bytes from %d: expected at least 3×", len(body), len(html))
	}
	t.Logf("/users: %d → %d bytes", len(html), len(body))

	for _, accept := range []string{"", "identity", "gzip;q=0, br"} {
		res, body := rawGet(t, srv, tt.Host(), "/users", accept, admin)
		if res.Header.Get("Content-Encoding") != "" || !strings.Contains(string(body), `data-testid="users-page"`) {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, body %.80q", accept, res.Header.Get("Content-Encoding"), body)
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: no Vary on a compressible page", accept)
		}
	}

	page := tenanttest.Get(t, tt.Registry, tt.Host(), "/users", admin).Body.String()
	js := assetURL(t, page, "/assets/js/datastar.")
	res, body = rawGet(t, srv, tt.Host(), js, "gzip", nil)
	if res.Header.Get("Content-Encoding") != "gzip" || strings.Count(res.Header.Get("Vary"), "Accept-Encoding") != 1 {
		t.Errorf("%s: Content-Encoding %q, Vary %q", js, res.Header.Get("Content-Encoding"), res.Header.Values("Vary"))
	}
	if src := gunzip(t, js, body); strings.HasPrefix(src, "\x1f\x8b") || !strings.Contains(src, "function") {
		t.Errorf("%s: decoded once, it is not the script (gzipped twice?): %.40q", js, src)
	}

	res, body = rawGet(t, srv, tt.Host(), "/assets/icons/icon-192.png", "gzip", nil)
	if res.Header.Get("Content-Encoding") != "" || !strings.HasPrefix(string(body), "\x89PNG") {
		t.Errorf("an image was re-encoded: Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	res, body = rawGet(t, srv, tt.Host(), "/api/health", "gzip", nil)
	if res.Header.Get("Content-Encoding") != "" || res.ContentLength != int64(len(body)) || len(body) > 1024 {
		t.Errorf("tiny JSON: Content-Encoding %q, Content-Length %d, %d bytes", res.Header.Get("Content-Encoding"), res.ContentLength, len(body))
	}
}

// assetURL finds the hashed URL starting with prefix in a page.
func assetURL(t *testing.T, page, prefix string) string {
	t.Helper()
	i := strings.Index(page, prefix)
	if i < 0 {
		t.Fatalf("no %s… in the page", prefix)
	}
	return page[i : i+strings.IndexByte(page[i:], '"')]
}

// TestCompressEventStreams: a live stream is gzipped and each event
// arrives, decoded, while the stream is still open (the compressor is
// flushed per event); a one-shot Datastar answer is a complete gzip
// stream (trailer included).
func TestCompressEventStreams(t *testing.T) {
	tt := handlertest.New(t)
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	other := tt.User(domain.RoleCrew, "other@acme.test")
	admin := tt.Login(tt.Admin, tenanttest.Password)
	srv := httptest.NewServer(tt.Registry)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/users/stream?page=1&sort=email", nil)
	req.Host = tt.Host()
	req.Header.Set("Datastar-Request", "true")
	req.Header.Set("Accept-Encoding", "gzip")
	req.AddCookie(admin)
	res, err := rawClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: Content-Encoding %q, Content-Type %q", res.Header.Get("Content-Encoding"), res.Header.Get("Content-Type"))
	}
	events := make(chan string, 16)
	go func() {
		defer close(events)
		zr, err := gzip.NewReader(res.Body) // reads the gzip header: sent with the first flush
		if err != nil {
			return
		}
		r := bufio.NewReader(zr)
		var ev strings.Builder
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if line == "\n" {
				if ev.Len() > 0 {
					events <- ev.String()
				}
				ev.Reset()
				continue
			}
			ev.WriteString(line)
		}
	}()
	waitStreams(t, tt.App(), 1)
	for _, u := range []string{crew.Id, other.Id} {
		start := time.Now()
		if _, err := domain.SetUserActive(tt.App(), nil, u, false); err != nil {
			t.Fatal(err)
		}
		ev := nextEvent(t, events, `id="user-`+u+`"`)
		if !strings.Contains(ev, "Désactivé") {
			t.Errorf("decoded event: %.200q", ev)
		}
		t.Logf("event for %s decoded %v after the change, stream open", u, time.Since(start).Round(time.Millisecond))
	}

	post, _ := http.NewRequest(http.MethodPost, srv.URL+"/users/"+crew.Id+"/toggle", nil)
	post.Host = tt.Host()
	post.Header.Set("Datastar-Request", "true")
	post.Header.Set("Accept-Encoding", "gzip")
	post.Header.Set("Origin", "http://"+tt.Host())
	post.AddCookie(admin)
	pres, err := rawClient.Do(post)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(pres.Body)
	pres.Body.Close()
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	if pres.StatusCode != http.StatusOK || pres.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("toggle: %d, Content-Encoding %q", pres.StatusCode, pres.Header.Get("Content-Encoding"))
	}
	if out := gunzip(t, "toggle answer", b); !strings.Contains(out, "event: datastar-merge-fragments") {
		t.Errorf("toggle answer decoded: %.200q", out)
	}
}
