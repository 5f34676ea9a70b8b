//go:build chaos

package chaos

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
)

// Get sends a GET with the user's session cookie (nil user: anonymous).
func get(t *testing.T, addr, host, path string, c *UserClient) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	req.Host = host
	if c != nil {
		req.AddCookie(c.cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// authWithPassword tries PocketBase's password sign-in of a collection.
func authWithPassword(t *testing.T, addr, host, collection, email, password string) int {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"identity": email, "password": password})
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/collections/"+collection+"/auth-with-password", bytes.NewReader(b))
	req.Host = host
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSecurityContract checks issue #14's contract against the real
// binary: the sign-in lock on the API and /login, crew refused proof and
// forged authors through REST, protected files, confidential fields,
// logout revoking the cookie, and `audit verify` after the last audit
// rows are deleted.
func TestSecurityContract(t *testing.T) {
	work := t.TempDir()
	bin := Build(t, work)
	dir := filepath.Join(work, "pb_data")
	Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", "admin@acme.test", "--admin-password", trustPassword, "--dir", dir)
	srv := Serve(t, bin, dir)
	const host = "acme.localhost"
	users, site := FieldCrew(t, srv.Addr, host, "admin@acme.test", trustPassword, "sec", 2)
	crew := users[0]

	// 10 wrong passwords on the API: locked, right password included, and on /login
	for range 10 {
		authWithPassword(t, srv.Addr, host, "users", "sec1@acme.test", "wrong-password")
	}
	if code := authWithPassword(t, srv.Addr, host, "users", "sec1@acme.test", trustPassword); code != http.StatusTooManyRequests {
		t.Errorf("right password after 10 wrong ones on auth-with-password = %d, want 429", code)
	}
	form := strings.NewReader("email=sec1%40acme.test&password=" + trustPassword)
	req, _ := http.NewRequest(http.MethodPost, "http://"+srv.Addr+"/login", form)
	req.Host = host
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode == http.StatusSeeOther {
		t.Error("/login signs in an account the API locked")
	}

	// proof and authors through REST
	for _, col := range []string{domain.CollectionSignatures, domain.CollectionPhotos} {
		if a := crew.CreateRecord(col, map[string]any{"subject": site, "site": site, "signer_name": "X", "signer_role": "client"}); a.Status != 400 && a.Status != 403 {
			t.Errorf("crew creates %s through REST: %d %s", col, a.Status, a.Body)
		}
	}
	boss := WebLogin(t, srv.Addr, host, "admin@acme.test", trustPassword)
	if a := crew.CreateRecord(domain.CollectionIncidents, map[string]any{"site": site, "kind": "safety", "severity": "low", "description": "x", "reported_by": users[1].userID(t)}); a.Status != 400 && a.Status != 403 {
		t.Errorf("crew reports an incident as someone else: %d %s", a.Status, a.Body)
	}

	// confidential fields read by the crew
	for col, fields := range map[string][]string{"users": {"hourly_cost"}, "materials": {"unit_cost"}, "sites": {"budget", "contract_amount"}} {
		if col == "materials" {
			boss.MustCreateRecord(t, col, map[string]any{"sku": "M-1", "name": "Câble", "unit": "m", "unit_cost": 2.5})
		}
		code, body := get(t, srv.Addr, host, "/api/collections/"+col+"/records", crew)
		if code != 200 {
			t.Fatalf("crew lists %s: %d %s", col, code, body)
		}
		for _, f := range fields {
			if bytes.Contains(body, []byte(`"`+f+`"`)) {
				t.Errorf("crew reads %s.%s: %.300s", col, f, body)
			}
		}
	}

	// a file without credentials
	crewID := crew.userID(t)
	code, _ := get(t, srv.Addr, host, "/api/files/users/"+crewID+"/avatar.png", nil)
	if code != 401 && code != 403 && code != 404 {
		t.Errorf("anonymous file download = %d", code)
	}

	// logout revokes the cookie that was sent with it
	if a := crew.PostJSON("/logout", nil); a.Err != nil {
		t.Fatal(a.Err)
	}
	if code, body := get(t, srv.Addr, host, "/api/collections/sites/records", crew); code == 200 && bytes.Contains(body, []byte(site)) {
		t.Error("the cookie sent with /logout still authenticates")
	}

	// audit verify after the last audit rows are deleted
	Run(t, bin, "audit", "verify", "acme", "--dir", dir)
	db, err := tenants.DBConnect(filepath.Join(dir, "tenants", "acme", "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewQuery("DELETE FROM audit_events WHERE seq > (SELECT max(seq) - 2 FROM audit_events)").Execute(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, err := exec.Command(bin, "audit", "verify", "acme", "--dir", dir).CombinedOutput()
	if err == nil {
		t.Fatalf("audit verify exits 0 after the last audit rows were deleted:\n%s", out)
	}
	t.Logf("audit verify after deleting the last 2 rows: %v\n%s", err, out)
}

// userID returns the signed-in user's record id (from /api/collections/users/auth-refresh).
func (c *UserClient) userID(t *testing.T) string {
	t.Helper()
	a := c.PostJSON("/api/collections/users/auth-refresh", nil)
	var out struct{ Record struct{ ID string } }
	if a.Err != nil || json.Unmarshal(a.Body, &out) != nil || out.Record.ID == "" {
		t.Fatalf("auth-refresh: %d %v %s", a.Status, a.Err, a.Body)
	}
	return out.Record.ID
}
