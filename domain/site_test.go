package domain_test

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestCreateSiteCodeUniqueAndTemplate(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	start := time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC) // Thursday before 1 May
	site, err := domain.CreateSite(app, nil, domain.SiteInput{Code: "ch-001", Name: "Maison Durand", Sector: "btp", Start: start, Template: "MAISON"})
	if err != nil {
		t.Fatal(err)
	}
	phases, _ := domain.FindPhases(app, site.Id)
	if len(phases) != 7 {
		t.Fatalf("phases from template = %d, want 7", len(phases))
	}
	// phase 1 "Installation de chantier", 2 working days from Thu 30 April:
	// 30 April, then 1 May is a holiday → ends Monday 4 May
	if got := phases[0].GetDateTime("end").Time().Format("2006-01-02"); got != "2026-05-04" {
		t.Errorf("first phase ends %s, want 2026-05-04 (1 May is a holiday, then the weekend)", got)
	}
	for i := 1; i < len(phases); i++ {
		if !phases[i].GetDateTime("start").Time().After(phases[i-1].GetDateTime("end").Time()) {
			t.Errorf("phase %d does not follow phase %d", i+1, i)
		}
	}
	ms, _ := domain.FindMilestones(app, site.Id)
	if len(ms) != 4 {
		t.Errorf("milestones = %d, want 4", len(ms))
	}
	fresh, _ := app.FindRecordById("sites", site.Id)
	if fresh.GetDateTime("end").IsZero() {
		t.Error("site end not set from the template")
	}

	_, err = domain.CreateSite(app, nil, domain.SiteInput{Code: "CH-001", Name: "Autre", Sector: "btp"})
	if e, ok := err.(*domain.Error); !ok || e.Field != "code" {
		t.Fatalf("duplicate code err = %v, want field code", err)
	}
	other, err := domain.CreateSite(app, nil, domain.SiteInput{Code: "CH-002", Name: "Autre", Sector: "btp"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := domain.UpdateSite(app, nil, other.Id, domain.SiteInput{Code: "CH-001", Name: "Autre", Sector: "btp"}); err == nil {
		t.Error("update to a taken code accepted")
	}
	if _, err := domain.UpdateSite(app, nil, other.Id, domain.SiteInput{Code: "CH-002", Name: "Autre nom", Sector: "btp"}); err != nil {
		t.Errorf("update keeping its own code refused: %v", err)
	}
	if _, err := domain.CreateSite(app, nil, domain.SiteInput{Code: "CH-003", Name: "X", Sector: "btp", Template: "NOPE"}); err == nil {
		t.Error("unknown template accepted")
	}
	if n, _ := app.CountRecords("sites"); n != 2 {
		t.Errorf("sites = %d after a failed template create, want 2 (rolled back)", n)
	}
}

func TestMovePhaseAndProgress(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	site, _ := domain.CreateSite(app, nil, domain.SiteInput{Code: "A", Name: "A", Sector: "btp"})
	for _, n := range []string{"Un", "Deux", "Trois"} {
		if _, err := domain.AddPhase(app, nil, site.Id, domain.PhaseInput{Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	ps, _ := domain.FindPhases(app, site.Id)
	if err := domain.MovePhase(app, nil, ps[2].Id, -1); err != nil {
		t.Fatal(err)
	}
	ps, _ = domain.FindPhases(app, site.Id)
	got := ps[0].GetString("name") + "," + ps[1].GetString("name") + "," + ps[2].GetString("name")
	if got != "Un,Trois,Deux" {
		t.Errorf("order = %s", got)
	}
	if err := domain.MovePhase(app, nil, ps[0].Id, -1); err != nil {
		t.Errorf("moving the first phase up: %v", err)
	}
	domain.UpdatePhase(app, nil, ps[0].Id, domain.PhaseInput{Name: "Un", Progress: 100})
	domain.UpdatePhase(app, nil, ps[1].Id, domain.PhaseInput{Name: "Trois", Progress: 50})
	ps, _ = domain.FindPhases(app, site.Id)
	if p := domain.SiteProgress(ps); p != 50 {
		t.Errorf("site progress = %v, want 50", p)
	}
}

func TestDocumentVersioning(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	site, _ := domain.CreateSite(app, nil, domain.SiteInput{Code: "DOC", Name: "Docs", Sector: "tp"})
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	f1, _ := filesystem.NewFileFromBytes([]byte("%PDF-1.4 récépissé v1"), "dict.pdf")
	v1, err := domain.UploadDocument(app, nil, site.Id, domain.DocumentInput{Kind: "dict", Title: "Récépissé DICT"}, f1, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := v1.GetDateTime("valid_until").Time().Format("2006-01-02"); got != "2027-02-28" {
		t.Errorf("DICT validity = %s, want 3 months (2027-02-28)", got)
	}
	f2, _ := filesystem.NewFileFromBytes([]byte("%PDF-1.4 récépissé v2"), "dict2.pdf")
	v2, err := domain.UploadDocument(app, nil, site.Id, domain.DocumentInput{Kind: "dict", Title: "Récépissé DICT", Replaces: v1.Id}, f2, now)
	if err != nil {
		t.Fatal(err)
	}
	if v2.GetInt("version") != 2 || v2.GetString("family") != v1.GetString("family") || !v2.GetBool("current") {
		t.Errorf("v2: version %d family same=%v current=%v", v2.GetInt("version"), v2.GetString("family") == v1.GetString("family"), v2.GetBool("current"))
	}
	old, _ := app.FindRecordById("documents", v1.Id)
	if old.GetBool("current") || old.GetString("file") == "" {
		t.Error("v1 must stay, with its file, no longer current")
	}
	if v2.GetString("mime") != "application/pdf" || len(v2.GetString("sha256")) != 64 {
		t.Errorf("facts: mime %q sha %q", v2.GetString("mime"), v2.GetString("sha256"))
	}
	empty, _ := filesystem.NewFileFromBytes([]byte{}, "vide.pdf")
	if _, err := domain.UploadDocument(app, nil, site.Id, domain.DocumentInput{Kind: "plan"}, empty, now); err == nil {
		t.Error("empty file accepted")
	}
	if _, err := domain.UploadDocument(app, nil, site.Id, domain.DocumentInput{Kind: "selfie"}, f1, now); err == nil {
		t.Error("unknown kind accepted")
	}
}
