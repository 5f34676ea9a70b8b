package handlers_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// fileURL is the PocketBase file API URL of a record's file field.
func (rt readsTenant) fileURL(t *testing.T, collection, id, field string) string {
	t.Helper()
	r, err := rt.App().FindRecordById(collection, id)
	must(t, err)
	if r.GetString(field) == "" {
		t.Fatalf("%s %s has no %s", collection, id, field)
	}
	return "/api/files/" + collection + "/" + id + "/" + r.GetString(field)
}

// fileToken asks POST /api/files/token as name.
func (rt readsTenant) fileToken(t *testing.T, name string) string {
	t.Helper()
	rec := tenanttest.Do(t, rt.Registry, http.MethodPost, rt.Host(), "/api/files/token", rt.token(name), nil)
	var out struct {
		Token string `json:"token"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil || out.Token == "" {
		t.Fatalf("file token of %s: %d %s", name, rec.Code, rec.Body)
	}
	return out.Token
}

func TestFileAPIRefusesAnonymousAndOtherSites(t *testing.T) {
	t.Parallel()
	rt := newReadsTenant(t)
	reg, host := rt.Registry, rt.Host()
	files := map[string]string{
		"photo a":     rt.fileURL(t, "photos", rt.id["photoa"], "file"),
		"derived a":   rt.fileURL(t, "photos", rt.id["photoa"], "derived"),
		"photo b":     rt.fileURL(t, "photos", rt.id["photob"], "file"),
		"signature a": rt.fileURL(t, "signatures", rt.id["siga"], "image"),
		"document a":  rt.fileURL(t, "documents", rt.id["doca"], "file"),
		"clearance b": rt.fileURL(t, "clearances", rt.id["clrb"], "document"),
	}
	// anonymous: refused, thumbnails included (contract: 401/403/404)
	for name, u := range files {
		for _, q := range []string{"", "?thumb=100x100", "?download=1"} {
			if rec := tenanttest.Get(t, reg, host, u+q); rec.Code != 401 && rec.Code != 403 && rec.Code != 404 {
				t.Errorf("anonymous GET %s%s: %d", name, q, rec.Code)
			}
		}
	}
	crewTok, leadTok := rt.fileToken(t, "crewa"), rt.fileToken(t, "lead")
	crewCookie := rt.Login("crewa@acme.test", tenanttest.Password)
	scenarios := []struct {
		name, file string
		get        func(u string) *httptest.ResponseRecorder
		want       int
	}{
		{"crew A file token, own site photo", "photo a", func(u string) *httptest.ResponseRecorder { return tenanttest.Get(t, reg, host, u+"?token="+crewTok) }, 200},
		{"crew A file token, thumbnail", "photo a", func(u string) *httptest.ResponseRecorder {
			return tenanttest.Get(t, reg, host, u+"?thumb=100x100&token="+crewTok)
		}, 200},
		{"crew A file token, derived image", "derived a", func(u string) *httptest.ResponseRecorder { return tenanttest.Get(t, reg, host, u+"?token="+crewTok) }, 200},
		{"crew A file token, other site photo", "photo b", func(u string) *httptest.ResponseRecorder { return tenanttest.Get(t, reg, host, u+"?token="+crewTok) }, 404},
		{"crew A file token, someone else's clearance", "clearance b", func(u string) *httptest.ResponseRecorder { return tenanttest.Get(t, reg, host, u+"?token="+crewTok) }, 404},
		{"crew A file token, signature (office API only)", "signature a", func(u string) *httptest.ResponseRecorder { return tenanttest.Get(t, reg, host, u+"?token="+crewTok) }, 404},
		{"site lead file token, signature", "signature a", func(u string) *httptest.ResponseRecorder { return tenanttest.Get(t, reg, host, u+"?token="+leadTok) }, 200},
		{"site lead file token, clearance", "clearance b", func(u string) *httptest.ResponseRecorder { return tenanttest.Get(t, reg, host, u+"?token="+leadTok) }, 200},
		{"crew A session, own site photo", "photo a", func(u string) *httptest.ResponseRecorder { return tenanttest.Get(t, reg, host, u, crewCookie) }, 200},
		{"crew A session, own site document", "document a", func(u string) *httptest.ResponseRecorder { return tenanttest.Get(t, reg, host, u, crewCookie) }, 200},
		{"crew A session, other site photo", "photo b", func(u string) *httptest.ResponseRecorder { return tenanttest.Get(t, reg, host, u, crewCookie) }, 404},
		{"crew A auth header, own site photo", "photo a", func(u string) *httptest.ResponseRecorder {
			return tenanttest.Do(t, reg, http.MethodGet, host, u, rt.token("crewa"), nil)
		}, 200},
		{"an auth token is not a file token", "photo a", func(u string) *httptest.ResponseRecorder {
			return tenanttest.Get(t, reg, host, u+"?token="+rt.token("crewa"))
		}, 404},
		{"forged file token", "photo a", func(u string) *httptest.ResponseRecorder {
			return tenanttest.Get(t, reg, host, u+"?token=eyJhbGciOiJIUzI1NiJ9.e30.x")
		}, 404},
	}
	for _, s := range scenarios {
		rec := s.get(files[s.file])
		if rec.Code != s.want {
			t.Errorf("%s: %d, want %d", s.name, rec.Code, s.want)
			continue
		}
		if s.want == 200 {
			h := rec.Header()
			if cc := h.Get("Cache-Control"); !strings.HasPrefix(cc, "private") || strings.Contains(cc, "max-age=2592000") {
				t.Errorf("%s: Cache-Control %q, want private", s.name, cc)
			}
			if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: frame/sniff headers %q %q", s.name, h.Get("X-Frame-Options"), h.Get("X-Content-Type-Options"))
			}
		}
	}
	// an inactive user's file token no longer opens anything
	crew, err := rt.App().FindRecordById(domain.CollectionUsers, rt.id["crewa"])
	must(t, err)
	crew.Set("active", false)
	must(t, rt.App().Save(crew))
	if rec := tenanttest.Get(t, reg, host, files["photo a"]+"?token="+crewTok); rec.Code != 404 {
		t.Errorf("deactivated crew's file token: %d, want 404", rec.Code)
	}
}

func TestProductFileRoutesArePrivate(t *testing.T) {
	t.Parallel()
	rt := newReadsTenant(t)
	c := rt.Login("crewa@acme.test", tenanttest.Password)
	for _, path := range []string{"/photos/" + rt.id["photoa"] + "/thumb", "/photos/" + rt.id["photoa"] + "/derived", "/photos/" + rt.id["photoa"] + "/original",
		"/signatures/" + rt.id["siga"] + "/image", "/documents/" + rt.id["doca"] + "/file"} {
		rec := tenanttest.Get(t, rt.Registry, rt.Host(), path, c)
		if cc := rec.Header().Get("Cache-Control"); rec.Code != 200 || !strings.HasPrefix(cc, "private") {
			t.Errorf("%s: %d Cache-Control %q", path, rec.Code, cc)
		}
		if rec := tenanttest.Get(t, rt.Registry, rt.Host(), path); rec.Code == 200 {
			t.Errorf("anonymous %s: 200", path)
		}
	}
}

func TestSearchResultsPerRole(t *testing.T) {
	t.Parallel()
	rt := newReadsTenant(t)
	results := func(name, q string) string {
		email := name + "@acme.test"
		if name == "admin" {
			email = rt.Admin
		}
		rec := tenanttest.Get(t, rt.Registry, rt.Host(), "/search?q="+q, rt.Login(email, tenanttest.Password))
		if rec.Code != 200 {
			t.Fatalf("%s searches %q: %d", name, q, rec.Code)
		}
		return testid(doc(t, rec.Body.String()), "search-results").Text()
	}
	scenarios := []struct {
		name, q         string
		want, forbidden []string
	}{
		{"crewa", "CH-", []string{"CH-a"}, []string{"CH-b"}},
		{"crewa", "Tranch", []string{"Tranchée a"}, []string{"Tranchée b"}},
		{"crewa", "Client", []string{"Client a", "Contact a"}, []string{"Client b", "clienta@"}},
		{"crewa", "Test", []string{"Test crew", "Test site_lead", "crewa@acme.test"}, []string{"lead@acme.test", "crewb@acme.test", "manager@acme.test"}},
		{"crewa", "crewb@", nil, []string{"Test crew", "crewb"}},
		{"crewb", "CH-", []string{"CH-b"}, []string{"CH-a"}},
		{"lead", "CH-", []string{"CH-a", "CH-b"}, nil},
		{"lead", "Test", []string{"lead@acme.test", "crewb@acme.test"}, nil},
		{"manager", "crewb@", []string{"crewb@acme.test"}, nil},
		{"manager", "Tranch", []string{"Tranchée a", "Tranchée b"}, nil},
	}
	for _, s := range scenarios {
		got := results(s.name, s.q)
		for _, w := range s.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s searching %q: %q missing from %q", s.name, s.q, w, got)
			}
		}
		for _, f := range s.forbidden {
			if strings.Contains(got, f) {
				t.Errorf("%s searching %q finds %q", s.name, s.q, f)
			}
		}
	}
}

// sseEvent is one server-sent event of PocketBase's realtime API.
type sseEvent struct{ name, data string }

func TestRealtimeHidesCostsAndOtherSites(t *testing.T) {
	t.Parallel()
	rt := newReadsTenant(t)
	app := rt.App()
	srv := httptest.NewServer(rt.Registry)
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/realtime", nil)
	req.Host = rt.Host()
	res, err := srv.Client().Do(req)
	must(t, err)
	t.Cleanup(func() { _ = res.Body.Close() })
	events := make(chan sseEvent, 64)
	go func() {
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				ev.name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				ev.data += strings.TrimSpace(strings.TrimPrefix(line, "data:"))
			case line == "":
				if ev.name != "" {
					events <- ev
				}
				ev = sseEvent{}
			}
		}
		close(events)
	}()
	next := func(what string) sseEvent {
		t.Helper()
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("%s: the stream ended", what)
			}
			return ev
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no event after 10 s", what)
		}
		return sseEvent{}
	}
	connect := next("connect")
	var hello struct {
		ClientID string `json:"clientId"`
	}
	if connect.name != "PB_CONNECT" || json.Unmarshal([]byte(connect.data), &hello) != nil {
		t.Fatalf("connect event %+v", connect)
	}
	// NB: from the same address as the stream (PocketBase checks it)
	sub, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/realtime",
		apiJSON(map[string]any{"clientId": hello.ClientID, "subscriptions": []string{"sites", "photos", "users", "materials"}}))
	sub.Host = rt.Host()
	sub.Header.Set("Authorization", rt.token("crewa"))
	sub.Header.Set("Content-Type", "application/json")
	subRes, err := srv.Client().Do(sub)
	must(t, err)
	_ = subRes.Body.Close()
	if subRes.StatusCode != http.StatusNoContent {
		t.Fatalf("subscribe: %d", subRes.StatusCode)
	}

	// what crew A may not read first, then what they may
	update := func(col, id string, fields map[string]any) {
		r, err := app.FindRecordById(col, id)
		must(t, err)
		r.Load(fields)
		must(t, app.Save(r))
	}
	update("sites", rt.id["siteb"], map[string]any{"name": "Chantier b (modifié)"})
	crewB, err := app.FindRecordById(domain.CollectionUsers, rt.id["crewb"])
	must(t, err)
	jpg, err := filesystem.NewFileFromBytes(orientedJPEG(t, 32, 24, 1), "b2.jpg")
	must(t, err)
	photoB, err := domain.AddPhoto(app, crewB, domain.PhotoInput{Site: rt.id["siteb"], File: jpg})
	must(t, err)
	update("sites", rt.id["sitea"], map[string]any{"budget": 130000, "name": "Chantier a (modifié)"})
	update("users", rt.id["lead"], map[string]any{"hourly_cost": 44})
	update("materials", rt.id["material"], map[string]any{"unit_cost": 10.5, "name": "Ciment 35"})
	crewA, err := app.FindRecordById(domain.CollectionUsers, rt.id["crewa"])
	must(t, err)
	jpg, err = filesystem.NewFileFromBytes(orientedJPEG(t, 32, 24, 1), "a2.jpg")
	must(t, err)
	photoA, err := domain.AddPhoto(app, crewA, domain.PhotoInput{Site: rt.id["sitea"], File: jpg})
	must(t, err)

	seen := map[string]string{} // record id → data
	deadline := time.After(10 * time.Second)
	for seen[photoA.Id] == "" || seen[rt.id["sitea"]] == "" || seen[rt.id["lead"]] == "" || seen[rt.id["material"]] == "" {
		select {
		case ev := <-events:
			var msg struct {
				Record map[string]any `json:"record"`
			}
			_ = json.Unmarshal([]byte(ev.data), &msg)
			if id, _ := msg.Record["id"].(string); id != "" {
				seen[id] = ev.data
			}
		case <-deadline:
			t.Fatalf("realtime events seen: %v", seen)
		}
	}
	// a grace period for events out of order
	for grace := time.After(300 * time.Millisecond); ; {
		select {
		case ev := <-events:
			if strings.Contains(ev.data, rt.id["siteb"]) || strings.Contains(ev.data, photoB.Id) {
				seen["late"] = ev.data
			}
			continue
		case <-grace:
		}
		break
	}
	for _, other := range []string{rt.id["siteb"], photoB.Id, "late"} {
		if d, ok := seen[other]; ok {
			t.Errorf("crew A got a realtime event of site B: %s", d)
		}
	}
	for id, field := range map[string]string{rt.id["sitea"]: "budget", rt.id["lead"]: "hourly_cost", rt.id["material"]: "unit_cost"} {
		if strings.Contains(seen[id], `"`+field+`"`) {
			t.Errorf("crew A reads %s in realtime: %s", field, seen[id])
		}
	}
}
