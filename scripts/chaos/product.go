//go:build chaos

package chaos

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
)

// UserClient is a tenant user signed in through the login form, as the
// product's pages and the crew app sign in: it carries the session
// cookie, which the REST API and the sync endpoint accept.
type UserClient struct {
	Addr, Host string
	HTTP       *http.Client
	cookie     *http.Cookie
}

// Answer is one HTTP answer (Err: the request did not get one).
type Answer struct {
	Status int
	Body   []byte
	Err    error
}

// WebLogin signs a tenant user in through POST /login (form, 303 and a
// session cookie on success).
func WebLogin(t testing.TB, addr, host, email, password string) *UserClient {
	t.Helper()
	c := &UserClient{Addr: addr, Host: host, HTTP: &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	form := url.Values{"email": {email}, "password": {password}}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/login", strings.NewReader(form.Encode()))
	req.Host = host
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.Name == "fieldops_session" && ck.Value != "" {
			c.cookie = ck
		}
	}
	if resp.StatusCode != http.StatusSeeOther || c.cookie == nil {
		t.Fatalf("login %s: status %d, session cookie %v", email, resp.StatusCode, c.cookie != nil)
	}
	return c
}

// PostJSON posts body as JSON to path on the user's tenant host.
func (c *UserClient) PostJSON(path string, body any) Answer {
	b, err := json.Marshal(body)
	if err != nil {
		return Answer{Err: err}
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+c.Addr+path, bytes.NewReader(b))
	req.Host = c.Host
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(c.cookie)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Answer{Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return Answer{Status: resp.StatusCode, Body: data, Err: err}
}

// CreateRecord creates a record through the PocketBase REST API (with
// the collection's API rules and every hook, the audit trail included)
// and returns the answer.
func (c *UserClient) CreateRecord(collection string, fields map[string]any) Answer {
	return c.PostJSON("/api/collections/"+collection+"/records", fields)
}

// MustCreateRecord is CreateRecord for test setup: it fails the test on
// any answer but 200 and returns the new record's id.
func (c *UserClient) MustCreateRecord(t testing.TB, collection string, fields map[string]any) string {
	t.Helper()
	a := c.CreateRecord(collection, fields)
	var rec struct{ ID string }
	if a.Err == nil && a.Status == http.StatusOK {
		_ = json.Unmarshal(a.Body, &rec)
	}
	if rec.ID == "" {
		t.Fatalf("create %s: %d %v %s", collection, a.Status, a.Err, a.Body)
	}
	return rec.ID
}

// CreateUser creates an active tenant user with a password through the
// users REST API (c must be a tenant admin) and returns its id.
func (c *UserClient) CreateUser(t testing.TB, email, password, name, role string) string {
	t.Helper()
	return c.MustCreateRecord(t, domain.CollectionUsers, map[string]any{
		"email": email, "password": password, "passwordConfirm": password,
		"name": name, "role": role, "active": true,
	})
}

// Sync sends one batch of the crew app's outbox to POST /api/fieldops/sync
// and returns the answer and, when it is a 200, the decoded results.
func (c *UserClient) Sync(ops ...domain.SyncOp) (Answer, []domain.SyncResult) {
	a := c.PostJSON("/api/fieldops/sync", domain.SyncRequest{Operations: ops})
	if a.Err != nil || a.Status != http.StatusOK {
		return a, nil
	}
	var resp domain.SyncResponse
	if err := json.Unmarshal(a.Body, &resp); err != nil {
		a.Err = err
		return a, nil
	}
	return a, resp.Results
}

// NewULID returns a fresh ULID, the idempotency key of a sync operation.
func NewULID() string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	var b [16]byte
	ms := uint64(time.Now().UnixMilli())
	for i := 0; i < 6; i++ {
		b[i] = byte(ms >> (40 - 8*i))
	}
	_, _ = rand.Read(b[6:])
	n := new(big.Int).SetBytes(b[:])
	out := make([]byte, 26)
	mod := new(big.Int)
	base := big.NewInt(32)
	for i := 25; i >= 0; i-- {
		n.DivMod(n, base, mod)
		out[i] = alphabet[mod.Int64()]
	}
	return string(out)
}

// FieldCrew signs the tenant admin of host in, creates an active site
// with n field users (crew and site leads, alternating) in its team, named
// <prefix><i>@<tenant>.test with password, and returns them signed in
// with the site's id.
func FieldCrew(t testing.TB, addr, host, adminEmail, password, prefix string, n int) ([]*UserClient, string) {
	t.Helper()
	boss := WebLogin(t, addr, host, adminEmail, password)
	users := make([]*UserClient, n)
	team := make([]string, n)
	for i := range users {
		role := domain.RoleCrew
		if i%2 == 1 {
			role = domain.RoleSiteLead
		}
		email := fmt.Sprintf("%s%d@%s.test", prefix, i, strings.TrimSuffix(host, ".localhost"))
		team[i] = boss.CreateUser(t, email, password, fmt.Sprintf("Équipier %d", i), role)
		users[i] = WebLogin(t, addr, host, email, password)
	}
	// NB: crews report incidents on the sites of their team only.
	site := boss.MustCreateRecord(t, domain.CollectionSites, map[string]any{"code": "C-1", "name": "Chantier d'essai", "sector": "btp", "status": "active", "team": team})
	return users, site
}
