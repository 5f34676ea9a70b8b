//go:build browser

package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"

	"github.com/fieldops360/fieldops/tenanttest"
)

// chromium is the one headless Chromium the browser tests of this binary
// share: starting a browser costs about a second of CPU per test, and a
// busy machine multiplies it. It is killed when the test binary exits
// (TestMain).
var chromium struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	wsURL  string
	err    error
}

// sharedChromium returns the browser context of the shared Chromium,
// starting it on first use.
func sharedChromium(t *testing.T) context.Context {
	t.Helper()
	chromium.once.Do(func() {
		dir, err := os.MkdirTemp("", "fieldops-chromium-")
		if err != nil {
			chromium.err = err
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(tenanttest.Tool(t, "chromium")),
			chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
			chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
			chromedp.Flag("accept-lang", "fr-FR,fr"), chromedp.UserDataDir(dir),
			chromedp.WindowSize(1280, 900),
			// a DevTools port (chromedp 0.23 defaults to a pipe, and then
			// axe launched a Chromium of its own): node tools (axe,
			// Lighthouse) connect to this Chromium through it
			remote.WebSocket,
		}
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, cancelB := chromedp.NewContext(actx)
		if err := chromedp.Do(bctx); err != nil { // starts the browser
			cancelB()
			cancelA()
			chromium.err = err
			return
		}
		// NB: Chromium may write DevToolsActivePort after chromedp has connected.
		for deadline := time.Now().Add(5 * time.Second); chromium.wsURL == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			port, err := os.ReadFile(filepath.Join(dir, "DevToolsActivePort")) // "PORT\n/devtools/browser/ID"
			if lines := strings.SplitN(strings.TrimSpace(string(port)), "\n", 2); err == nil && len(lines) == 2 {
				chromium.wsURL = "ws://127.0.0.1:" + lines[0] + lines[1]
			}
		}
		chromium.ctx = bctx
		chromium.cancel = func() { cancelB(); cancelA(); _ = os.RemoveAll(dir) }
	})
	if chromium.err != nil {
		t.Fatalf("start Chromium: %v", chromium.err)
	}
	return chromium.ctx
}

// The shared Chromium is closed after the tests (TestMain).
func init() {
	afterTests = append(afterTests, func() {
		if chromium.cancel != nil {
			chromium.cancel()
		}
	})
}
