//go:build browser

package handlers_test

import (
	"context"
	"fmt"
	"strings"
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

// crewFitTasks seeds, for the demo crew member, a site with a long name,
// a done task (its sign page is offered), a planned one whose work type
// has a checklist (measure, photo, signature items), a photo with its
// hash in the gallery and an open time entry; it returns the two tasks.
func crewFitTasks(t *testing.T, b *browserEnv, crew *core.Record) (done, planned *core.Record) {
	t.Helper()
	site := b.tt.Record("sites", map[string]any{"code": "CH-FIT-2026-LONG", "name": "Réhabilitation du groupe scolaire Anne-de-Bretagne, bâtiment B",
		"address": "12 boulevard des Anglais prolongé, 44100 Nantes", "sector": "btp", "status": "active", "lat": 47.21, "lng": -1.57, "team": []string{crew.Id}})
	today := time.Now().UTC().Truncate(24 * time.Hour)
	done = b.tt.Record("tasks", map[string]any{"site": site.Id, "title": "Reprise des enduits extérieurs façade nord-ouest (échafaudage)", "status": "done",
		"assignees": []string{crew.Id}, "planned_start": today, "duration_days": 1})
	tpl := b.tt.Record("checklist_templates", map[string]any{"code": "fit_cl", "name": "Contrôle de réception des menuiseries extérieures", "items": []map[string]any{
		{"id": "aplomb", "label": "Aplomb et équerrage des dormants contrôlés au niveau laser", "type": "measure", "unit": "mm/m", "min": 0, "max": 2, "required": true},
		{"id": "photo", "label": "Photo du calfeutrement périphérique", "type": "photo", "required": true},
		{"id": "sig", "label": "Signature du conducteur de travaux", "type": "signature", "required": true},
	}})
	wt := b.tt.Record("work_types", map[string]any{"code": "fit_wt", "name": "Menuiseries", "sector": "btp", "checklist": tpl.Id})
	planned = b.tt.Record("tasks", map[string]any{"site": site.Id, "title": "Pose des menuiseries aluminium du préau", "status": "planned", "work_type": wt.Id,
		"assignees": []string{crew.Id}, "planned_start": today, "duration_days": 2})
	b.tt.Record("photos", map[string]any{"site": site.Id, "subject": done.Id, "by": crew.Id, "taken_at": time.Now().UTC(),
		"caption": "Façade nord-ouest après reprise, vue depuis la cour", "original_sha256": strings.Repeat("ab", 32)})
	b.tt.Record(domain.CollectionTimeEntries, map[string]any{"user": crew.Id, "site": site.Id, "clock_in": time.Now().UTC().Add(-time.Hour), "status": "open", "source": "self"})
	return done, planned
}

// TestBrowserCrewFit: at 360, 390 and 430 px every page of the crew app
// fits the screen (document.scrollingElement.scrollWidth ≤ the width):
// home, time (an entry open), incident, photos (a gallery), consumption,
// a done and a planned task (checklist), their sign pages, the
// start-of-work report.
func TestBrowserCrewFit(t *testing.T) {
	b := newBrowserEnv(t)
	crew, crewEmail := b.demoCrew(t)
	done, planned := crewFitTasks(t, b, crew)
	ctx, problems := b.tab(t)
	b.login(t, ctx, crewEmail, domain.DemoPassword)
	pages := []string{"/m/", "/m/time", "/m/incident", "/m/photos", "/m/consumption", "/m/tasks/" + done.Id, "/m/tasks/" + done.Id + "/sign",
		"/m/tasks/" + planned.Id, "/m/tasks/" + planned.Id + "/sign", "/m/tasks/" + planned.Id + "/sign?pv=start"}
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
		if r == '/' || r == '?' || r == '=' {
			r = '_'
		}
		out = append(out, r)
	}
	return string(out)
}
