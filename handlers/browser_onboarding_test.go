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
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// newFreshBrowserEnv is a real server on loopback for a tenant just
// provisioned (no demo data), as a new customer finds it.
func newFreshBrowserEnv(t *testing.T) *browserEnv {
	t.Helper()
	tenanttest.Tool(t, "chromium")
	tt := handlertest.New(t)
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

// fits checks that the page has no horizontal scroll at the viewport.
func fits(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || w > 390 {
		wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 391).slice(0, 8).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))`))
		t.Errorf("%s: document %d px wide at 390 px (%v); past the edge: %v", what, w, err, wide)
	}
}

// TestBrowserOnboardingAndInviteLinkOnAPhone: at 390 px, a new tenant's
// dashboard shows the getting-started checklist without horizontal
// scroll, its links work from the keyboard; "add a person" gives a link
// that the copy button puts on the clipboard; dismissing hides the list.
func TestBrowserOnboardingAndInviteLinkOnAPhone(t *testing.T) {
	b := newFreshBrowserEnv(t)
	ctx, problems := b.tab(t)
	b.login(t, ctx, b.tt.Admin, tenanttest.Password)
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 2, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	c := chromedp.FromContext(ctx)
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "clipboard-read"}, Setting: browser.PermissionSettingGranted,
		Origin: b.base, BrowserContextID: c.BrowserContextID,
	}); err != nil {
		t.Fatal(err)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/dashboard"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="onboarding"]`))); err != nil {
		t.Fatal(err)
	}
	n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="onboarding"] ol > li').length`))
	if n != 6 {
		t.Errorf("checklist steps = %d, want 6", n)
	}
	fits(t, ctx, "dashboard with the checklist")
	screenshot(t, ctx, "onboarding-390")
	// keyboard: the "people" step's link takes focus and Enter follows it
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`[data-testid="onboarding-people"] a`)), chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "Enter on the people step opens the form", `location.pathname === "/people" && document.querySelector('[data-testid="add-person"]').open`)

	// add a person: the page answers with the link and a copy button
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#f-name`), "Léa Girard"),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), "lea@acme.test"),
		chromedp.Click(chromedp.CSS(`[data-testid="invite-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="invite-result"]`)),
	); err != nil {
		t.Fatal(err)
	}
	fits(t, ctx, "people page with the invitation link")
	if err := chromedp.Do(ctx, tap(`[data-testid="copy-link"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "copy confirmed", `document.querySelector('[data-testid="copy-status"]').textContent.includes("copié")`)
	copied, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	shown, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="onetime-url"]').value`))
	if err != nil || copied != shown || shown == "" {
		t.Errorf("clipboard %q (%v), shown link %q", copied, err, shown)
	}
	screenshot(t, ctx, "invite-link-390")

	// an admin's reset for her, no mail server: the link arrives in place
	lea, err := b.tt.App().FindAuthRecordByEmail("users", "lea@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/users"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="users-page"]`)),
		tap(`#user-`+lea.Id+` [data-testid="send-reset"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "reset link merged", `document.querySelector('#reset-link [data-testid="onetime-url"]').value.includes("/password-reset/")`)
	fits(t, ctx, "users page with the reset link")

	// dismiss: the list is gone, a toast says where the guide stays
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/dashboard"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="onboarding"]`)), tap(`[data-testid="onboarding-dismiss"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "checklist dismissed", `location.search === "?onboarding=hidden" && !document.querySelector('[data-testid="onboarding"]') && !!document.querySelector('[data-testid="toast-success"]')`)
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}

// TestBrowserFirstRunAccessibility runs axe-core on a new tenant's pages:
// the dashboard with its checklist, the people page with "add a person"
// unfolded, the guide and the forgot-password page without a mail server.
func TestBrowserFirstRunAccessibility(t *testing.T) {
	b := newFreshBrowserEnv(t)
	node := tenanttest.Tool(t, "node")
	root, _ := filepath.Abs("..")
	if _, err := os.Stat(filepath.Join(root, "node_modules", "@axe-core", "playwright")); err != nil {
		if os.Getenv("FIELDOPS_STRICT") == "1" {
			t.Fatal("node_modules missing: run `make test-deps` (npm ci)")
		}
		t.Skip("node_modules missing: run `make test-deps`")
	}
	sharedChromium(t)
	paths := []string{"/dashboard", "/people?add=1", "/help", "/password-reset"}
	cmd := exec.Command(node, append([]string{"scripts/a11y/axe.mjs", b.base, b.tt.Admin, tenanttest.Password}, paths...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CDP_URL="+chromium.wsURL)
	out, err := cmd.Output()
	var rep struct {
		Blocking int `json:"blocking"`
		Pages    []struct {
			Path       string `json:"path"`
			Violations []struct {
				ID, Impact, Help string
				Targets          []string
			} `json:"violations"`
		} `json:"pages"`
	}
	if jerr := json.Unmarshal(out, &rep); jerr != nil || len(rep.Pages) != len(paths)+1 {
		t.Fatalf("axe report unreadable or incomplete (%v, exit %v): %s", jerr, err, out)
	}
	for _, p := range rep.Pages {
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
