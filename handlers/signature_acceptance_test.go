package handlers_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// pvInk is the PNG bytes of a drawn signature.
func pvInk(t *testing.T, shift int) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(pvSignature(t, shift), "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSignatureEvidenceOfAcceptance: /signatures/{id} shows the evidence
// of the signatures of an acceptance report (company and client) and of a
// client's acceptance of a lifting, as it does for a job's: signer, role,
// consent, the signed document's SHA-256 against the current one, the
// image and the JSON export. Who cannot see the report's site (a crew
// member of another site) and another tenant get a 404.
func TestSignatureEvidenceOfAcceptance(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)
	tt := handlertest.New(t)
	app := tt.App()
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	outsider := tt.User(domain.RoleCrew, "outsider@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-SIG", "name": "Groupe scolaire", "sector": "btp", "status": "active",
		"project_manager": pm.Id, "team": []string{crew.Id}})
	tt.Record("sites", map[string]any{"code": "CH-OUT", "name": "Ailleurs", "sector": "btp", "status": "active", "team": []string{outsider.Id}})
	a, err := domain.PrepareAcceptance(app, pm.Record, site.Id, "", domain.AcceptanceForm{Lots: []string{"Peinture"}, Date: now, Place: "Sur site"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := domain.AddAcceptanceReservation(app, pm.Record, site.Id, a.Id, domain.PunchInput{Description: "Reprise peinture hall", Lot: "Peinture"}, now)
	if err != nil {
		t.Fatal(err)
	}
	company := domain.SignatureInput{SignerName: "Paul Martin", Consent: true, PNG: pvInk(t, 1)}
	client := domain.SignatureInput{SignerName: "Mme Client", Consent: true, PNG: pvInk(t, 3)}
	if a, err = domain.SignAcceptance(app, pm.Record, site.Id, a.Id, &company, &client, nil, now); err != nil {
		t.Fatal(err)
	}
	if _, err := domain.AddPhoto(app, crew.Record, domain.PhotoInput{Subject: r.TaskID(), File: mustFile(t, pvJPEG(t)), TakenAt: now}); err != nil {
		t.Fatal(err)
	}
	task, _ := app.FindRecordById(domain.CollectionTasks, r.TaskID())
	task.Set("status", domain.TaskDone)
	domain.SetActor(task, crew.Id)
	if err := app.Save(task); err != nil {
		t.Fatal(err)
	}
	if r, err = domain.AcceptLifting(app, domain.ClientActor("contact"), site.Id, r.Id, domain.SignatureInput{SignerName: "Mme Client", Consent: true, PNG: pvInk(t, 5)}, now); err != nil {
		t.Fatal(err)
	}

	pmC := tt.Login("pm@acme.test", tenanttest.Password)
	for _, c := range []struct {
		id, kind, subject, label, signer string
	}{
		{a.CompanySignatureID(), "acceptance", a.Id, "Procès-verbal de réception", "Paul Martin"},
		{a.ClientSignatureID(), "acceptance", a.Id, "Procès-verbal de réception", "Mme Client"},
		{r.AcceptSignatureID(), "reservation", r.Id, "Levée de réserve", "Mme Client"},
	} {
		sig, err := domain.FindSignature(app, c.id)
		if err != nil {
			t.Fatalf("%s signature: %v", c.kind, err)
		}
		page := tenanttest.Get(t, tt.Registry, tt.Host(), "/signatures/"+c.id, pmC)
		body := page.Body.String()
		if page.Code != http.StatusOK {
			t.Fatalf("evidence of the %s signature %s: %d", c.kind, c.id, page.Code)
		}
		for _, want := range []string{c.label, c.signer, sig.DocumentSHA256(), `data-testid="evidence-integrity"`, "Le document actuel correspond", "/signatures/" + c.id + "/image"} {
			if !strings.Contains(body, want) {
				t.Errorf("evidence page of the %s signature lacks %q", c.kind, want)
			}
		}
		js := tenanttest.Get(t, tt.Registry, tt.Host(), "/signatures/"+c.id+"/evidence.json", pmC)
		var ev map[string]any
		if err := json.Unmarshal(js.Body.Bytes(), &ev); err != nil || js.Code != http.StatusOK {
			t.Fatalf("evidence.json: %d %v", js.Code, err)
		}
		if ev[c.kind] != c.subject || ev["document_sha256"] != ev["current_document_sha256"] || ev["signer_name"] != c.signer || ev["image_sha256"] != ev["current_image_sha256"] {
			t.Errorf("evidence.json of the %s signature: %v", c.kind, ev)
		}
		if img := tenanttest.Get(t, tt.Registry, tt.Host(), "/signatures/"+c.id+"/image", pmC); img.Code != http.StatusOK || sha256Hex(img.Body.Bytes()) != sig.ImageSHA256() {
			t.Errorf("image of the %s signature: %d", c.kind, img.Code)
		}
	}
	if a.DocumentSHA256() == "" {
		t.Fatal("the signed report has no document hash")
	}

	// a crew member of the site sees it; one of another site does not
	crewC := tt.Login("crew@acme.test", tenanttest.Password)
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/signatures/"+a.ClientSignatureID(), crewC); rec.Code != http.StatusOK {
		t.Errorf("a crew member of the site: %d, want 200", rec.Code)
	}
	outC := tt.Login("outsider@acme.test", tenanttest.Password)
	for _, path := range []string{"/signatures/" + a.ClientSignatureID(), "/signatures/" + a.ClientSignatureID() + "/image",
		"/signatures/" + r.AcceptSignatureID() + "/evidence.json"} {
		if rec := tenanttest.Get(t, tt.Registry, tt.Host(), path, outC); rec.Code != http.StatusNotFound {
			t.Errorf("%s by a crew member of another site: %d, want 404", path, rec.Code)
		}
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/signatures/"+a.ClientSignatureID()); rec.Code == http.StatusOK {
		t.Errorf("anonymous: %d", rec.Code)
	}
	// another tenant's manager: not found
	other := tenanttest.Provision(t, tt.Registry, "globex", domain.SectorBTP)
	other.User(domain.RoleManager, "boss@globex.test")
	otherC := other.Login("boss@globex.test", tenanttest.Password)
	if rec := tenanttest.Get(t, tt.Registry, other.Host(), "/signatures/"+a.CompanySignatureID(), otherC); rec.Code != http.StatusNotFound {
		t.Errorf("another tenant: %d, want 404", rec.Code)
	}
}
