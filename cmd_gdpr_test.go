package main

import (
	"archive/zip"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
)

// TestCLIGDPRExportEraseVerify is the contract of issue 19: after a
// person's erasure `fieldops audit verify SLUG` still passes; the export
// and the erasure refuse an unknown person, a person of another tenant
// and a missing confirmation.
func TestCLIGDPRExportEraseVerify(t *testing.T) {
	dir := t.TempDir()
	d := "--dir=" + dir
	for _, slug := range []string{"martin", "dupont"} {
		if r := run(t, nil, "tenant", "create", slug, "--name", "Client "+slug, "--sector", "btp",
			"--admin-email", "chef@"+slug+".fr", "--admin-password", "un-mot-de-passe", d); r.code != 0 {
			t.Fatalf("create %s: %d %s", slug, r.code, r.stderr)
		}
	}
	out := filepath.Join(dir, "chef.zip")
	if r := run(t, nil, "gdpr", "export", "martin", "--person", "chef@martin.fr", "--out", out, d); r.code != 0 {
		t.Fatalf("export: %d %s %s", r.code, r.stdout, r.stderr)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	zr.Close()
	if !names["person.json"] || !names["manifest.json"] || !names["audit_events.json"] {
		t.Errorf("export files = %v", names)
	}
	if r := run(t, nil, "gdpr", "export", "dupont", "--person", "chef@martin.fr", "--out", out+"2", d); r.code == 0 || !strings.Contains(r.stderr, "unknown person") {
		t.Errorf("export of another tenant's person: %d %s", r.code, r.stderr)
	}
	if r := run(t, nil, "gdpr", "erase", "martin", "--person", "chef@martin.fr", d); r.code != 2 || !strings.Contains(r.stderr, "--confirm") {
		t.Errorf("erase without --confirm: %d %s", r.code, r.stderr)
	}
	if r := run(t, nil, "gdpr", "erase", "martin", "--person", "nobody@martin.fr", "--confirm", d); r.code == 0 || !strings.Contains(r.stderr, "unknown person") {
		t.Errorf("erase an unknown person: %d %s", r.code, r.stderr)
	}
	if r := run(t, nil, "gdpr", "erase", "martin", "--person", "chef@martin.fr", "--confirm", d); r.code != 0 || !strings.Contains(r.stdout, "Personne effacée #") {
		t.Fatalf("erase: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r := run(t, nil, "audit", "verify", "martin", d)
	if r.code != 0 || !strings.Contains(r.stdout, "intacte") {
		t.Errorf("verify after the erasure: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, nil, "gdpr", "export", "martin", "--person", "chef@martin.fr", "--out", out, d); r.code == 0 {
		t.Errorf("the erased e-mail still finds the person: %s", r.stdout)
	}
}

// TestCLIGDPRClientContact: `fieldops gdpr export|erase --person` finds a
// client contact of the portal by e-mail; after its erasure the chain
// still verifies (`fieldops audit verify`) and its link is refused.
func TestCLIGDPRClientContact(t *testing.T) {
	dir := t.TempDir()
	d := "--dir=" + dir
	if r := run(t, nil, "tenant", "create", "martin", "--name", "Martin BTP", "--sector", "btp",
		"--admin-email", "chef@martin.fr", "--admin-password", "un-mot-de-passe", d); r.code != 0 {
		t.Fatalf("create: %d %s", r.code, r.stderr)
	}
	// the office invites a contact, who opens its link
	reg, err := openRegistry(&globals{Dir: dir, Domain: "localhost", HTTP: ":8080"}, "", time.Minute, slog.LevelWarn)
	if err != nil {
		t.Fatal(err)
	}
	tn, release, err := reg.Acquire(context.Background(), "martin")
	if err != nil {
		t.Fatal(err)
	}
	app, now := tn.App, time.Now()
	admin, err := app.FindAuthRecordByEmail(domain.CollectionUsers, "chef@martin.fr")
	if err != nil {
		t.Fatal(err)
	}
	client, err := domain.CreateClient(app, admin, domain.ClientInput{Name: "SCI Les Tilleuls", Kind: "private"})
	if err != nil {
		t.Fatal(err)
	}
	site, err := domain.CreateSite(app, admin, domain.SiteInput{Code: "CH-1", Name: "Résidence", Sector: "btp", Client: client.Id})
	if err != nil {
		t.Fatal(err)
	}
	link, err := domain.InviteClientContact(app, domain.ClientInvite{ClientID: client.Id, Name: "Claire Dubreuil", Email: "claire@tilleuls.test",
		SiteIDs: []string{site.Id}}, admin, "http://martin.localhost", now)
	if err != nil {
		t.Fatal(err)
	}
	token := link.URL[strings.LastIndex(link.URL, "/")+1:]
	release()
	reg.Close()

	out := filepath.Join(dir, "claire.zip")
	if r := run(t, nil, "gdpr", "export", "martin", "--person", "claire@tilleuls.test", "--out", out, d); r.code != 0 {
		t.Fatalf("export: %d %s %s", r.code, r.stdout, r.stderr)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	zr.Close()
	if !names["person.json"] || !names["client_access.json"] || !names["audit_events.json"] {
		t.Errorf("export files = %v", names)
	}
	if r := run(t, nil, "gdpr", "erase", "martin", "--person", "claire@tilleuls.test", "--confirm", d); r.code != 0 || !strings.Contains(r.stdout, "Personne effacée #") {
		t.Fatalf("erase: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, nil, "audit", "verify", "martin", d); r.code != 0 || !strings.Contains(r.stdout, "intacte") {
		t.Errorf("verify after the erasure: %d %s %s", r.code, r.stdout, r.stderr)
	}
	reg, err = openRegistry(&globals{Dir: dir, Domain: "localhost", HTTP: ":8080"}, "", time.Minute, slog.LevelWarn)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	tn, release, err = reg.Acquire(context.Background(), "martin")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if _, err := domain.ExchangeClientToken(tn.App, token, time.Now()); err == nil {
		t.Error("the erased contact's link still works")
	}
}
