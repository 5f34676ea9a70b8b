package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// clientWorld is a tenant with two clients: A has sites s1, s2 (invited)
// and s3 (not invited), B has s4.
type clientWorld struct {
	tt                 *tenanttest.Tenant
	clientA, clientB   string
	s1, s2, s3, s4     string
	adminTok, adminCke string
}

func newClientWorld(t *testing.T, tt *tenanttest.Tenant) *clientWorld {
	t.Helper()
	w := &clientWorld{tt: tt}
	w.clientA = tt.Record("clients", map[string]any{"name": "SCI Les Tilleuls", "kind": "private"}).Id
	w.clientB = tt.Record("clients", map[string]any{"name": "Mairie de Vannes", "kind": "public"}).Id
	site := func(code, client string) string {
		return tt.Record("sites", map[string]any{"code": code, "name": "Chantier " + code, "sector": "btp", "status": "active", "client": client}).Id
	}
	w.s1, w.s2, w.s3, w.s4 = site("CL-1", w.clientA), site("CL-2", w.clientA), site("CL-3", w.clientA), site("CL-4", w.clientB)
	w.adminTok = tt.Token(domain.CollectionUsers, tt.Admin)
	return w
}

// invite posts the invitation API as token and answers the response and
// the decoded link.
func (w *clientWorld) invite(t *testing.T, token string, body map[string]any) (*httptest.ResponseRecorder, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	req := tenanttest.NewRequest(http.MethodPost, w.tt.Host(), "/api/fieldops/client-invitations", strings.NewReader(string(b)))
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := tenanttest.Serve(w.tt.Registry, req)
	var out struct {
		Link string `json:"link"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec, out.Link
}

// open opens a magic link on host and answers the response and the
// client cookie it set (nil when none).
func openClientLink(t *testing.T, tt *tenanttest.Tenant, host, link string) (*httptest.ResponseRecorder, *http.Cookie) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/client/link/") {
		t.Fatalf("link %q is not a client link", link)
	}
	rec := tenanttest.Get(t, tt.Registry, host, u.RequestURI())
	for _, c := range rec.Result().Cookies() {
		if c.Name == "fieldops_client" && c.MaxAge > 0 && c.Value != "" {
			return rec, c
		}
	}
	return rec, nil
}

func TestClientInvitationAndScoping(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	w := newClientWorld(t, tt)
	body := map[string]any{"email": "Claire@Tilleuls.test", "name": "Claire Dumas", "client": w.clientA, "sites": []string{w.s1, w.s2}}

	// refusals: anonymous 401, crew and site lead 403, bad input 400
	if rec, _ := w.invite(t, "", body); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous invitation = %d", rec.Code)
	}
	for _, role := range []string{domain.RoleCrew, domain.RoleSiteLead} {
		u := tt.User(role, role+"@acme.test")
		if rec, link := w.invite(t, tt.Token(domain.CollectionUsers, u.Email()), body); rec.Code != http.StatusForbidden || link != "" {
			t.Errorf("%s invitation = %d %q", role, rec.Code, link)
		}
	}
	bad := map[string]any{"email": "x@y.test", "name": "X", "client": w.clientA, "sites": []string{w.s4}}
	if rec, _ := w.invite(t, w.adminTok, bad); rec.Code != http.StatusBadRequest {
		t.Errorf("invitation to another client's site = %d", rec.Code)
	}
	if n, _ := tt.App().CountRecords(domain.CollectionClientAccess); n != 0 {
		t.Fatalf("accesses after refusals = %d", n)
	}

	// the contract: 201 with the link; opening it signs in, lands on /client/
	rec, link := w.invite(t, w.adminTok, body)
	if rec.Code != http.StatusCreated || !strings.HasPrefix(link, "http://"+tt.Host()+"/client/link/") {
		t.Fatalf("invitation = %d %s", rec.Code, rec.Body.String())
	}
	open, cookie := openClientLink(t, tt, tt.Host(), link)
	if open.Code != http.StatusSeeOther || open.Header().Get("Location") != "/client/" || cookie == nil {
		t.Fatalf("open link = %d %q cookie %v", open.Code, open.Header().Get("Location"), cookie)
	}
	home := tenanttest.Get(t, tt.Registry, tt.Host(), "/client/", cookie)
	d := doc(t, home.Body.String())
	if home.Code != http.StatusOK || testid(d, "client-site").Length() != 2 || !strings.Contains(home.Body.String(), "Claire Dumas") {
		t.Fatalf("client home = %d, %d sites", home.Code, testid(d, "client-site").Length())
	}
	if got := tenanttest.Get(t, tt.Registry, tt.Host(), "/client/sites/"+w.s1, cookie); got.Code != http.StatusOK {
		t.Errorf("own site = %d", got.Code)
	}
	// another site of the client, another client's site: 404
	for _, id := range []string{w.s3, w.s4, "nope"} {
		if got := tenanttest.Get(t, tt.Registry, tt.Host(), "/client/sites/"+id, cookie); got.Code != http.StatusNotFound {
			t.Errorf("site %s = %d, want 404", id, got.Code)
		}
	}
	// office routes refuse the client session
	for _, p := range []string{"/dashboard", "/sites/" + w.s1, "/api/collections/sites/records", "/api/fieldops/invoices", "/clients"} {
		got := tenanttest.Get(t, tt.Registry, tt.Host(), p, cookie)
		if got.Code != http.StatusForbidden || strings.Contains(got.Body.String(), "Chantier CL-1") {
			t.Errorf("office %s with a client session = %d", p, got.Code)
		}
	}
	if rec, _ := w.invite(t, "", body); rec.Code != http.StatusUnauthorized {
		t.Errorf("invitation without a user = %d", rec.Code)
	}

	// the link works once
	if again, c := openClientLink(t, tt, tt.Host(), link); again.Code != http.StatusGone || c != nil || !strings.Contains(again.Body.String(), "déjà été utilisé") {
		t.Errorf("reused link = %d", again.Code)
	}
	// every access is in the audit chain, as the contact
	contact := tt.App().FindRecordsByFilter
	recs, err := contact(domain.CollectionAuditEvents, "collection = 'client_access' && actor ~ 'client:'", "", 0, 0)
	if err != nil || len(recs) == 0 {
		t.Errorf("audited client accesses = %d (%v)", len(recs), err)
	}

	// revoked: the session ends at once (401 page), never data
	access, _ := tt.App().FindFirstRecordByFilter(domain.CollectionClientAccess, "id != ''")
	admin := tt.Login(tt.Admin, tenanttest.Password)
	if got := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/clients/access/"+access.Id+"/revoke", url.Values{}, admin); got.Code != http.StatusSeeOther {
		t.Fatalf("revoke = %d %s", got.Code, got.Body.String())
	}
	if got := tenanttest.Get(t, tt.Registry, tt.Host(), "/client/sites/"+w.s1, cookie); got.Code != http.StatusUnauthorized || strings.Contains(got.Body.String(), "Chantier CL-1") {
		t.Errorf("revoked session = %d", got.Code)
	}
	if got := tenanttest.Get(t, tt.Registry, tt.Host(), "/client/", cookie); got.Code != http.StatusUnauthorized {
		t.Errorf("revoked session home = %d", got.Code)
	}
	if again, c := openClientLink(t, tt, tt.Host(), link); again.Code != http.StatusGone || c != nil || !strings.Contains(again.Body.String(), "révoqué") {
		t.Errorf("revoked link = %d", again.Code)
	}
	// a renewed revoked access is refused; a new invitation's link, once revoked, answers 410
	if got := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/clients/access/"+access.Id+"/renew", url.Values{}, admin); got.Code != http.StatusConflict {
		t.Errorf("renew a revoked access = %d", got.Code)
	}
}

func TestClientLinkExpiredRenewedOtherTenant(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	other := tenanttest.Provision(t, tt.Registry, "globex", domain.SectorBTP)
	w := newClientWorld(t, tt)
	_, link := w.invite(t, w.adminTok, map[string]any{"email": "paul@tilleuls.test", "name": "Paul", "client": w.clientA, "sites": []string{w.s1}})

	// tenant A's link on tenant B's host: refused, no cookie
	if rec, c := openClientLink(t, tt, other.Host(), link); rec.Code != http.StatusGone || c != nil {
		t.Errorf("link on another tenant = %d", rec.Code)
	}
	// expired: 410 with its own message
	access, _ := tt.App().FindFirstRecordByFilter(domain.CollectionClientAccess, "id != ''")
	access.Set("expires", time.Now().Add(-time.Hour))
	if err := tt.App().Save(access); err != nil {
		t.Fatal(err)
	}
	if rec, c := openClientLink(t, tt, tt.Host(), link); rec.Code != http.StatusGone || c != nil || !strings.Contains(rec.Body.String(), "expiré") {
		t.Errorf("expired link = %d", rec.Code)
	}
	u, _ := url.Parse(link)
	req := tenanttest.NewRequest(http.MethodGet, tt.Host(), u.RequestURI(), nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	if en := tenanttest.Serve(tt.Registry, req); en.Code != http.StatusGone || !strings.Contains(en.Body.String(), "This access link has expired") {
		t.Errorf("expired link in English = %d", en.Code)
	}
	// renewed by the office: the old link is refused, the new one works
	admin := tt.Login(tt.Admin, tenanttest.Password)
	got := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/clients/access/"+access.Id+"/renew", url.Values{}, admin)
	if got.Code != http.StatusOK {
		t.Fatalf("renew = %d", got.Code)
	}
	fresh := shownClientLink(t, got.Body.String())
	if rec, _ := openClientLink(t, tt, tt.Host(), link); rec.Code != http.StatusGone {
		t.Errorf("replaced link = %d", rec.Code)
	}
	rec, cookie := openClientLink(t, tt, tt.Host(), fresh)
	if rec.Code != http.StatusSeeOther || cookie == nil {
		t.Fatalf("renewed link = %d", rec.Code)
	}
	// a client cookie of tenant A is nothing on tenant B
	if got := tenanttest.Get(t, tt.Registry, other.Host(), "/client/", cookie); got.Code != http.StatusUnauthorized {
		t.Errorf("client cookie on another tenant = %d", got.Code)
	}
	// sign out ends the session
	if got := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/client/logout", url.Values{}, cookie); got.Code != http.StatusSeeOther {
		t.Errorf("logout = %d", got.Code)
	}
	if got := tenanttest.Get(t, tt.Registry, tt.Host(), "/client/", cookie); got.Code != http.StatusUnauthorized {
		t.Errorf("after logout = %d", got.Code)
	}
}

// shownClientLink is the link the office page shows to copy.
func shownClientLink(t *testing.T, body string) string {
	t.Helper()
	v := shownLink(t, body, "client-link")
	if v == "" {
		t.Fatalf("no client link shown")
	}
	return v
}

// The office's invitation form on the client's page: bad input comes
// back on the form, a crew member is refused, a valid invitation shows
// the link to copy (no mail server), which signs the client in; "/" sends
// a client session to /client/, and its refusal pages never point to the
// staff's login.
func TestClientOfficeInviteForm(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	w := newClientWorld(t, tt)
	admin := tt.Login(tt.Admin, tenanttest.Password)
	path := "/clients/" + w.clientA + "/contacts/invite"

	page := tenanttest.Get(t, tt.Registry, tt.Host(), "/clients/"+w.clientA, admin)
	if n := testid(doc(t, page.Body.String()), "client-invite-site").Length(); page.Code != http.StatusOK || n != 3 {
		t.Fatalf("client page = %d with %d sites to pick", page.Code, n)
	}
	bad := tenanttest.PostForm(t, tt.Registry, tt.Host(), path, url.Values{"name": {"Claire"}, "email": {"pas-un-email"}, "sites": {w.s1}}, admin)
	if d := doc(t, bad.Body.String()); bad.Code != http.StatusBadRequest || testid(d, "error-email").Length() != 1 {
		t.Errorf("bad e-mail = %d", bad.Code)
	}
	none := tenanttest.PostForm(t, tt.Registry, tt.Host(), path, url.Values{"name": {"Claire"}, "email": {"claire@tilleuls.test"}}, admin)
	if none.Code != http.StatusBadRequest || !strings.Contains(none.Body.String(), "au moins un chantier") {
		t.Errorf("no site = %d", none.Code)
	}
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	crewCookie := tt.Login(crew.Email(), tenanttest.Password)
	if got := tenanttest.PostForm(t, tt.Registry, tt.Host(), path, url.Values{"name": {"X"}, "email": {"x@y.test"}, "sites": {w.s1}}, crewCookie); got.Code != http.StatusForbidden {
		t.Errorf("crew invites = %d", got.Code)
	}
	if got := tenanttest.Get(t, tt.Registry, tt.Host(), "/clients/"+w.clientA, crewCookie); got.Code != http.StatusForbidden {
		t.Errorf("crew reads the client page = %d", got.Code)
	}
	ok := tenanttest.PostForm(t, tt.Registry, tt.Host(), path, url.Values{"name": {"Claire"}, "email": {"claire@tilleuls.test"}, "sites": {w.s1, w.s2}}, admin)
	if ok.Code != http.StatusOK || testid(doc(t, ok.Body.String()), "client-access-row").Length() != 1 {
		t.Fatalf("invite = %d", ok.Code)
	}
	_, cookie := openClientLink(t, tt, tt.Host(), shownClientLink(t, ok.Body.String()))
	if cookie == nil {
		t.Fatal("the shown link did not sign in")
	}
	if got := tenanttest.Get(t, tt.Registry, tt.Host(), "/", cookie); got.Code != http.StatusSeeOther || got.Header().Get("Location") != "/client/" {
		t.Errorf("/ for a client = %d %q", got.Code, got.Header().Get("Location"))
	}
	refused := tenanttest.Get(t, tt.Registry, tt.Host(), "/dashboard", cookie)
	if refused.Code != http.StatusForbidden || strings.Contains(refused.Body.String(), `href="/login`) {
		t.Errorf("office page for a client = %d", refused.Code)
	}
	ended := tenanttest.Get(t, tt.Registry, tt.Host(), "/client/")
	if ended.Code != http.StatusUnauthorized || strings.Contains(ended.Body.String(), `href="/login`) {
		t.Errorf("client page without a session = %d", ended.Code)
	}
}
