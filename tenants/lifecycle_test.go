package tenants_test

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

func TestLazyOpenIdleCloseReopen(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{}
	clock.ns.Store(time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC).UnixNano())
	tt := tenanttest.New(t, tenanttest.WithClock(clock.Now), tenanttest.WithIdle(15*time.Minute))
	reg := tt.Registry
	reg.CloseTenant("acme", true) // provisioning helpers may have opened it
	opens0, closes0 := reg.Stats()

	if reg.IsOpen("acme") {
		t.Fatal("tenant open before any request")
	}
	// concurrent first requests open it exactly once (single-flight)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if rec := tenanttest.Do(t, reg, http.MethodGet, tt.Host(), "/api/health", "", nil); rec.Code != 200 {
				t.Errorf("status %d", rec.Code)
			}
		}()
	}
	wg.Wait()
	if opens, _ := reg.Stats(); opens-opens0 != 1 {
		t.Fatalf("opens = %d, want exactly 1 for 8 concurrent first requests", opens-opens0)
	}

	clock.Advance(10 * time.Minute)
	if n := reg.CloseIdle(); n != 0 || !reg.IsOpen("acme") {
		t.Fatal("closed before the idle timeout")
	}

	// an SSE client keeps it open however long it is idle
	ten, release, err := reg.Acquire(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	release()
	ten.StreamOpened()
	clock.Advance(time.Hour)
	if reg.CloseIdle(); !reg.IsOpen("acme") {
		t.Fatal("closed while an SSE client is connected")
	}
	ten.StreamClosed()

	// an in-flight request keeps it open too
	_, release, _ = reg.Acquire(context.Background(), "acme")
	if reg.CloseIdle(); !reg.IsOpen("acme") {
		t.Fatal("closed while a request is in flight")
	}
	release()
	clock.Advance(16 * time.Minute)
	if n := reg.CloseIdle(); n != 1 || reg.IsOpen("acme") {
		t.Fatalf("CloseIdle closed %d, open=%v; want the idle tenant closed", n, reg.IsOpen("acme"))
	}
	if _, closes := reg.Stats(); closes-closes0 < 1 {
		t.Error("close not counted")
	}

	// the next request reopens a fresh app that still has the data
	tt.User(domain.RoleCrew, "after@acme.test")
	if !reg.IsOpen("acme") {
		t.Fatal("not reopened on use")
	}
	if opens, _ := reg.Stats(); opens-opens0 != 2 {
		t.Errorf("opens = %d, want 2", opens-opens0)
	}
	reg.CloseTenant("acme", true)
	if _, err := tt.App().FindAuthRecordByEmail("users", "after@acme.test"); err != nil {
		t.Errorf("data lost across close/reopen: %v", err)
	}
}

func TestExportContents(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	tt.Record("clients", map[string]any{"name": "Mairie de Nantes", "kind": "public"})
	// an uploaded file under storage/
	up := filepath.Join(tt.Registry.TenantDir("acme"), "storage", "col", "rec", "plan.pdf")
	if err := os.MkdirAll(filepath.Dir(up), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(up, []byte("%PDF-1.4 plan"), 0o640); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "acme.zip")
	res, err := tt.Registry.Export("acme", out)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = b
	}
	for _, want := range []string{"data.db", "manifest.json", "storage/col/rec/plan.pdf"} {
		if _, ok := files[want]; !ok {
			t.Errorf("export lacks %s (has %v)", want, res.Files)
		}
	}
	var man struct {
		Slug  string            `json:"slug"`
		Files map[string]string `json:"files"`
	}
	if err := json.Unmarshal(files["manifest.json"], &man); err != nil || man.Slug != "acme" {
		t.Fatalf("manifest %s: %v", files["manifest.json"], err)
	}
	for name, sum := range man.Files {
		got := sha256.Sum256(files[name])
		if hex.EncodeToString(got[:]) != sum {
			t.Errorf("manifest sha256 of %s does not match", name)
		}
	}
	// the database copy is a complete, consistent SQLite file
	db := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(db, files["data.db"], 0o600); err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open(tenants.DriverName, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var check, client string
	if err := conn.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
	if err := conn.QueryRow("SELECT name FROM clients").Scan(&client); err != nil || client != "Mairie de Nantes" {
		t.Errorf("client in export = %q, %v", client, err)
	}
	var admins int
	_ = conn.QueryRow("SELECT count(*) FROM users WHERE tenant_admin = 1").Scan(&admins)
	if admins != 1 {
		t.Errorf("admins in export = %d, want 1", admins)
	}
}

func TestDeleteExportsThenRemoves(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	reg := tt.Registry
	tenanttest.Do(t, reg, http.MethodGet, tt.Host(), "/", "", nil) // open it
	out := filepath.Join(t.TempDir(), "last.zip")
	res, err := reg.DeleteTenant("acme", out, "test")
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() == 0 || res.Export != out {
		t.Errorf("export before delete missing: %v", err)
	}
	if _, err := os.Stat(reg.TenantDir("acme")); !os.IsNotExist(err) {
		t.Errorf("tenant dir still there: %v", err)
	}
	if reg.IsOpen("acme") {
		t.Error("deleted tenant still open")
	}
	if rec := tenanttest.Do(t, reg, http.MethodGet, tt.Host(), "/", "", nil); rec.Code != http.StatusGone {
		t.Errorf("deleted host = %d, want 410", rec.Code)
	}
	if _, err := reg.DeleteTenant("acme", "", "test"); domain.ErrorCode(err) != domain.EGone {
		t.Errorf("second delete = %v, want gone", err)
	}
	if _, err := reg.CreateTenant(tenants.CreateInput{Slug: "acme", Name: "Nouveau", Sector: "btp", AdminEmail: "a@b.fr"}); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("re-creating a deleted slug = %v, want conflict (the slug stays reserved)", err)
	}
}

func inotifyInstances(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc")
	}
	n := 0
	for _, fd := range fds {
		if target, _ := os.Readlink("/proc/self/fd/" + fd.Name()); target == "anon_inode:inotify" {
			n++
		}
	}
	return n
}

// TestPerAppAdjustments checks DESIGN.md §2: no inotify watcher per tenant,
// no daily TRUNCATE checkpoint, capped request logs.
func TestPerAppAdjustments(t *testing.T) {
	reg := tenanttest.NewRegistry(t)
	before := inotifyInstances(t)
	for _, s := range []string{"t1", "t2", "t3"} {
		tenanttest.Provision(t, reg, s, "btp")
		tenanttest.Do(t, reg, http.MethodGet, s+".localhost", "/", "", nil)
	}
	if got := inotifyInstances(t); got != before {
		t.Errorf("inotify instances grew from %d to %d with 3 open tenants", before, got)
	}
	ten, release, err := reg.Acquire(context.Background(), "t1")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	for _, j := range ten.App.Cron().Jobs() {
		if j.Id() == "__pbDBOptimize__" {
			t.Error("__pbDBOptimize__ cron still scheduled")
		}
	}
	if s := ten.App.Settings(); s.Logs.MaxDays > 7 || s.Logs.MinLevel < 4 {
		t.Errorf("logs settings = %+v, want capped retention and warn level", s.Logs)
	}
}
