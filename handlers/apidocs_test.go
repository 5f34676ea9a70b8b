package handlers_test

import (
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestAPIDocsPage(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	for _, host := range []string{tt.Host(), "localhost"} {
		rec := tenanttest.Get(t, tt.Registry, host, "/api/docs")
		d := doc(t, rec.Body.String())
		if rec.Code != 200 || testid(d, "api-docs").Length() != 1 {
			t.Fatalf("%s /api/docs = %d", host, rec.Code)
		}
		for _, op := range []string{"sync", "siteSchedule", "gpsIngestGet", "gpsIngestPost", "healthz", "documentFile"} {
			if testid(d, "op-"+op).Length() != 1 {
				t.Errorf("%s: operation %s missing from the page", host, op)
			}
		}
		spec := tenanttest.Get(t, tt.Registry, host, "/api/docs/openapi.yaml")
		if spec.Code != 200 || !strings.HasPrefix(spec.Body.String(), "openapi: 3.1") {
			t.Errorf("%s spec = %d", host, spec.Code)
		}
	}
}
