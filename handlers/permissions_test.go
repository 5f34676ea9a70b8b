package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestPermissionTableCoversSchema fails when a collection of the tenant
// schema has no row in the permission table (or no fixture), when a row
// names a collection that does not exist, and when a cell is malformed.
func TestPermissionTableCoversSchema(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	cols, err := tt.App().FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	schema := map[string]bool{}
	for _, c := range cols {
		if c.System {
			continue
		}
		schema[c.Name] = true
		row, ok := permissions[c.Name]
		if !ok {
			t.Errorf("collection %q has no row in the permission table (handlers/permissions_table_test.go)", c.Name)
			continue
		}
		for _, verb := range writeVerbs {
			if _, ok := row[verb]; !ok {
				t.Errorf("%s: no %q cell", c.Name, verb)
			}
		}
		if _, ok := fixtures[c.Name]; !ok {
			t.Errorf("collection %q has no fixture (handlers/permissions_fixtures_test.go)", c.Name)
		}
	}
	for name, row := range permissions {
		if !schema[name] {
			t.Errorf("the permission table names %q, which the schema does not have", name)
		}
		for verb, cell := range row {
			if len(cell) != len(matrixRoles) || strings.Trim(cell, "AO-") != "" {
				t.Errorf("%s %s: cell %q: one of A, O, - per role of %v", name, verb, cell, matrixRoles)
			}
			if strings.Contains(cell, "O") && !fixtures[name].scoped && !strings.HasPrefix(verb, "page:") {
				t.Errorf("%s %s: O needs a scoped fixture", name, verb)
			}
		}
	}
}

// expectation of one cell for one scope: allowed or refused.
func cellAllows(letter byte, in bool) bool { return letter == 'A' || (letter == 'O' && in) }

// scopesOf returns the scopes a fixture is run in.
func scopesOf(scoped bool) []bool {
	if scoped {
		return []bool{true, false}
	}
	return []bool{true}
}

// tryREST performs one write through the REST API as role (token "" for
// an anonymous caller) and returns its status and body.
func (w *permWorld) tryREST(col, verb, role, token string, in bool) (int, string) {
	w.t.Helper()
	fx := fixtures[col]
	path := "/api/collections/" + col + "/records"
	var rec *httptest.ResponseRecorder
	switch verb {
	case "create":
		rec = tenanttest.Do(w.t, w.Registry, http.MethodPost, w.Host(), path, token, apiJSON(fx.create(w, role, in)))
	case "update":
		target := fx.target(w, role, verb, in)
		rec = tenanttest.Do(w.t, w.Registry, http.MethodPatch, w.Host(), path+"/"+target.Id, token, apiJSON(fx.update))
	case "delete":
		target := fx.target(w, role, verb, in)
		rec = tenanttest.Do(w.t, w.Registry, http.MethodDelete, w.Host(), path+"/"+target.Id, token, nil)
	}
	return rec.Code, rec.Body.String()
}

// TestPermissionMatrixREST runs the table through the REST API: every
// role × every collection × create, update, delete, in and out of the
// role's scope, plus an inactive user and an anonymous caller who are
// refused everything. Allowed is 200 (204 for a delete); refused is 400,
// 403 or 404, never a 5xx.
func TestPermissionMatrixREST(t *testing.T) {
	t.Parallel()
	w := newPermWorld(t)
	tokens := map[string]string{"anonymous": ""}
	for _, role := range append(slices.Clone(matrixRoles), "inactive") {
		tokens[role] = w.Token("users", w.user(role).GetString("email"))
	}
	names := make([]string, 0, len(permissions))
	for name := range permissions {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, col := range names {
		fx := fixtures[col]
		for _, verb := range writeVerbs {
			cell := permissions[col][verb]
			ok := http.StatusOK
			if verb == "delete" {
				ok = http.StatusNoContent
			}
			for i, role := range matrixRoles {
				for _, in := range scopesOf(fx.scoped) {
					code, body := w.tryREST(col, verb, role, tokens[role], in)
					want := cellAllows(cell[i], in)
					if want && code != ok || !want && code != 400 && code != 403 && code != 404 {
						t.Errorf("%s %s by %s (in scope: %v): %d, want allowed=%v: %.300s", col, verb, role, in, code, want, body)
					}
				}
			}
			for _, role := range []string{"inactive", "anonymous"} {
				if code, body := w.tryREST(col, verb, role, tokens[role], true); code != 400 && code != 403 && code != 404 {
					t.Errorf("%s %s by %s: %d, want refused: %.300s", col, verb, role, code, body)
				}
			}
		}
	}
}

// pageForm is the product's own form for a write of the table (verb
// "page:<verb>" of collection): post sends it as role, in its scope or
// out of it.
type pageForm struct {
	collection, verb string
	scoped           bool
	post             func(w *permWorld, c *http.Cookie, in bool) *httptest.ResponseRecorder
}

// postForm posts url-encoded values as a same-origin browser would.
func (w *permWorld) postForm(c *http.Cookie, path string, v url.Values) *httptest.ResponseRecorder {
	return tenanttest.PostForm(w.t, w.Registry, w.Host(), path, v, c)
}

// postPhotoForm posts the crew app's photo form with a small JPEG.
func (w *permWorld) postPhotoForm(c *http.Cookie, site string) *httptest.ResponseRecorder {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("site", site)
	fw, _ := mw.CreateFormFile("file", "chantier.jpg")
	_, _ = fw.Write(orientedJPEG(w.t, 32, 24, 1))
	_ = mw.Close()
	req := tenanttest.NewRequest(http.MethodPost, w.Host(), "/m/photos", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(c)
	return tenanttest.Serve(w.Registry, req)
}

var pageForms = []pageForm{
	{"sites", "page:create", false, func(w *permWorld, c *http.Cookie, _ bool) *httptest.ResponseRecorder {
		return w.postForm(c, "/sites", url.Values{"code": {w.uniq("P-")}, "name": {"Site du formulaire"}, "sector": {"btp"}, "status": {"planned"}})
	}},
	{"phases", "page:create", true, func(w *permWorld, c *http.Cookie, in bool) *httptest.ResponseRecorder {
		return w.postForm(c, "/sites/"+w.site(in)+"/phases", url.Values{"name": {w.uniq("Phase ")}})
	}},
	{"tasks", "page:create", true, func(w *permWorld, c *http.Cookie, in bool) *httptest.ResponseRecorder {
		return w.postForm(c, "/sites/"+w.site(in)+"/tasks", url.Values{"title": {w.uniq("Tâche ")}, "start": {"2027-03-08"}, "duration": {"2"}})
	}},
	{"task_links", "page:create", true, func(w *permWorld, c *http.Cookie, in bool) *httptest.ResponseRecorder {
		return w.postForm(c, "/sites/"+w.site(in)+"/links", url.Values{"from": {w.task(in).Id}, "to": {w.task(in).Id}, "type": {"FS"}, "lag": {"0"}})
	}},
	{"time_entries", "page:create", true, func(w *permWorld, c *http.Cookie, in bool) *httptest.ResponseRecorder {
		// switch: an entry opened by the previous cell is closed (confirmed change of site)
		return w.postForm(c, "/m/time/clock-in", url.Values{"site": {w.site(in)}, "switch": {"1"}})
	}},
	{"incidents", "page:create", true, func(w *permWorld, c *http.Cookie, in bool) *httptest.ResponseRecorder {
		return w.postForm(c, "/m/incident", url.Values{"site": {w.site(in)}, "kind": {"delay"}, "severity": {"low"}, "description": {"Retard"}})
	}},
	{"daily_logs", "page:create", true, func(w *permWorld, c *http.Cookie, in bool) *httptest.ResponseRecorder {
		return w.postForm(c, "/sites/"+w.site(in)+"/log", url.Values{"day": {w.ago(48)[:10]}, "weather": {"sunny"}})
	}},
	{"stock_moves", "page:create", true, func(w *permWorld, c *http.Cookie, in bool) *httptest.ResponseRecorder {
		return w.postForm(c, "/m/consumption", url.Values{"site": {w.site(in)}, "material": {w.material}, "qty": {"1"}})
	}},
	{"photos", "page:create", true, func(w *permWorld, c *http.Cookie, in bool) *httptest.ResponseRecorder {
		return w.postPhotoForm(c, w.site(in))
	}},
	{"signatures", "page:create", true, func(w *permWorld, c *http.Cookie, in bool) *httptest.ResponseRecorder {
		return w.postForm(c, "/m/tasks/"+w.task(in).Id+"/sign", url.Values{"signer_name": {"M. Client"}, "signer_role": {"client"},
			"consent": {"true"}, "signature": {pngDataURL(w.t, true)}})
	}},
	{"users", "page:update", false, func(w *permWorld, c *http.Cookie, _ bool) *httptest.ResponseRecorder {
		return w.postForm(c, "/people/"+w.id(domain.RoleCrew), url.Values{"name": {"Test crew"}, "phone": {"0600000000"}, "role": {"crew"}, "hourly_cost": {"31,5"}})
	}},
	{"availability", "page:create", false, func(w *permWorld, c *http.Cookie, _ bool) *httptest.ResponseRecorder {
		from := w.future(40)[:10]
		return w.postForm(c, "/people/"+w.id(domain.RoleCrew)+"/absences", url.Values{"absence_kind": {"leave"}, "absence_from": {from}, "absence_to": {from}})
	}},
}

// TestPermissionMatrixPages runs the "page:" cells of the table through
// the product's own forms, signed in as each role: a write is a 303 to
// the product's page (not to the login page); a refusal is a 4xx.
func TestPermissionMatrixPages(t *testing.T) {
	t.Parallel()
	w := newPermWorld(t)
	cookies := map[string]*http.Cookie{}
	for _, role := range matrixRoles {
		cookies[role] = w.Login(w.user(role).GetString("email"), tenanttest.Password)
	}
	seen := map[string]bool{}
	for _, f := range pageForms {
		cell, ok := permissions[f.collection][f.verb]
		if !ok {
			t.Errorf("page form %s %s has no cell in the table", f.collection, f.verb)
			continue
		}
		seen[f.collection+" "+f.verb] = true
		for i, role := range matrixRoles {
			for _, in := range scopesOf(f.scoped) {
				rec := f.post(w, cookies[role], in)
				loc := rec.Header().Get("Location")
				done := rec.Code == http.StatusSeeOther && !strings.HasPrefix(loc, "/login")
				want := cellAllows(cell[i], in)
				if done != want || !done && (rec.Code < 400 || rec.Code >= 500) {
					t.Errorf("%s %s by %s (in scope: %v): %d %s, want allowed=%v: %.300s", f.collection, f.verb, role, in, rec.Code, loc, want, rec.Body)
				}
			}
		}
	}
	for col, row := range permissions {
		for verb := range row {
			if strings.HasPrefix(verb, "page:") && !seen[col+" "+verb] {
				t.Errorf("%s %s: a page cell without its form in pageForms", col, verb)
			}
		}
	}
}
