//go:build browser

package handlers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// phone makes the tab a w×h touch phone (mobile viewport: the page's
// width=device-width meta applies).
func phone(t *testing.T, ctx context.Context, w, h int64) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: w, Height: h, DeviceScaleFactor: 2, Mobile: true}); err != nil {
		t.Fatalf("phone viewport: %v", err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 5}); err != nil {
		t.Fatalf("touch: %v", err)
	}
}

// overflowJS answers "" when the document fits a w px wide phone, else
// the widths and the elements reaching past its right edge. NB: on a
// mobile viewport innerWidth grows with the content (the page is zoomed
// out to fit), so the device width is the reference.
func overflowJS(w int64) string {
	return fmt.Sprintf(`(() => {
	const se = document.scrollingElement, vw = %d;
	if (se.scrollWidth <= vw && window.innerWidth <= vw) return "";
	const out = [];
	for (const el of document.querySelectorAll("body *")) {
		const r = el.getBoundingClientRect();
		if (r.right > vw + 0.5 && r.width > 0) out.push(el.tagName.toLowerCase() + (typeof el.className === "string" && el.className ? "." + el.className.split(" ").join(".") : "") + (el.dataset.testid ? "[" + el.dataset.testid + "]" : "") + " right=" + Math.round(r.right));
	}
	return "scrollWidth " + se.scrollWidth + ", innerWidth " + window.innerWidth + " > " + vw + ": " + out.slice(0, 12).join(", ");
})()`, w)
}

// crewFitTask seeds a site and a task of the demo crew member (the task
// done, so that its sign page is offered) and returns the task.
func crewFitTask(t *testing.T, b *browserEnv, crew *core.Record) *core.Record {
	t.Helper()
	site := b.tt.Record("sites", map[string]any{"code": "CH-FIT-2026-LONG", "name": "Réhabilitation du groupe scolaire Anne-de-Bretagne, bâtiment B",
		"address": "12 boulevard des Anglais prolongé, 44100 Nantes", "sector": "btp", "status": "active", "lat": 47.21, "lng": -1.57, "team": []string{crew.Id}})
	return b.tt.Record("tasks", map[string]any{"site": site.Id, "title": "Reprise des enduits extérieurs façade nord-ouest (échafaudage)", "status": "done",
		"assignees": []string{crew.Id}, "planned_start": time.Now().UTC().Truncate(24 * time.Hour), "duration_days": 1})
}

// TestBrowserCrewFit: at 360, 390 and 430 px every page of the crew app
// fits the screen: document.scrollingElement.scrollWidth ≤ innerWidth.
func TestBrowserCrewFit(t *testing.T) {
	b := newBrowserEnv(t)
	crew, crewEmail := b.demoCrew(t)
	task := crewFitTask(t, b, crew)
	ctx, problems := b.tab(t)
	b.login(t, ctx, crewEmail, domain.DemoPassword)
	pages := []string{"/m/", "/m/time", "/m/incident", "/m/photos", "/m/consumption", "/m/tasks/" + task.Id, "/m/tasks/" + task.Id + "/sign"}
	for _, w := range []int64{360, 390, 430} {
		phone(t, ctx, w, 844)
		for _, p := range pages {
			if err := chromedp.Do(ctx, chromedp.Navigate(b.base+p), chromedp.WaitReady(chromedp.CSS(`main`))); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			poll(t, ctx, "page script ready "+p, `document.readyState === "complete" && !!window.fieldopsOutbox`)
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](overflowJS(w)))
			if err != nil {
				t.Fatal(err)
			}
			if got != "" || w == 390 {
				screenshot(t, ctx, fmt.Sprintf("crew-fit-%d-%s", w, slug(p)))
			}
			if got != "" {
				t.Errorf("%d px %s: %s", w, p, got)
			}
		}
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}

// slug turns a path into a file name part.
func slug(p string) string {
	out := []rune{}
	for _, r := range p {
		if r == '/' {
			r = '_'
		}
		out = append(out, r)
	}
	return string(out)
}
