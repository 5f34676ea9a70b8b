//go:build browser

package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// chunkLog records the upload id and Upload-Offset of every chunk the
// server receives.
type chunkLog struct {
	mu     sync.Mutex
	chunks []string
}

func (l *chunkLog) add(id, offset string) {
	l.mu.Lock()
	l.chunks = append(l.chunks, id+"@"+offset)
	l.mu.Unlock()
}

func (l *chunkLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.chunks...)
}

// newLoggedBrowserEnv is newBrowserEnv with the chunk requests logged.
func newLoggedBrowserEnv(t *testing.T) (*browserEnv, *chunkLog, *atomic.Bool) {
	t.Helper()
	tenanttest.Tool(t, "chromium")
	tt := handlertest.New(t)
	if err := domain.SeedDemo(tt.App()); err != nil {
		t.Fatal(err)
	}
	log, cut := &chunkLog{}, &atomic.Bool{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cut.Load() && strings.HasPrefix(r.URL.Path, "/api/") {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close() // as if the network were down
					return
				}
			}
		}
		if r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/api/fieldops/uploads/") {
			log.add(strings.TrimPrefix(r.URL.Path, "/api/fieldops/uploads/"), r.Header.Get("Upload-Offset"))
		}
		tt.Registry.ServeHTTP(w, r)
	}))
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return &browserEnv{tt: tt, base: fmt.Sprintf("http://acme.localhost:%d", l.Addr().(*net.TCPAddr).Port)}, log, cut
}

// setNetwork emulates the network of the page and its service worker:
// offline, or online with an upload throughput in bytes/s (-1: no limit).
// NB: Chromium's offline emulation sometimes lets a page's POST that
// falls through the service worker reach the server (its answer is lost:
// a real-world case the idempotency keys absorb). cut makes the test
// server drop API connections too, so that "nothing reaches the server
// while offline" is exact.
func setNetwork(t *testing.T, ctx context.Context, cut *atomic.Bool, offline bool, upload float64) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	conds := []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: upload}}
	yes := true
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{EmulateOfflineServiceWorker: &yes, MatchedNetworkConditions: conds}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: upload}); err != nil {
		t.Fatal(err)
	}
	cut.Store(offline)
}

// testPhoto writes a w×h JPEG (a gradient with some texture) to dir.
func testPhoto(t *testing.T, dir string, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	x := uint32(88172645)
	for y := 0; y < h; y++ {
		for i := 0; i < w; i++ {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			o := img.PixOffset(i, y)
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = byte(i*255/w)^byte(x&31), byte(y*255/h)^byte(x>>5&31), byte(x>>8&63)+96, 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "chantier.jpg")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tap scrolls an element to the middle of the viewport (clear of the
// fixed bottom tabs) and clicks it.
func tap(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { document.querySelector('`+sel+`').scrollIntoView({block: "center"}); return true; })()`)); err != nil {
			return err
		}
		return chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel)))
	})
}

// outboxCount waits until the crew app shows n actions waiting.
func outboxCount(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	js := `(() => { const el = document.querySelector('[data-testid="outbox-pending"]'); return !!el && el.dataset.count === "` + strconv.Itoa(n) + `" && !el.hidden; })()`
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
	}
	screenshot(t, ctx, fmt.Sprintf("outbox-not-%d", n))
	got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + " ls=" + localStorage.getItem("fieldops.open-entry") + " opts=" + Array.from(document.querySelectorAll("#f-site option")).map(o => o.value).join(",") + " sel=" + (document.querySelector("#f-site")||{}).value + " outbox=" + !!window.fieldopsOutbox + " ctrl=" + !!navigator.serviceWorker.controller + " count=" + (document.querySelector('[data-testid="outbox-pending"]') || {dataset: {}}).dataset.count`))
	t.Fatalf("%d actions waiting: timed out (%s)", n, got)
}

// drawSignature strokes a "Z" across the signature canvas with real
// pointer input (pressed, moves, released).
func drawSignature(t *testing.T, ctx context.Context) {
	t.Helper()
	rect, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const c = document.querySelector('[data-testid="signature-pad"]'); c.scrollIntoView({block: "center"}); const r = c.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`))
	if err != nil || len(rect) != 4 {
		t.Fatalf("signature canvas: %v %v", rect, err)
	}
	x0, y0, w, h := rect[0], rect[1], rect[2], rect[3]
	pts := [][2]float64{{0.15, 0.25}, {0.45, 0.25}, {0.8, 0.25}, {0.5, 0.55}, {0.2, 0.8}, {0.5, 0.8}, {0.85, 0.8}}
	send := func(typ input.DispatchMouseEventType, p [2]float64, buttons int64) {
		prm := input.DispatchMouseEventParams{Type: typ, X: x0 + p[0]*w, Y: y0 + p[1]*h, Button: input.MouseButtonLeft, Buttons: buttons, ClickCount: 1}
		if typ == input.DispatchMouseEventTypeMouseMoved {
			prm.ClickCount = 0
		}
		if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, prm); err != nil {
			t.Fatal(err)
		}
	}
	send(input.DispatchMouseEventTypeMousePressed, pts[0], 1)
	for _, p := range pts[1:] {
		send(input.DispatchMouseEventTypeMouseMoved, p, 1)
	}
	send(input.DispatchMouseEventTypeMouseReleased, pts[len(pts)-1], 0)
	poll(t, ctx, "ink on the pad", `(() => { const c = document.querySelector('[data-testid="signature-pad"]'); const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true; return false; })()`)
}

// chunkSize is upload.js's CHUNK.
const chunkSize = 256 << 10

// TestBrowserCrewOfflineProof: installed crew app (manifest, active
// service worker), then offline: clock in, take a photo (file input; the
// phone resizes it to 2560 px), sign a job on the canvas: three actions
// wait in the outbox and nothing reaches the server. Back online on a slow
// uplink, the connection is cut during the photo upload; once it returns
// the upload resumes from the server's offset (not from zero) and the
// server ends with exactly one clock-in, one photo (watermarked copy made
// by the worker) and one signature (job document hashed by the server).
func TestBrowserCrewOfflineProof(t *testing.T) {
	b, chunks, cut := newLoggedBrowserEnv(t)
	app := b.tt.App()
	crew, crewEmail := b.demoCrew(t)
	site := b.tt.Record("sites", map[string]any{"code": "CH-OFF", "name": "Poste HTA Bouguenais", "sector": "elec", "status": "active",
		"lat": 47.1770, "lng": -1.6230, "geofence_m": 200, "team": []string{crew.Id}})
	task := b.tt.Record("tasks", map[string]any{"site": site.Id, "title": "Raccordement cellule", "status": "done", "assignees": []string{crew.Id}})
	count := func(col, field string) int {
		n, _ := app.CountRecords(col, dbx.HashExp{field: crew.Id})
		return int(n)
	}
	counts := func() [3]int {
		sigs, _ := app.CountRecords("signatures", dbx.HashExp{"subject": task.Id})
		return [3]int{count(domain.CollectionTimeEntries, "user"), count("photos", "by"), int(sigs)}
	}
	photo := testPhoto(t, t.TempDir(), 3200, 2400)

	ctx, problems := b.persistentTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
		Permission:       &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted, Origin: b.base}); err != nil {
		t.Logf("geolocation permission: %v", err)
	}
	lat, lng, acc := 47.1771, -1.6231, 10.0
	if _, err := chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lng, Accuracy: &acc}); err != nil {
		t.Logf("geolocation override: %v", err)
	}
	b.login(t, ctx, crewEmail, domain.DemoPassword)

	// installed: manifest and an active service worker controlling /m/
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/time"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="clock-in-form"]`))); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.serviceWorker.getRegistration("/m/").then(r => r && r.active ? r.active.state : "")`, chromedp.EvalAwaitPromise))
		if s == "activated" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("service worker not active: %q", s)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// visit the pages once online, controlled by the worker, so that they
	// and their scripts are cached for offline use
	for _, p := range []string{"/m/time", "/m/photos", "/m/tasks/" + task.Id + "/sign"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(b.base+p), chromedp.WaitReady(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		poll(t, ctx, "controlled "+p, `navigator.serviceWorker.controller !== null && !!window.fieldopsOutbox`)
	}
	screenshot(t, ctx, "offline-proof-sign-online")

	setNetwork(t, ctx, cut, true, -1)
	// 1. clock in
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/time"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="clock-in-form"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "outbox ready", `!!window.fieldopsOutbox`)
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`[data-testid="clock-in-form"] #f-site`), site.Id),
		tap(`[data-testid="clock-in"]`)); err != nil {
		t.Fatal(err)
	}
	outboxCount(t, ctx, 1)
	// 2. photo through the file input
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/photos"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="photo-form"]`))); err != nil {
		screenshot(t, ctx, "offline-proof-photos-page")
		t.Fatal(err)
	}
	poll(t, ctx, "outbox ready", `!!window.fieldopsOutbox`)
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`[data-testid="photo-form"] #f-site`), site.Id),
		chromedp.SendKeys(chromedp.CSS(`#f-caption`), "Cellule avant raccordement"),
		chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{photo}),
		tap(`[data-testid="photo-submit"]`)); err != nil {
		t.Fatal(err)
	}
	outboxCount(t, ctx, 2)
	poll(t, ctx, "photo form reset", `document.querySelector('#f-file').files.length === 0`)
	// 3. signature on the canvas
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/tasks/"+task.Id+"/sign"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="sign-form"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "outbox ready", `!!window.fieldopsOutbox`)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#f-signer_name`), "Mme Le Goff"),
		tap(`[data-testid="consent"]`)); err != nil {
		t.Fatal(err)
	}
	drawSignature(t, ctx)
	screenshot(t, ctx, "offline-proof-signed")
	if err := chromedp.Do(ctx, tap(`[data-testid="sign-submit"]`)); err != nil {
		t.Fatal(err)
	}
	outboxCount(t, ctx, 3)
	screenshot(t, ctx, "offline-proof-queued")
	time.Sleep(1500 * time.Millisecond) // a retry tick while offline
	if c := counts(); c != [3]int{} {
		es, _ := app.FindRecordsByFilter(domain.CollectionTimeEntries, "user = {:u}", "", 10, 0, dbx.Params{"u": crew.Id})
		for _, e := range es {
			t.Logf("entry %v", e.FieldsData())
		}
		t.Fatalf("records on the server while offline: %v", c)
	}
	kinds, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(async () => (await (await window.fieldopsOutbox.db).getAll("ops")).map(it => it.upload ? it.upload.purpose + ":" + it.upload.content_type + ":" + it.upload.size : it.op.collection))()`, chromedp.EvalAwaitPromise))
	t.Logf("outbox: %v", kinds)

	// back online on a slow uplink; cut during the photo upload
	setNetwork(t, ctx, cut, false, 100<<10)
	deadline = time.Now().Add(30 * time.Second)
	var received, size int64
	for {
		_ = app.DB().NewQuery("SELECT received, size FROM uploads WHERE user = {:u} AND purpose = 'photo'").Bind(dbx.Params{"u": crew.Id}).Row(&received, &size)
		if received > 0 {
			break
		}
		if time.Now().After(deadline) {
			screenshot(t, ctx, "offline-proof-no-chunk")
			t.Fatalf("no photo chunk received (chunks %v, counts %v)", chunks.list(), counts())
		}
		time.Sleep(20 * time.Millisecond)
	}
	setNetwork(t, ctx, cut, true, -1)
	_ = app.DB().NewQuery("SELECT received FROM uploads WHERE user = {:u} AND purpose = 'photo'").Bind(dbx.Params{"u": crew.Id}).Row(&received)
	before := len(chunks.list())
	t.Logf("cut at %d/%d bytes after %d chunk requests", received, size, before)
	if received >= size {
		t.Fatalf("the photo was complete before the cut (%d bytes): use a slower uplink", size)
	}
	time.Sleep(2 * time.Second)
	setNetwork(t, ctx, cut, false, -1)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/time"), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(40 * time.Second)
	for counts() != [3]int{1, 1, 1} {
		if time.Now().After(deadline) {
			screenshot(t, ctx, "offline-proof-not-synced")
			t.Fatalf("after reconnecting: %v (entries, photos, signatures), chunks %v", counts(), chunks.list())
		}
		time.Sleep(200 * time.Millisecond)
	}
	poll(t, ctx, "outbox empty", `(() => { const el = document.querySelector('[data-testid="outbox-pending"]'); return el && el.hidden; })()`)
	offs := chunks.list()
	t.Logf("chunk offsets: %v", offs)
	photoID, _, _ := strings.Cut(offs[0], "@")
	for _, c := range offs[before:] {
		if c == photoID+"@0" {
			t.Errorf("the photo upload restarted from 0 after the cut: %v", offs)
		}
	}
	if !slices.Contains(offs[before:], photoID+"@"+strconv.FormatInt(received, 10)) && !slices.Contains(offs[before:], photoID+"@"+strconv.FormatInt(received+chunkSize, 10)) {
		t.Errorf("the photo upload did not resume at the server's offset %d: %v", received, offs)
	}
	time.Sleep(6 * time.Second) // past a retry tick: no second send
	if c := counts(); c != [3]int{1, 1, 1} {
		t.Errorf("server has %v (entries, photos, signatures), want exactly one each", c)
	}

	p, err := app.FindFirstRecordByFilter("photos", "by = {:u}", dbx.Params{"u": crew.Id})
	if err != nil {
		t.Fatal(err)
	}
	if p.GetString("site") != site.Id || p.GetString("caption") != "Cellule avant raccordement" || p.GetFloat("accuracy") != 10 {
		t.Errorf("photo %v", p.FieldsData())
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	rc, err := fsys.GetReader(p.BaseFilesPath() + "/" + p.GetString("file"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(rc)
	rc.Close()
	if err != nil || cfg.Width != 2560 || cfg.Height != 1920 {
		t.Errorf("stored original %dx%d (%v), want the device-resized 2560x1920", cfg.Width, cfg.Height, err)
	}
	if len(p.GetString("original_sha256")) != 64 {
		t.Error("no original hash")
	}
	waitDerived(t, app, p.Id)
	s, err := app.FindFirstRecordByFilter("signatures", "subject = {:t}", dbx.Params{"t": task.Id})
	if err != nil {
		t.Fatal(err)
	}
	_, want, _ := domain.TaskDocument(app, task.Id)
	if s.GetString("document_sha256") != want || s.GetString("signer_name") != "Mme Le Goff" || s.GetString("signer_role") != "client" {
		t.Errorf("signature %v, want document hash %s", s.FieldsData(), want)
	}
	// the ticked box travels as an explicit consent; the image hash is the
	// stored file's
	if stored, err := domain.StoredImageSHA256(app, domain.Signature{Record: s}); err != nil || len(stored) != 64 || stored != s.GetString("image_sha256") ||
		s.GetString("consent_text") != domain.SignatureConsentFR {
		t.Errorf("signature evidence: image %q stored %q (%v), consent %q", s.GetString("image_sha256"), stored, err, s.GetString("consent_text"))
	}
	screenshot(t, ctx, "offline-proof-synced")
	var real []string
	for _, p := range problems() {
		if !strings.Contains(p, "ERR_INTERNET_DISCONNECTED") && !strings.Contains(p, "Failed to fetch") && !strings.Contains(p, "net::ERR_") {
			real = append(real, p)
		}
	}
	if len(real) > 0 {
		t.Errorf("page errors: %v", real)
	}
}
