package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/metrics"
	"github.com/fieldops360/fieldops/tenanttest"
)

// Storage faults (issue #13, item 7): a tenant whose data.db disappears or
// turns read-only is answered 503 with Retry-After (never 400: clients
// keep their data and retry), is never re-created empty, raises the gauge
// fieldops_tenants_unavailable, and comes back by itself once the fault is
// gone. Real files, real SQLite.

// fastStorageCheck probes storage every 50 ms instead of every second.
func fastStorageCheck(c *tenants.Config) { c.StorageCheck = 50 * time.Millisecond }

// faultTenant is a tenant with a crew member on a site and the
// _superusers token of its admin, its metrics attached.
type faultTenant struct {
	*tenanttest.Tenant
	m           *metrics.Metrics
	su, crewTok string
	site        string
	db, backup  string
}

func newFaultTenant(t *testing.T) faultTenant {
	t.Helper()
	tt := handlertest.New(t, fastStorageCheck)
	ft := faultTenant{Tenant: tt, m: metrics.New(), su: tt.Token("_superusers", tt.Admin)}
	ft.m.AttachRegistry(tt.Registry)
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test").Id
	crew := tt.User(domain.RoleCrew, "crew@acme.test").Id
	ft.crewTok = tt.Token("users", "crew@acme.test")
	ft.site = tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active",
		"lat": 47.2184, "lng": -1.5536, "geofence_m": 150, "site_lead": lead, "team": []string{crew}}).Id
	ft.db = filepath.Join(tt.Registry.TenantDir(tt.Slug), "data.db")
	ft.backup = filepath.Join(t.TempDir(), "data.db")
	return ft
}

// createClient creates a client through PocketBase's REST API.
func (ft faultTenant) createClient(t *testing.T, name string) *httptest.ResponseRecorder {
	t.Helper()
	return tenanttest.Do(t, ft.Registry, http.MethodPost, ft.Host(), "/api/collections/clients/records", ft.su, apiJSON(map[string]any{"name": name}))
}

// clientNames lists the clients through the REST API.
func (ft faultTenant) clientNames(t *testing.T) []string {
	t.Helper()
	rec := tenanttest.Do(t, ft.Registry, http.MethodGet, ft.Host(), "/api/collections/clients/records?perPage=200", ft.su, nil)
	var out struct {
		Items []struct {
			Name string `json:"name"`
		} `json:"items"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); rec.Code != 200 || err != nil {
		t.Fatalf("list clients: %d %v %s", rec.Code, err, rec.Body)
	}
	var names []string
	for _, it := range out.Items {
		names = append(names, it.Name)
	}
	return names
}

// incidentOp is the crew app's outbox operation creating an incident.
func (ft faultTenant) incidentOp(key, description string) syncOp {
	return syncOp{"key": key, "op": "create", "collection": "incidents", "device_time": "2026-03-02T09:00:00+01:00",
		"data": map[string]any{"site": ft.site, "kind": "delay", "severity": "medium", "description": description}}
}

// sync posts ops as the crew member and returns the status and results.
func (ft faultTenant) sync(t *testing.T, ops ...syncOp) (*httptest.ResponseRecorder, []domain.SyncResult) {
	t.Helper()
	rec := tenanttest.Do(t, ft.Registry, http.MethodPost, ft.Host(), "/api/fieldops/sync", ft.crewTok,
		apiJSON(map[string]any{"operations": ops}))
	var out domain.SyncResponse
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec, out.Results
}

// unavailable reads the gauge fieldops_tenants_unavailable.
func (ft faultTenant) unavailable(t *testing.T) float64 {
	t.Helper()
	fams, err := ft.m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == "fieldops_tenants_unavailable" {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatal("no fieldops_tenants_unavailable series")
	return 0
}

// want503 checks a storage refusal: 503, Retry-After, and a JSON body in
// PocketBase's shape whose message contains want (or, for a page, want in
// the body).
func want503(t *testing.T, what string, rec *httptest.ResponseRecorder, want string) {
	t.Helper()
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("%s: %d, Retry-After %q, want 503 with Retry-After; body %s", what, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("%s: body lacks %q: %s", what, want, rec.Body)
	}
}

// eventually retries fn every 20 ms for up to 5 s.
func eventually(t *testing.T, what string, fn func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !fn(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not after 5 s", what)
		}
	}
}

func TestStorageDeletedDatabaseIsOutOfServiceUntilRestored(t *testing.T) {
	t.Parallel()
	ft := newFaultTenant(t)
	reg := ft.Registry
	if rec := ft.createClient(t, "Avant"); rec.Code != 200 {
		t.Fatalf("create before: %d %s", rec.Code, rec.Body)
	}
	if err := tenants.BackupDB(context.Background(), ft.db, ft.backup); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(ft.db); err != nil {
		t.Fatal(err)
	}

	// the next write is refused: SQLite would commit it into the deleted file
	want503(t, "REST create", ft.createClient(t, "Pendant"), `"status":503`)
	var problem struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(ft.createClient(t, "Pendant").Body.Bytes(), &problem); err != nil || problem.Status != 503 || !strings.Contains(problem.Message, "hors service") {
		t.Fatalf("JSON reason: %+v %v", problem, err)
	}
	req := tenanttest.NewRequest(http.MethodGet, ft.Host(), "/api/collections/clients/records", nil)
	req.Header.Set("Accept-Language", "en")
	rec := httptest.NewRecorder()
	reg.ServeHTTP(rec, req)
	want503(t, "REST read in English", rec, "out of service")
	page := tenanttest.Get(t, reg, ft.Host(), "/login")
	want503(t, "page", page, "hors service")
	req = tenanttest.NewRequest(http.MethodGet, ft.Host(), "/login", nil)
	req.Header.Set("Accept-Language", "en")
	want503(t, "page in English", tenanttest.Serve(reg, req), "out of service")
	rec, _ = ft.sync(t, ft.incidentOp(ulid(1), "Pendant la panne"))
	want503(t, "sync", rec, "hors service")

	if _, err := os.Stat(ft.db); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("data.db re-created: %v", err)
	}
	if info, err := reg.Get("acme"); err != nil || info.Status != tenants.StatusActive {
		t.Fatalf("control plane: %+v %v", info, err)
	}
	if g := ft.unavailable(t); g != 1 || reg.Unavailable() != 1 {
		t.Fatalf("gauge = %v, want 1", g)
	}
	if kind, _, ok := reg.StorageFault("acme"); !ok || kind != tenants.StorageMissing {
		t.Fatalf("fault = %q %v", kind, ok)
	}

	// the file is restored: served again without a restart
	copyFile(t, ft.backup, ft.db)
	eventually(t, "served after the restore", func() bool { return ft.createClient(t, "Après").Code == 200 })
	names := strings.Join(ft.clientNames(t), ",")
	if names != "Avant,Après" {
		t.Errorf("clients = %s, want Avant,Après (nothing acknowledged into the deleted file)", names)
	}
	if rec, res := ft.sync(t, ft.incidentOp(ulid(1), "Pendant la panne")); rec.Code != 200 || len(res) != 1 || res[0].Status >= 300 {
		t.Errorf("sync replayed after the restore: %d %+v", rec.Code, res)
	}
	if g := ft.unavailable(t); g != 0 {
		t.Errorf("gauge = %v after the restore, want 0", g)
	}
}

func TestStorageReadOnlyWritesAnswer503AndRecoverWithoutRestart(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"data.db", "its directory"} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			ft := newFaultTenant(t)
			reg := ft.Registry
			cookie := ft.Login("crew@acme.test", tenanttest.Password)
			path := ft.db
			if target != "data.db" {
				path = filepath.Dir(ft.db)
			}
			// NB: connections SQLite opened before keep writing (to the
			// WAL); those opened afterwards (idle ones are closed after
			// 30 s) see the read-only files: close the tenant first.
			reg.CloseTenant("acme", true)
			readOnly(t, path)

			want503(t, "REST create", ft.createClient(t, "Refusé"), "Rien de ce que vous avez saisi n'est perdu")
			rec, res := ft.sync(t, ft.incidentOp(ulid(1), "Fuite"))
			want503(t, "sync", rec, `"status":503`)
			if len(res) != 0 {
				t.Fatalf("sync answered per-op results the crew app would drop: %+v", res)
			}
			form := tenanttest.PostForm(t, reg, ft.Host(), "/m/incident", url.Values{"site": {ft.site}, "kind": {"delay"}, "severity": {"low"},
				"description": {"Livraison en retard"}}, cookie)
			if target == "data.db" {
				want503(t, "form", form, "Livraison en retard") // the form keeps what was typed
				if names := ft.clientNames(t); len(names) != 0 {
					t.Errorf("clients while read-only = %v", names)
				}
			} else {
				// NB: without its WAL files (deleted at close) SQLite cannot
				// open the database in a read-only directory: the dispatcher
				// answers, the form cannot be shown again.
				want503(t, "form", form, "Rien de ce que vous avez saisi n&#39;est perdu")
			}
			if g := ft.unavailable(t); g != 1 {
				t.Errorf("gauge = %v while read-only, want 1", g)
			}

			writable(t, path)
			eventually(t, "REST create after the permissions returned", func() bool { return ft.createClient(t, "Accepté").Code == 200 })
			rec, res = ft.sync(t, ft.incidentOp(ulid(1), "Fuite"))
			if rec.Code != 200 || len(res) != 1 || res[0].Status >= 300 {
				t.Fatalf("sync retried: %d %+v", rec.Code, res)
			}
			n, err := ft.App().CountRecords("incidents", dbx.HashExp{"description": "Fuite"})
			if err != nil || n != 1 {
				t.Errorf("incident of the retried op: %d %v", n, err)
			}
			if names := ft.clientNames(t); len(names) != 1 || names[0] != "Accepté" {
				t.Errorf("clients = %v", names)
			}
			// the fault is cleared by the next probe (a request after
			// StorageCheck, or the periodic scan)
			eventually(t, "gauge back to 0", func() bool { ft.clientNames(t); return ft.unavailable(t) == 0 })
		})
	}
}

// readOnly makes path unwritable for this process until writable (or the
// end of the test): chmod a-w for a normal user; for root, who ignores
// permissions, the immutable attribute (chattr +i, ext4/xfs/btrfs), which
// binds root as a read-only mount does.
func readOnly(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, fi.Mode().Perm()&^0o222); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(path, fi.Mode().Perm()) })
		return
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Fatalf("chattr +i %s (root needs the immutable attribute to test read-only files): %v %s", path, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", path).Run() })
}

// writable undoes readOnly.
func writable(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, fi.Mode().Perm()|0o200); err != nil {
			t.Fatal(err)
		}
		return
	}
	if out, err := exec.Command("chattr", "-i", path).CombinedOutput(); err != nil {
		t.Fatalf("chattr -i: %v %s", err, out)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
