package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestTenantZoneOnPages: pages show times in the company's time zone,
// read forms in it, and follow a change of the settings at once.
func TestTenantZoneOnPages(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	reg, host := tt.Registry, tt.Host()
	admin := tt.Login(tt.Admin, tenanttest.Password)
	v, err := domain.CreateVehicle(tt.App(), nil, domain.VehicleInput{Plate: "GA-101-NT", Label: "Kangoo"})
	if err != nil {
		t.Fatal(err)
	}
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active"})
	// 13:00 in Paris (winter) is 12:00 UTC
	assign := url.Values{"site": {site.Id}, "from": {"2031-01-14T13:00"}, "to": {"2031-01-14T17:00"}}
	if rec := tenanttest.PostForm(t, reg, host, "/vehicles/"+v.Id+"/assignments", assign, admin); rec.Code != http.StatusSeeOther {
		t.Fatalf("assign = %d %s", rec.Code, rec.Body)
	}
	period := func() string {
		t.Helper()
		rec := tenanttest.Get(t, reg, host, "/vehicles/"+v.Id, admin)
		if rec.Code != http.StatusOK {
			t.Fatalf("vehicle page = %d", rec.Code)
		}
		return testid(doc(t, rec.Body.String()), "bookings").Find("strong").First().Text()
	}
	if got := period(); got != "14/01/2031 13:00 → 14/01/2031 17:00" {
		t.Errorf("Paris: period %q", got)
	}

	settings := url.Values{"name": {"Entreprise ACME"}, "sector": {"btp"}, "timezone": {"America/New_York"}, "locale": {"fr"},
		"work_days": {"1", "2", "3", "4", "5"}}
	if rec := tenanttest.PostForm(t, reg, host, "/settings", settings, admin); rec.Code != http.StatusSeeOther {
		t.Fatalf("settings = %d %s", rec.Code, rec.Body)
	}
	if got := period(); got != "14/01/2031 07:00 → 14/01/2031 11:00" {
		t.Errorf("New York: period %q", got)
	}
	// a form is read in the new zone too: 08:00 in New York overlaps
	assign.Set("from", "2031-01-14T08:00")
	rec := tenanttest.PostForm(t, reg, host, "/vehicles/"+v.Id+"/assignments", assign, admin)
	if msg := testid(doc(t, rec.Body.String()), "form-error").Text(); rec.Code != http.StatusConflict || !strings.Contains(msg, "du 14/01/2031 07:00 au 14/01/2031 11:00") {
		t.Errorf("conflict = %d %q", rec.Code, msg)
	}
}

// TestTenantContextBuiltOncePerRequest: the middleware builds one
// context per request, whatever the number of handlers and helpers that
// read it, pages, Datastar calls and PocketBase API calls alike.
func TestTenantContextBuiltOncePerRequest(t *testing.T) {
	t.Parallel()
	reg, h := handlers.NewRegistryWithHandlers(t)
	tt := tenanttest.Provision(t, reg, "acme", domain.SectorBTP)
	admin := tt.Login(tt.Admin, tenanttest.Password)
	token := tt.Token(domain.CollectionUsers, tt.Admin)
	v, err := domain.CreateVehicle(tt.App(), nil, domain.VehicleInput{Plate: "GA-101-NT", Label: "Kangoo"})
	if err != nil {
		t.Fatal(err)
	}
	scenarios := []struct {
		name string
		req  *http.Request
	}{
		{"daily plan", cookieRequest(http.MethodGet, tt.Host(), "/today", admin)},
		{"vehicle page", cookieRequest(http.MethodGet, tt.Host(), "/vehicles/"+v.Id, admin)},
		{"dispatch board", cookieRequest(http.MethodGet, tt.Host(), "/dispatch", admin)},
		{"REST API", tokenRequest(tt.Host(), "/api/collections/sites/records", token)},
		{"anonymous login page", cookieRequest(http.MethodGet, tt.Host(), "/login", nil)},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			before := h.TenantContextsBuilt()
			rec := tenanttest.Serve(reg, s.req)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			if n := h.TenantContextsBuilt() - before; n != 1 {
				t.Errorf("%d tenant contexts built, want 1", n)
			}
		})
	}
}

func cookieRequest(method, host, path string, c *http.Cookie) *http.Request {
	req := tenanttest.NewRequest(method, host, path, nil)
	if c != nil {
		req.AddCookie(c)
	}
	return req
}

func tokenRequest(host, path, token string) *http.Request {
	req := tenanttest.NewRequest(http.MethodGet, host, path, nil)
	req.Header.Set("Authorization", token)
	return req
}
