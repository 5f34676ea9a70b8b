package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/tenants"
)

// TestCLIAuditVerifyAfterDeletingLastRows is the contract of issue 14:
// `fieldops audit verify SLUG` exits non-zero after the last audit rows
// are deleted from the tenant's file.
func TestCLIAuditVerifyAfterDeletingLastRows(t *testing.T) {
	dir := t.TempDir()
	d := "--dir=" + dir
	if r := run(t, nil, "tenant", "create", "martin", "--name", "Martin BTP", "--sector", "btp",
		"--admin-email", "chef@martin.fr", "--admin-password", "un-mot-de-passe", d); r.code != 0 {
		t.Fatalf("create: %d %s", r.code, r.stderr)
	}
	r := run(t, nil, "audit", "verify", "martin", d)
	if r.code != 0 || !strings.Contains(r.stdout, "intacte") || !strings.Contains(r.stdout, "valid signature") {
		t.Fatalf("verify intact: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = run(t, nil, "audit", "anchor", "martin", d, "--json")
	var anchor struct {
		Seq       int64  `json:"seq"`
		Signature string `json:"signature"`
		Kind      string `json:"kind"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &anchor) != nil || anchor.Seq == 0 || anchor.Signature == "" || anchor.Kind != "manual" {
		t.Fatalf("anchor --json: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, nil, "audit", "anchor", d); r.code != 2 {
		t.Errorf("anchor without a slug: exit %d, want 2", r.code)
	}

	// an attacker with access to the file deletes the last two events
	db, err := tenants.DBConnect(filepath.Join(dir, "tenants", "martin", "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewQuery("DELETE FROM audit_events WHERE seq > (SELECT MAX(seq) - 2 FROM audit_events)").Execute(); err != nil {
		t.Fatal(err)
	}
	db.Close()

	r = run(t, nil, "audit", "verify", "martin", d)
	if r.code != 1 || !strings.Contains(r.stdout, "2 événement(s) supprimé(s)") || !strings.Contains(r.stdout, "2 event(s) deleted") ||
		!strings.Contains(r.stderr, "audit chain broken") {
		t.Errorf("verify after deleting the last rows: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, nil, "audit", "verify", "martin", d, "--json")
	var rep struct {
		OK     bool `json:"ok"`
		Anchor struct {
			Seq     int64 `json:"seq"`
			Matched bool  `json:"matched"`
		} `json:"anchor"`
	}
	if r.code != 1 || json.Unmarshal([]byte(r.stdout), &rep) != nil || rep.OK || rep.Anchor.Matched || rep.Anchor.Seq != anchor.Seq {
		t.Errorf("verify --json after deleting the last rows: exit %d %s", r.code, r.stdout)
	}
	if r := run(t, nil, "audit", "anchor", "martin", d); r.code != 1 || !strings.Contains(r.stderr, "anchoring refused") {
		t.Errorf("anchor of a truncated chain: exit %d %s", r.code, r.stderr)
	}
	// an operator re-anchors deliberately, with a reason
	if r := run(t, nil, "audit", "anchor", "martin", "--reset", d); r.code != 2 {
		t.Errorf("--reset without --reason: exit %d, want 2", r.code)
	}
	if r := run(t, nil, "audit", "anchor", "martin", "--reset", "--reason", "copie remise à la main", d); r.code != 0 {
		t.Errorf("--reset: exit %d %s", r.code, r.stderr)
	}
	if r := run(t, nil, "audit", "verify", "martin", d); r.code != 0 || !strings.Contains(r.stdout, "(reset)") {
		t.Errorf("verify after reset: exit %d %s", r.code, r.stdout)
	}
}
