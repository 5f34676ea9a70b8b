package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// platformPages are the portal's billing, FinOps, monitoring and shards
// routes.
var platformPages = []struct{ method, path string }{
	{"GET", "/portal/billing"}, {"GET", "/portal/billing/export.csv"}, {"GET", "/portal/billing/export.xlsx"},
	{"GET", "/portal/billing/FO360-000001/pdf"}, {"POST", "/portal/billing/run"}, {"POST", "/portal/billing/settings"},
	{"POST", "/portal/billing/FO360-000001/paid"}, {"POST", "/portal/billing/FO360-000001/void"},
	{"GET", "/portal/finops"}, {"POST", "/portal/finops/prices"}, {"GET", "/portal/monitor"}, {"GET", "/portal/monitor/stream"},
	// shards and tenant moves (issue #21)
	{"GET", "/portal/shards"}, {"POST", "/portal/shards/s1/drain"}, {"POST", "/portal/shards/s1/activate"},
	{"POST", "/portal/tenants/acme/move"}, {"GET", "/portal/tenants/acme/move/stream"},
}

// TestPortalBilling: only a platform superuser reaches billing, FinOps
// and monitoring (a tenant admin's cookie or token gets the login page);
// bad input is refused with its message; a run lists one invoice per
// tenant with its PDF, exports and payment by hand; FinOps flags the
// trial tenant; the monitoring page and its stream carry figures.
func TestPortalBilling(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	tt := handlertest.New(t, tenanttest.WithClock(func() time.Time { return now }))
	reg := tt.Registry
	other := tenanttest.Provision(t, reg, "other", domain.SectorTP)
	start, trial := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), true
	if _, err := reg.SetLicence(tt.Slug, tenants.LicenceInput{Plan: tenants.PlanStarter, Starts: &start}, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.SetLicence(other.Slug, tenants.LicenceInput{Plan: tenants.PlanPro, Starts: &start, Trial: &trial}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := reg.PutUsageDays(other.Slug, []tenants.UsageDay{{Day: "2026-12-01", Requests: 50, CPUms: 3_600_000, DBBytes: 9e9}}); err != nil {
		t.Fatal(err)
	}
	tenantCookie := tt.Login(tt.Admin, tenanttest.Password)
	token := tt.Token("users", tt.Admin)
	for _, p := range platformPages {
		rec := tenanttest.Do(t, reg, p.method, platformHost, p.path, token, nil)
		req := tenanttest.NewRequest(p.method, platformHost, p.path, nil)
		req.AddCookie(tenantCookie)
		rec2 := tenanttest.Serve(reg, req)
		for _, r := range []int{rec.Code, rec2.Code} {
			if r != http.StatusSeeOther && r != http.StatusUnauthorized && r != http.StatusForbidden {
				t.Errorf("%s %s with a tenant admin's credentials = %d", p.method, p.path, r)
			}
		}
		if strings.Contains(rec.Body.String()+rec2.Body.String(), "FO360-") {
			t.Errorf("%s %s leaked invoice data", p.method, p.path)
		}
	}
	pc := portalLogin(t, reg)
	post := func(path string, v url.Values) (int, string) {
		rec := tenanttest.PostForm(t, reg, platformHost, path, v, pc)
		return rec.Code, rec.Body.String()
	}
	if code, body := post("/portal/billing/run", url.Values{"month": {"2026-11"}}); code != 400 || !strings.Contains(body, "mentions légales de l&#39;exploitant") {
		t.Errorf("run without seller = %d", code)
	}
	seller := url.Values{"seller_name": {"FieldOps360 SAS"}, "siren": {"12"}, "address": {"1 quai"}, "city": {"Lyon"}, "country": {"FR"}, "vat_rate": {"20"}, "payment_days": {"30"}}
	if code, body := post("/portal/billing/settings", seller); code != 400 || !strings.Contains(body, "SIREN invalide") {
		t.Errorf("bad SIREN = %d", code)
	}
	seller.Set("siren", "912345678")
	if code, _ := post("/portal/billing/settings", seller); code != http.StatusSeeOther {
		t.Fatalf("settings = %d", code)
	}
	for month, msg := range map[string]string{"2026-12": "n&#39;est pas clos", "12/2026": "Mois invalide"} {
		if code, body := post("/portal/billing/run", url.Values{"month": {month}}); code != 400 || !strings.Contains(body, msg) {
			t.Errorf("run %s = %d, want 400 %q", month, code, msg)
		}
	}
	code, body := post("/portal/billing/run", url.Values{"month": {"2026-11"}})
	d := doc(t, body)
	if code != 200 || testid(d, "invoice-FO360-000001").Length() != 1 || testid(d, "invoice-FO360-000002").Length() != 1 ||
		!strings.Contains(testid(d, "billing-notice").Text(), "2 facture(s)") || testid(d, "amount-FO360-000001").Text() != "178,80\u00a0€" {
		t.Fatalf("run = %d: %s / %s", code, testid(d, "billing-notice").Text(), testid(d, "amount-FO360-000001").Text())
	}
	rec := tenanttest.Get(t, reg, platformHost, "/portal/billing/FO360-000001/pdf", pc)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/pdf" || !strings.Contains(rec.Body.String(), "factur-x.xml") {
		t.Errorf("pdf = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := tenanttest.Get(t, reg, platformHost, "/portal/billing/FO360-000009/pdf", pc); rec.Code != 404 {
		t.Errorf("unknown pdf = %d", rec.Code)
	}
	if rec := tenanttest.Get(t, reg, platformHost, "/portal/billing/export.csv?tenant=acme", pc); rec.Code != 200 || strings.Count(rec.Body.String(), "\n") != 2 {
		t.Errorf("csv = %d %q", rec.Code, rec.Body.String())
	}
	if rec := tenanttest.Get(t, reg, platformHost, "/portal/billing/export.xlsx", pc); rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "PK") {
		t.Errorf("xlsx = %d", rec.Code)
	}
	if code, body := post("/portal/billing/FO360-000001/paid", url.Values{"paid_at": {"demain"}}); code != 400 || !strings.Contains(body, "Date de paiement invalide") {
		t.Errorf("bad paid date = %d", code)
	}
	if code, body := post("/portal/billing/FO360-000002/void", url.Values{"reason": {""}}); code != 400 || !strings.Contains(body, "motif") {
		t.Errorf("void without reason = %d", code)
	}
	if code, _ := post("/portal/billing/FO360-000001/paid", url.Values{"paid_at": {"2026-12-05"}}); code != http.StatusSeeOther {
		t.Errorf("paid = %d", code)
	}
	if code, _ := post("/portal/billing/FO360-000001/paid", url.Values{"paid_at": {"2026-12-05"}}); code != http.StatusConflict {
		t.Errorf("paid twice = %d", code)
	}
	rec = tenanttest.Get(t, reg, platformHost, "/portal/billing?status=paid", pc)
	if d := doc(t, rec.Body.String()); testid(d, "invoice-FO360-000001").Length() != 1 || testid(d, "invoice-FO360-000002").Length() != 0 {
		t.Errorf("status filter")
	}

	// FinOps: the trial tenant costs without paying
	rec = tenanttest.Get(t, reg, platformHost, "/portal/finops?month=2026-12", pc)
	d = doc(t, rec.Body.String())
	if rec.Code != 200 || !strings.Contains(testid(d, "finops-alert").Text(), "other") || !strings.HasPrefix(testid(d, "margin-other").Text(), "-") {
		t.Errorf("finops = %d alert %q margin %q", rec.Code, testid(d, "finops-alert").Text(), testid(d, "margin-other").Text())
	}
	if rec := tenanttest.Get(t, reg, platformHost, "/portal/finops?month=déc", pc); rec.Code != 400 {
		t.Errorf("finops bad month = %d", rec.Code)
	}
	if code, body := post("/portal/finops/prices", url.Values{"cpu_hour_eur": {"abc"}, "memory_month_eur": {"-3"}}); code != 400 || !strings.Contains(body, "Nombre invalide") {
		t.Errorf("bad prices = %d", code)
	}
	prices := url.Values{"cpu_hour_eur": {"0,08"}, "memory_month_eur": {"30"}, "storage_gb_month_eur": {"0.1"}, "replica_gb_month_eur": {"0.02"}}
	if code, _ := post("/portal/finops/prices", prices); code != http.StatusSeeOther {
		t.Errorf("prices = %d", code)
	}
	if s, _ := reg.BillingSettings(); s.CPUHourEUR != 0.08 || s.SellerName != "FieldOps360 SAS" {
		t.Errorf("settings after prices: %+v", s)
	}

	// monitoring: counts, per-tenant requests and latency, live stream
	for range 7 {
		tenanttest.Get(t, reg, tt.Host(), "/login")
	}
	if _, err := reg.SetStatus(other.Slug, tenants.StatusSuspended, "test"); err != nil {
		t.Fatal(err)
	}
	rec = tenanttest.Get(t, reg, platformHost, "/portal/monitor", pc)
	d = doc(t, rec.Body.String())
	if rec.Code != 200 || testid(d, "requests-acme").Text() == "0" || testid(d, "p50-acme").Text() == "—" ||
		!strings.Contains(testid(d, "count-suspended").Text(), "1") || testid(d, "monitor-disk").Text() == "" {
		t.Errorf("monitor = %d: requests %q p50 %q suspended %q", rec.Code, testid(d, "requests-acme").Text(), testid(d, "p50-acme").Text(), testid(d, "count-suspended").Text())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req := tenanttest.NewRequest("GET", platformHost, "/portal/monitor/stream", nil).WithContext(ctx)
	req.AddCookie(pc)
	if rec := tenanttest.Serve(reg, req); !strings.Contains(rec.Body.String(), "monitor-body") || !strings.Contains(rec.Header().Get("Content-Type"), "text/event-stream") {
		t.Errorf("stream: %q", rec.Body.String())
	}
}
