//go:build browser

package handlers_test

import (
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"github.com/fieldops360/fieldops/domain"
)

// crewShellBudget is the most the crew home may transfer on a cold load
// (HTML, styles, scripts, icons: everything the page itself fetches).
const crewShellBudget = 150 << 10

// TestBrowserCrewSlow3GBudget loads /m/ cold (no HTTP cache, no service
// worker, no Cache Storage) under DevTools' "Slow 3G" profile and adds up
// the bytes transferred for the page's requests (Network.loadingFinished
// encodedDataLength: headers and compressed bodies). It asserts a byte
// budget, not a time: the same page gives the same bytes on any machine.
func TestBrowserCrewSlow3GBudget(t *testing.T) {
	b := newBrowserEnv(t)
	_, crewEmail := b.demoCrew(t)
	ctx, problems := b.tab(t)
	b.login(t, ctx, crewEmail, domain.DemoPassword)
	poll(t, ctx, "crew home", `!!document.querySelector('[data-testid="crew-home"]')`)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	// cold: keep the session cookie, forget every cached byte
	if _, err := chromedp.Call(ctx, storage.ClearDataForOrigin, storage.ClearDataForOriginParams{Origin: b.base, StorageTypes: "cache_storage,service_workers"}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	// DevTools' Slow 3G: 2 s round trip, 400 kbit/s each way
	slow := []*network.Conditions{{Latency: 2000, DownloadThroughput: 50000, UploadThroughput: 50000, ConnectionType: network.ConnectionTypeCellular3g}}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: slow}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	urls := map[network.RequestID]string{}
	sizes := map[string]float64{}
	var total float64
	chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			urls[e.RequestID] = e.Request.URL
		case *network.EventLoadingFinished:
			u := strings.TrimPrefix(urls[e.RequestID], b.base)
			sizes[u] += e.EncodedDataLength
			total += e.EncodedDataLength
		}
	})
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/")); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "crew home", `!!document.querySelector('[data-testid="crew-home"]') && !!window.fieldopsOutbox`)
	// the page's own requests are done once the count stays still
	last, stable := -1.0, 0
	for deadline := time.Now().Add(60 * time.Second); stable < 6 && time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		mu.Lock()
		cur := total
		mu.Unlock()
		if cur == last {
			stable++
		} else {
			stable, last = 0, cur
		}
	}
	mu.Lock()
	defer mu.Unlock()
	names := make([]string, 0, len(sizes))
	for u := range sizes {
		names = append(names, u)
	}
	sort.Strings(names)
	for _, u := range names {
		t.Logf("%7.0f B  %s", sizes[u], u)
	}
	t.Logf("total %.0f bytes (budget %d)", total, crewShellBudget)
	if total == 0 {
		t.Fatal("no bytes measured")
	}
	if total > crewShellBudget {
		t.Errorf("cold /m/ transferred %.0f bytes, over the %d-byte budget", total, crewShellBudget)
	}
	for _, u := range names {
		if strings.Contains(u, "/upload.") || strings.Contains(u, "signature_pad") || strings.Contains(u, "/photos.") {
			t.Errorf("%s is on the crew home's critical path", u)
		}
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}
