package handlers_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

type clock struct{ ns atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Now().UnixNano())
	return c
}

func signedIn(t *testing.T, tt *tenanttest.Tenant, c *http.Cookie) bool {
	t.Helper()
	rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/m/", c)
	return rec.Code == http.StatusOK
}

func TestSessionIdleAndAbsoluteExpiry(t *testing.T) {
	t.Parallel()
	clk := newClock()
	tt := handlertest.New(t, tenanttest.WithClock(clk.Now))
	tt.User(domain.RoleCrew, "crew@acme.test")

	c := tt.Login("crew@acme.test", tenanttest.Password)
	clk.Advance(11 * time.Hour)
	if !signedIn(t, tt, c) {
		t.Fatal("signed out after 11 h idle (limit 12 h)")
	}
	clk.Advance(13 * time.Hour)
	if signedIn(t, tt, c) {
		t.Fatal("still signed in after 13 h idle")
	}

	// absolute: active every 6 h, the session still ends after 14 days
	c = tt.Login("crew@acme.test", tenanttest.Password)
	for elapsed := time.Duration(0); elapsed < 13*24*time.Hour; elapsed += 6 * time.Hour {
		clk.Advance(6 * time.Hour)
		rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/m/", c)
		if rec.Code != 200 {
			t.Fatalf("signed out after %v of activity", elapsed+6*time.Hour)
		}
		if nc := tenanttest.SessionCookie(rec); nc != nil {
			c = nc // the idle clock and the token are refreshed
		}
	}
	clk.Advance(30 * time.Hour)
	if signedIn(t, tt, c) {
		t.Error("still signed in after 14 days")
	}
}

func TestSessionEndsWhenUserIsDeactivated(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	u := tt.User(domain.RoleCrew, "crew@acme.test")
	c := tt.Login("crew@acme.test", tenanttest.Password)
	if _, err := domain.SetUserActive(tt.App(), nil, u.Id, false); err != nil {
		t.Fatal(err)
	}
	if signedIn(t, tt, c) {
		t.Error("a deactivated user's session still works")
	}
}

func TestSessionKeyRotationKeepsRecentSessions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	reg := handlertest.NewRegistry(t, tenanttest.WithDir(dir))
	tt := tenanttest.Provision(t, reg, "acme", domain.SectorBTP)
	c := tt.Login(tt.Admin, tenanttest.Password)
	if _, err := reg.RotateSessionKeys("test"); err != nil {
		t.Fatal(err)
	}
	reg.Close()

	// "restart": new handlers load the rotated keys
	reg2 := handlertest.NewRegistry(t, tenanttest.WithDir(dir))
	tt2 := &tenanttest.Tenant{T: t, Registry: reg2, Slug: "acme", Admin: tt.Admin}
	if !signedIn(t, tt2, c) {
		t.Fatal("one rotation signed everybody out")
	}
	fresh := tt2.Login(tt.Admin, tenanttest.Password)
	for range 3 {
		if _, err := reg2.RotateSessionKeys("test"); err != nil {
			t.Fatal(err)
		}
	}
	reg2.Close()
	reg3 := handlertest.NewRegistry(t, tenanttest.WithDir(dir))
	tt3 := &tenanttest.Tenant{T: t, Registry: reg3, Slug: "acme", Admin: tt.Admin}
	if signedIn(t, tt3, c) || signedIn(t, tt3, fresh) {
		t.Error("cookies signed with keys rotated out still work")
	}
}
