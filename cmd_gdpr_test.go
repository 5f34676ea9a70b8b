package main

import (
	"archive/zip"
	"path/filepath"
	"strings"
	"testing"
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
