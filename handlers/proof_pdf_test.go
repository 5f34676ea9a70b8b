package handlers_test

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestProofBundlePDF renders a job's proof and reads it back with
// pdftotext (poppler): the job text and hash, the signature evidence and
// the audit hashes are in it.
func TestProofBundlePDF(t *testing.T) {
	t.Parallel()
	pdftotext := tenanttest.Tool(t, "pdftotext")
	tt := handlertest.New(t)
	crewU := tt.User(domain.RoleCrew, "crew@acme.test")
	site, _ := domain.CreateSite(tt.App(), nil, domain.SiteInput{Code: "PRV", Name: "Résidence Les Érables", Sector: "elec", Team: []string{crewU.Id}})
	task := tt.Record("tasks", map[string]any{"site": site.Id, "title": "Raccordement TGBT", "status": "done", "assignees": []string{crewU.Id}})
	tt.Record("time_entries", map[string]any{"user": crewU.Id, "site": site.Id, "task": task.Id, "clock_in": time.Now().Add(-3 * time.Hour).UTC(),
		"clock_out": time.Now().UTC(), "in_lat": 47.21, "in_lng": -1.55, "in_accuracy": 8, "status": "submitted"})
	c := tt.Login("crew@acme.test", tenanttest.Password)
	sign := url.Values{"signer_name": {"Mme Lefèvre"}, "signer_role": {"client"}, "consent": {"true"}, "signature": {pngDataURL(t, true)}}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/m/tasks/"+task.Id+"/sign", sign, c); rec.Code != 303 {
		t.Fatalf("sign = %d", rec.Code)
	}
	rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/tasks/"+task.Id+"/proof.pdf", c)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(rec.Body.String(), "%PDF") {
		t.Fatalf("proof = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	path := filepath.Join(t.TempDir(), "proof.pdf")
	if err := os.WriteFile(path, rec.Body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("FIELDOPS_SCREENSHOTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "proof.pdf"), rec.Body.Bytes(), 0o644)
	}
	out, err := exec.Command(pdftotext, "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	txt := string(out)
	_, hash, _ := domain.TaskDocument(tt.App(), task.Id)
	for _, want := range []string{"Preuve d'intervention", "Raccordement TGBT", "Résidence Les Érables", "Mme Lefèvre", hash, "conforme", "Pointages", "Traçabilité"} {
		if !strings.Contains(txt, want) {
			t.Errorf("proof PDF lacks %q", want)
		}
	}
	beta := tenanttest.Provision(t, tt.Registry, "beta", domain.SectorBTP)
	if rec := tenanttest.Get(t, tt.Registry, beta.Host(), "/tasks/"+task.Id+"/proof.pdf", beta.Login(beta.Admin, tenanttest.Password)); rec.Code == 200 {
		t.Error("proof of A served on B")
	}
}
