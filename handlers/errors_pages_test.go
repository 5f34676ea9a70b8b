package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestErrorAnswersAcrossMedia: one refusal gets one status and one
// message whether it is answered by a page, a Datastar toast or JSON.
func TestErrorAnswersAcrossMedia(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	reg, host := tt.Registry, tt.Host()
	admin := tt.Login(tt.Admin, tenanttest.Password)
	v, err := domain.CreateVehicle(tt.App(), nil, domain.VehicleInput{Plate: "GA-101-NT", Label: "Kangoo", OdometerKm: 42000})
	if err != nil {
		t.Fatal(err)
	}
	m, err := domain.ScheduleMaintenance(tt.App(), nil, domain.MaintenanceInput{AssetKind: domain.AssetVehicle, Asset: v.Id, Label: "Vidange", DueKm: 45000})
	if err != nil {
		t.Fatal(err)
	}
	done := "/vehicles/" + v.Id + "/maintenance/" + m.Id + "/done"
	if rec := tenanttest.PostForm(t, reg, host, done, nil, admin); rec.Code != http.StatusSeeOther {
		t.Fatalf("done = %d", rec.Code)
	}
	// done twice: a conflict, on the status page with its message
	rec := tenanttest.PostForm(t, reg, host, done, nil, admin)
	page := testid(doc(t, rec.Body.String()), "status-page")
	if rec.Code != http.StatusConflict || page.AttrOr("data-status", "") != "409" || !strings.Contains(page.Text(), "Cet entretien est déjà fait") {
		t.Errorf("page: %d %q", rec.Code, page.Text())
	}
	// the same from Datastar: an error toast with the same message
	req := cookieRequest(http.MethodPost, host, done, admin)
	req.Header.Set("Datastar-Request", "true")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec = tenanttest.Serve(reg, req)
	if !strings.Contains(rec.Body.String(), "toast-error") || !strings.Contains(rec.Body.String(), "Cet entretien est déjà fait") {
		t.Errorf("toast: %d %s", rec.Code, rec.Body)
	}
	// a JSON API: the coded status and the message in the user's language
	req = tokenRequest(host, "/api/fieldops/sites/nosuchsite00000/schedule", tt.Token(domain.CollectionUsers, tt.Admin))
	rec = tenanttest.Serve(reg, req)
	var p struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != http.StatusNotFound || p.Status != http.StatusNotFound || p.Message != "Chantier introuvable" {
		t.Errorf("JSON: %d %s", rec.Code, rec.Body)
	}
}
