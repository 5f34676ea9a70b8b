package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestAPIDocsPage: /api/docs renders the whole description on a tenant
// host and on the platform host: an index of every tag, FieldOps360's
// own operations, PocketBase's sign-in, files and realtime, and a section
// per collection with its record operations, fields and access table;
// /api/docs/openapi.yaml serves the YAML.
func TestAPIDocsPage(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	for _, host := range []string{tt.Host(), "localhost"} {
		rec := tenanttest.Get(t, tt.Registry, host, "/api/docs")
		d := doc(t, rec.Body.String())
		if rec.Code != 200 || testid(d, "api-docs").Length() != 1 {
			t.Fatalf("%s /api/docs = %d", host, rec.Code)
		}
		for _, op := range []string{"sync", "siteSchedule", "gpsIngestGet", "gpsIngestPost", "healthz", "documentFile",
			"authWithPassword", "authRefresh", "realtimeConnect", "realtimeSubscribe", "fileToken",
			"list_sites", "view_sites", "create_sites", "update_sites", "delete_sites", "list_invoices", "update_users"} {
			if testid(d, "op-"+op).Length() != 1 {
				t.Errorf("%s: operation %s missing from the page", host, op)
			}
		}
		// closed rules give no operation: invoices are created by the pages only
		for _, op := range []string{"create_invoices", "update_invoices", "create_photos", "update_audit_events"} {
			if testid(d, "op-"+op).Length() != 0 {
				t.Errorf("%s: operation %s documented but its rule is locked", host, op)
			}
		}
		index := testid(d, "api-index")
		for _, tag := range []string{"Terrain", "Authentification", "sites", "time_entries", "invoices"} {
			if index.Find(`a[href="#tag-`+tag+`"]`).Length() != 1 || testid(d, "tag-"+tag).Length() != 1 {
				t.Errorf("%s: tag %s missing from the index or the page", host, tag)
			}
		}
		if n := d.Find(".api-op").Length(); n < 200 {
			t.Errorf("%s: %d operations on the page, want every record operation", host, n)
		}
		// sites: crews read only the sites of their team, create none
		crew := testid(d, "access-sites").Find("tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return strings.TrimSpace(s.Find("th").Text()) == "crew"
		})
		cells := crew.Find("td")
		if cells.Length() != 5 || !cells.Eq(0).HasClass("access-conditional") || !cells.Eq(2).HasClass("access-none") {
			t.Errorf("%s: crew row of sites = %q", host, crew.Text())
		}
		fields := testid(d, "fields-sites").Text()
		for _, f := range []string{"code", "budget", "id → users", "obligatoire", "Confidentiel"} {
			if !strings.Contains(fields, f) {
				t.Errorf("%s: fields of sites lack %q", host, f)
			}
		}
		spec := tenanttest.Get(t, tt.Registry, host, "/api/docs/openapi.yaml")
		if spec.Code != 200 || !strings.Contains(spec.Body.String(), "\nopenapi: 3.1") ||
			!strings.HasPrefix(spec.Header().Get("Content-Type"), "application/yaml") {
			t.Errorf("%s spec = %d %s", host, spec.Code, spec.Header().Get("Content-Type"))
		}
	}
}

// TestAPIDocsPageEnglish: the page's labels follow the reader's
// language, as the rest of the product.
func TestAPIDocsPageEnglish(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	req := tenanttest.NewRequest(http.MethodGet, tt.Host(), "/api/docs", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	rec := tenanttest.Serve(tt.Registry, req)
	d := doc(t, rec.Body.String())
	if rec.Code != 200 || !strings.Contains(testid(d, "api-index").Text(), "Contents") ||
		!strings.Contains(testid(d, "tag-sites").Text(), "Access by role") {
		t.Errorf("English /api/docs = %d, index %q", rec.Code, testid(d, "api-index").Find("h2").Text())
	}
}
