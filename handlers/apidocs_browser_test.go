//go:build browser

package handlers_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAPIDocsFit: /api/docs, with its hundreds of operations,
// fits a 390×844 phone, folded and with every operation and field list
// unfolded (long paths, rules and type names wrap), without page errors
// (CSP), and its index links reach each section.
func TestBrowserAPIDocsFit(t *testing.T) {
	b := newBrowserEnv(t)
	ctx, problems := b.tab(t)
	phone(t, ctx, 390, 844)
	if got := fitAt(t, ctx, b.base+"/api/docs", 390); got != "" {
		screenshot(t, ctx, "api-docs-fit")
		t.Errorf("390 px /api/docs folded: %s", got)
	}
	opened, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => { const d = document.querySelectorAll("details"); d.forEach(x => x.open = true); return d.length })()`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](culpritsJS(390)))
	if err != nil {
		t.Fatal(err)
	}
	if got != "" || opened < 200 {
		screenshot(t, ctx, "api-docs-fit-open")
		t.Errorf("390 px /api/docs with %d sections unfolded: %s", opened, got)
	}
	if err := chromedp.Do(ctx, tap(`[data-testid=api-index] a[href="#tag-invoices"]`)); err != nil {
		t.Fatal(err)
	}
	y, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById("tag-invoices").getBoundingClientRect().top`))
	if err != nil {
		t.Fatal(err)
	}
	if y < -1 || y > 100 {
		t.Errorf("index link to invoices: section at %v px from the top", y)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}
