//go:build browser

package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// browserEnv is a real server on loopback with the demo people, reached by
// Debian's Chromium at http://acme.localhost:PORT (Chromium resolves
// *.localhost to loopback).
type browserEnv struct {
	tt   *tenanttest.Tenant
	base string
}

func newBrowserEnv(t *testing.T) *browserEnv {
	t.Helper()
	tenanttest.Tool(t, "chromium")
	tt := handlertest.New(t)
	if err := domain.SeedDemo(tt.App()); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(tt.Registry)
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return &browserEnv{tt: tt, base: fmt.Sprintf("http://acme.localhost:%d", l.Addr().(*net.TCPAddr).Port)}
}

// tab starts a fresh headless Chromium (own profile, French) and collects
// demoCrew returns the seeded demo's crew member (record and email).
func (b *browserEnv) demoCrew(t *testing.T) (*core.Record, string) {
	t.Helper()
	for _, u := range domain.DemoUsers() {
		if u.Role == domain.RoleCrew {
			r, err := b.tt.App().FindAuthRecordByEmail("users", u.Email)
			if err != nil {
				t.Fatal(err)
			}
			return r, u.Email
		}
	}
	t.Fatal("the demo has no crew member")
	return nil, ""
}

// page errors: uncaught exceptions, CSP violations, console errors. Every
// tab of the test binary lives in one shared Chromium (started on first
// use); each tab gets its own browser context, so cookies, storage and
// service workers never leak from one test to another.
func (b *browserEnv) tab(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	return b.openTab(t, chromedp.WithNewBrowserContext())
}

// persistentTab is a tab in the shared Chromium's default (persistent)
// browser context, as a phone's browser is: PWA installability is refused
// in incognito-like contexts, and the offline tests need the service worker
// to take control as it does there. Its cookies are cleared first; its
// storage and service worker are its test server's origin's own (each test
// has its own port).
func (b *browserEnv) persistentTab(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	ctx, problems := b.openTab(t)
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatalf("clear cookies: %v", err)
	}
	return ctx, problems
}

func (b *browserEnv) openTab(t *testing.T, opts ...chromedp.ContextOption) (context.Context, func() []string) {
	t.Helper()
	bctx := sharedChromium(t)
	ctx, cancel := chromedp.NewContext(bctx, opts...)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancel() })
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 1280, Height: 900, DeviceScaleFactor: 1}); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	var mu sync.Mutex
	var problems []string
	_ = chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text+" "+describe(e.ExceptionDetails.Exception))
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError && !strings.Contains(e.Entry.URL, "favicon") && !strings.HasSuffix(e.Entry.URL, ".map") {
				problems = append(problems, string(e.Entry.Source)+": "+e.Entry.Text)
			}
		}
	})
	return ctx, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), problems...) }
}

func describe(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	return o.Description
}

func (b *browserEnv) login(t *testing.T, ctx context.Context, email, password string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(b.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="login-submit"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), email),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), password),
		chromedp.Click(chromedp.CSS(`[data-testid="login-submit"]`)),
	)
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	poll(t, ctx, "leave the login page", `location.pathname !== "/login" && document.readyState === "complete"`)
}

// poll waits until js is true, retrying across navigations (a redirect
// chain replaces the page under an evaluation).
func poll(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { try { return !!(`+js+`) } catch (e) { return false } })()`))
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: timed out (last error %v)", what, last)
}

func screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := os.Getenv("FIELDOPS_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
	return p
}

// TestBrowserRoleHomes signs in as each demo role through the form and
// checks the landing page.
func TestBrowserRoleHomes(t *testing.T) {
	b := newBrowserEnv(t)
	homes := map[string]string{domain.RoleManager: "dashboard-page", domain.RoleProjectManager: "planning-page", domain.RoleSiteLead: "today-page", domain.RoleCrew: "crew-home"}
	for _, u := range domain.DemoUsers()[:4] {
		t.Run(u.Role, func(t *testing.T) {
			ctx, problems := b.tab(t)
			b.login(t, ctx, u.Email, domain.DemoPassword)
			poll(t, ctx, "home of "+u.Role, `!!document.querySelector('[data-testid="`+homes[u.Role]+`"]')`)
			path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
			if err != nil || path != domain.HomePath(u.Role) {
				t.Errorf("%s landed on %q (%v), want %q", u.Role, path, err, domain.HomePath(u.Role))
			}
			title, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
			if title != "fr" {
				t.Errorf("page language = %q, want fr", title)
			}
			screenshot(t, ctx, "home-"+u.Role)
			if p := problems(); len(p) > 0 {
				t.Errorf("page errors: %v", p)
			}
		})
	}
}

// TestBrowserDatastarLiveUsers proves, under the production CSP, a
// fragment merge and a signal merge answering a click, and a live stream
// update pushed by a change made elsewhere.
func TestBrowserDatastarLiveUsers(t *testing.T) {
	b := newBrowserEnv(t)
	app := b.tt.App()
	lucas, _ := app.FindAuthRecordByEmail("users", "lucas.petit@demo.fieldops360.fr")
	karim, _ := app.FindAuthRecordByEmail("users", "karim.haddad@demo.fieldops360.fr")
	ctx, problems := b.tab(t)
	b.login(t, ctx, b.tt.Admin, tenanttest.Password)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/users"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="users-page"]`))); err != nil {
		t.Fatal(err)
	}
	active, _ := domain.CountActiveUsers(app)
	count := func(n int) string {
		return `document.querySelector('[data-testid="active-count"]').textContent.trim() === "` + strconv.Itoa(n) + `"`
	}
	poll(t, ctx, "initial active count", count(active))
	deadline := time.Now().Add(10 * time.Second)
	for domain.LiveOf(app).Streams() < 2 { // the page's and the bell's
		if time.Now().After(deadline) {
			t.Fatal("the page did not open its live stream")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// click → fragment merge (row) + signal merge (count) + toast
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#user-`+lucas.Id+` [data-testid="toggle"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "row morphed", `document.querySelector('#user-`+lucas.Id+` [data-testid="status"]').textContent.trim() === "Désactivé"`)
	poll(t, ctx, "signal merged", count(active-1))
	poll(t, ctx, "toast shown", `!!document.querySelector('[data-testid="toast-success"]')`)
	if got, _ := app.FindRecordById("users", lucas.Id); got.GetBool("active") {
		t.Error("the click did not deactivate the user on the server")
	}

	// a change made elsewhere arrives over the page's stream
	if _, err := domain.SetUserActive(app, nil, karim.Id, false); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "live row update", `document.querySelector('#user-`+karim.Id+` [data-testid="status"]').textContent.trim() === "Désactivé"`)
	poll(t, ctx, "live count update", count(active-2))
	nu, err := domain.CreateUser(app, domain.NewUser{Email: "nouveau@acme.test", Password: "mot-de-passe-long", Name: "Nouvel Arrivant", Role: domain.RoleCrew})
	if err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "live row append", `!!document.querySelector('#user-`+nu.Id+`')`)
	screenshot(t, ctx, "users-live")
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors (CSP violations, exceptions): %v", p)
	}
}

// TestBrowserAccessibility runs axe-core (npm, in Chromium) on the login
// page and office pages: no serious or critical WCAG A/AA violation.
func TestBrowserAccessibility(t *testing.T) {
	b := newBrowserEnv(t)
	node := tenanttest.Tool(t, "node")
	root, _ := filepath.Abs("..")
	if _, err := os.Stat(filepath.Join(root, "node_modules", "@axe-core", "playwright")); err != nil {
		if os.Getenv("FIELDOPS_STRICT") == "1" {
			t.Fatal("node_modules missing: run `make test-deps` (npm ci)")
		}
		t.Skip("node_modules missing: run `make test-deps`")
	}
	sharedChromium(t)
	cmd := exec.Command(node, "scripts/a11y/axe.mjs", b.base, b.tt.Admin, tenanttest.Password, "/dashboard", "/users", "/settings", "/m/", "/sites", "/people", "/vehicles", "/equipment", "/materials",
		"/planning", "/dispatch", "/dispatch/suggest", "/checklists", "/checklists/new", "/notifications?all=1", "/invoices", "/invoices/settings")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CDP_URL="+chromium.wsURL) // axe runs in the shared Chromium
	out, err := cmd.Output()
	var rep struct {
		Blocking int `json:"blocking"`
		Pages    []struct {
			Path       string `json:"path"`
			Passes     int    `json:"passes"`
			Violations []struct {
				ID, Impact, Help string
				Targets          []string
			} `json:"violations"`
		} `json:"pages"`
	}
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("axe report unreadable (%v): %s %s", jerr, out, stderr)
	}
	if len(rep.Pages) != 18 {
		t.Fatalf("axe checked %d pages, want 18", len(rep.Pages))
	}
	for _, p := range rep.Pages {
		t.Logf("%s: %d rules passed, %d violations", p.Path, p.Passes, len(p.Violations))
		for _, v := range p.Violations {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s: %s (%s) %s at %v", p.Path, v.ID, v.Impact, v.Help, v.Targets)
			}
		}
	}
	if rep.Blocking > 0 || err != nil {
		t.Errorf("axe: %d blocking violations (exit %v)", rep.Blocking, err)
	}
}

// TestBrowserPortalCreateTenant creates a tenant from the super-admin
// portal: Datastar posts the form, progress steps stream in, then the
// one-time password; a duplicate shows the field error in place.
func TestBrowserPortalCreateTenant(t *testing.T) {
	b := newBrowserEnv(t)
	reg := b.tt.Registry
	if _, err := reg.UpsertSuperuser("root@fieldops.test", tenanttest.Password, "test"); err != nil {
		t.Fatal(err)
	}
	platform := strings.Replace(b.base, "acme.localhost", "admin.localhost", 1)
	ctx, problems := b.tab(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(platform+"/portal/login"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="login-submit"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), "root@fieldops.test"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), tenanttest.Password),
		chromedp.Click(chromedp.CSS(`[data-testid="login-submit"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "portal home", `!!document.querySelector('[data-testid="create-form"]')`)
	fill := func(slug string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS(`#f-slug`), slug),
			chromedp.SetValue(chromedp.CSS(`#f-name`), "Électricité Dupont"),
			chromedp.SetValue(chromedp.CSS(`#f-sector`), "elec"),
			chromedp.SetValue(chromedp.CSS(`#f-admin_email`), "chef@dupont-elec.fr"),
			chromedp.Click(chromedp.CSS(`[data-testid="create-submit"]`)),
		)
		if err != nil {
			t.Fatal(err)
		}
	}
	fill("dupont-elec")
	poll(t, ctx, "result", `!!document.querySelector('[data-testid="created-password"]')`)
	poll(t, ctx, "all steps done", `document.querySelectorAll('[data-testid="create-progress"] li.done').length === 5`)
	path, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if path != "/portal" {
		t.Errorf("the page navigated to %q: the Datastar post should stay on /portal", path)
	}
	if info, err := reg.Get("dupont-elec"); err != nil || info.Sector != "elec" {
		t.Fatalf("tenant not created: %+v %v", info, err)
	}
	screenshot(t, ctx, "portal-created")
	fill("dupont-elec")
	poll(t, ctx, "duplicate error in place", `(document.querySelector('[data-testid="error-slug"]')||{}).textContent?.includes("existe déjà")`)
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}

// TestBrowserSiteWithPhaseAndDocument creates a site through the form,
// adds a phase and uploads a document (with the progress-bar upload),
// then checks both are there after a reload.
func TestBrowserSiteWithPhaseAndDocument(t *testing.T) {
	b := newBrowserEnv(t)
	ctx, problems := b.tab(t)
	b.login(t, ctx, "julien.bernard@demo.fieldops360.fr", domain.DemoPassword)
	err := chromedp.Do(ctx,
		chromedp.Navigate(b.base+"/sites/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="site-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-code`), "CH-E2E-01"),
		chromedp.SendKeys(chromedp.CSS(`#f-name`), "Gymnase Léo Lagrange"),
		chromedp.SendKeys(chromedp.CSS(`#f-address`), "3 rue Léo Lagrange, 44100 Nantes"),
		chromedp.SendKeys(chromedp.CSS(`#f-budget`), "250 000"),
		chromedp.Click(chromedp.CSS(`[data-testid="site-save"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "site page", `!!document.querySelector('[data-testid="site-page"]')`)
	site, err := b.tt.App().FindFirstRecordByData("sites", "code", "CH-E2E-01")
	if err != nil {
		t.Fatalf("site not saved: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(b.base+"/sites/"+site.Id+"/phases"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="add-phase"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="add-phase"] #f-name`), "Désamiantage"),
		chromedp.Click(chromedp.CSS(`[data-testid="add-phase-submit"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "phase listed", `(document.querySelector('[data-testid="phases"]')||{}).innerHTML?.includes("Désamiantage")`)

	pdf := filepath.Join(t.TempDir(), "ppsps.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n% PPSPS gymnase\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(b.base+"/sites/"+site.Id+"/documents"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="upload-form"]`)),
		chromedp.SetValue(chromedp.CSS(`#f-kind`), "ppsps"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="upload-form"] #f-title`), "PPSPS gymnase"),
		chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{pdf}),
		chromedp.Click(chromedp.CSS(`[data-testid="upload-submit"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "document listed", `(document.querySelector('[data-testid="documents"]')||{}).textContent?.includes("PPSPS gymnase")`)
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "document after reload", `(document.querySelector('[data-testid="documents"]')||{}).textContent?.includes("PPSPS gymnase")`)
	screenshot(t, ctx, "site-documents")
	if n, _ := b.tt.App().CountRecords("documents", dbx.HashExp{"site": site.Id}); n != 1 {
		t.Errorf("documents saved = %d, want 1", n)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}
