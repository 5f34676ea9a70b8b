//go:build browser

package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// officeFitMust are route patterns the fit test must reach for both
// roles (the crawl finds them from the home): the pages of issue #15,
// the notifications and the Rapports page (issue #17).
var officeFitMust = []string{"/timesheets?", "/sites?", "/sites/{id}/gantt?", "/dispatch?", "/sites/{id}/incidents?",
	"/sites/{id}/incidents/{id}?", "/people?", "/help?", "/today?", "/notifications?", "/reports?"}

// officeFitPages are the office pages of a crawl to load at phone width:
// the first URL of each route pattern, without the crew app (its own
// test, TestBrowserCrewFit).
func officeFitPages(pages []string) (out []string, patterns map[string]bool) {
	patterns = map[string]bool{}
	for _, p := range pages {
		u, err := url.Parse(p)
		if err != nil || strings.HasPrefix(u.Path, "/m/") {
			continue
		}
		if pat := crawlPattern(u); !patterns[pat] {
			patterns[pat] = true
			out = append(out, p)
		}
	}
	return out, patterns
}

// TestBrowserOfficeFit (issue #15): signed in as a site lead and as the
// tenant admin, every office page their crawl reaches (one per route
// pattern: dashboard, timesheets, sites and each tab, Gantt, dispatch,
// incidents, people, resources, settings, help…) fits a 390×844 phone:
// the document scrolls no wider than 390 px (wide tables and charts
// scroll in their own container).
func TestBrowserOfficeFit(t *testing.T) {
	b := newBrowserEnv(t)
	seedCrawlExtras(t, b.tt)
	lead := domain.DemoUsers()[2]
	roles := []crawlRole{{lead.Role, lead.Email, domain.DemoPassword, domain.HomePath(lead.Role)}, demoCrawlRoles(b.tt)[0]}
	for _, r := range roles {
		t.Run(r.name, func(t *testing.T) {
			start := time.Now()
			pages, patterns := officeFitPages(crawl(t, b.tt, r).Pages)
			must := officeFitMust
			if r.name == "tenant_admin" {
				// a manager's: the KPI board and a site's costs (hidden from site leads)
				must = append(must, "/dashboard?", "/settings?", "/users?", "/kpis?", "/sites/{id}/costs?",
					"/invoices?", "/invoices/{id}?") // invoicing (issue #18)
			}
			for _, p := range must {
				if !patterns[p] {
					t.Errorf("the crawl did not reach %s", p)
				}
			}
			ctx, problems := b.tab(t)
			b.login(t, ctx, r.email, r.password)
			phone(t, ctx, 390, 844)
			for _, p := range pages {
				if got := fitAt(t, ctx, b.base+p, 390); got != "" {
					screenshot(t, ctx, "office-fit-"+r.name+"-"+slug(p))
					t.Errorf("390 px %s: %s", p, got)
				}
			}
			t.Logf("%d pages at 390 px in %v", len(pages), time.Since(start).Round(time.Millisecond))
			if p := problems(); len(p) > 0 {
				t.Logf("page errors (not checked here): %v", p)
			}
		})
	}
}

// culpritsJS answers "" when the document fits w px, else its widths
// and the outermost elements reaching past the right edge, leaving out
// those that scroll inside a container which itself fits. NB: on a
// mobile viewport the layout grows with the content, so the culprits are
// looked for with the root element held at w px.
func culpritsJS(w int64) string {
	return fmt.Sprintf(`(() => {
	const se = document.scrollingElement, vw = %d;
	if (se.scrollWidth <= vw && window.innerWidth <= vw) return "";
	const verdict = "scrollWidth " + se.scrollWidth + ", innerWidth " + window.innerWidth + " > " + vw + ": ";
	document.documentElement.style.width = vw + "px";
	const inside = el => {
		for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
			if (getComputedStyle(p).overflowX !== "visible" && p.getBoundingClientRect().right <= vw + 0.5) return true;
		return false;
	};
	const out = [], seen = new Set();
	for (const el of document.querySelectorAll("body *")) {
		const r = el.getBoundingClientRect();
		if (el.ownerSVGElement || r.right <= vw + 0.5 || r.width === 0 || inside(el)) continue;
		seen.add(el);
		if (el.parentElement && seen.has(el.parentElement)) continue;
		out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\s+/).join(".") : "") + (el.dataset.testid ? "[" + el.dataset.testid + "]" : "") + " right=" + Math.round(r.right) + " width=" + Math.round(r.width));
	}
	if (out.length === 0) // content (text, margins) spilling out of a box that fits
		for (const el of document.querySelectorAll("body *")) {
			const r = el.getBoundingClientRect();
			if (el.ownerSVGElement || inside(el) || getComputedStyle(el).overflowX !== "visible" || r.left + el.scrollWidth <= vw + 0.5) continue;
			out.push(el.tagName.toLowerCase() + (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\s+/).join(".") : "") + (el.dataset.testid ? "[" + el.dataset.testid + "]" : "") + " content to " + Math.round(r.left + el.scrollWidth));
		}
	document.documentElement.style.width = "";
	return verdict + out.slice(0, 8).join(", ");
})()`, w)
}

// fitAt loads page and answers culpritsJS's verdict ("" when it fits).
func fitAt(t *testing.T, ctx context.Context, page string, w int64) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitReady(chromedp.CSS(`main`))); err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	poll(t, ctx, "loaded "+page, `document.readyState === "complete"`)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](culpritsJS(w)))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// shownTextJS is every text of the page a user reads or hears: the
// title, the body's text (closed <details> included) and the labels of
// attributes.
const shownTextJS = `(() => {
	const out = [document.title, document.body.textContent];
	for (const el of document.querySelectorAll("[aria-label], [placeholder], [title], [alt]"))
		for (const a of ["aria-label", "placeholder", "title", "alt"]) if (el.hasAttribute(a)) out.push(el.getAttribute(a));
	return out.join("\n");
})()`

// frenchLeftovers are the French texts of the catalogue's messages
// under prefixes (without their %-verbs, fragments of 4 letters or more
// that the English text does not share) found in text.
func frenchLeftovers(text string, prefixes ...string) []string {
	c, verb := catalog.Default(), regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)
	seen := map[string]bool{}
	for _, k := range c.Keys() {
		keep := false
		for _, p := range prefixes {
			keep = keep || strings.HasPrefix(k, p)
		}
		fr, _ := c.Lookup(catalog.FR, k)
		en, _ := c.Lookup(catalog.EN, k)
		if !keep || fr == en {
			continue
		}
		for _, frag := range verb.Split(fr, -1) {
			frag = strings.Trim(frag, " .,:;!?()«»\"'–—→←·/")
			if len([]rune(frag)) >= 4 && !strings.Contains(en, frag) && strings.Contains(text, frag) {
				seen[fmt.Sprintf("%s (%s)", frag, k)] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// TestBrowserTimesheetsEnglish (issue #15): the tenant admin switches
// /timesheets to English with the language switch; the week (rows,
// entries, a correction request, the period close) and a closed week
// show the English labels and no French text of their own (the data
// — names, sites, reasons — stays as typed).
func TestBrowserTimesheetsEnglish(t *testing.T) {
	b := newBrowserEnv(t)
	x := seedCrawlExtras(t, b.tt)
	ctx, problems := b.tab(t)
	b.login(t, ctx, b.tt.Admin, tenanttest.Password)
	week := "/timesheets?week=" + x.Week + "&user=" + x.Lucas
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+week), chromedp.WaitVisible(chromedp.CSS(`[data-testid="lang-en"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="lang-en"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "English timesheet", `document.documentElement.lang === "en" && !!document.querySelector('[data-testid="timesheets-page"]')`)
	closed := time.Now()
	if d, err := time.Parse(time.DateOnly, x.Week); err == nil {
		closed = d.AddDate(0, 0, -7)
	}
	for _, p := range []string{week, "/timesheets?week=" + closed.Format(time.DateOnly)} {
		if err := chromedp.Do(ctx, chromedp.Navigate(b.base+p), chromedp.WaitVisible(chromedp.CSS(`[data-testid="timesheets-page"]`))); err != nil {
			t.Fatal(err)
		}
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](shownTextJS))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Timesheets", "Person", "Total", "Correction requests", "Period close"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: no English label %q", p, want)
			}
		}
		if left := frenchLeftovers(text, "ts.", "nav.", "shell.", "a11y.", "role."); len(left) > 0 {
			screenshot(t, ctx, "timesheets-en-"+slug(p))
			t.Errorf("%s in English shows French: %s", p, strings.Join(left, "; "))
		}
	}
	if !strings.Contains(mustText(t, ctx), "Closed period") {
		t.Error("the closed week does not say so in English")
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}

// mustText is the page's body text.
func mustText(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
