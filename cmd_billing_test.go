package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestCLIBilling: `fieldops billing` refuses bad input with its message,
// invoices a closed month once (a second run issues nothing), exports,
// and keeps the payment status by hand.
func TestCLIBilling(t *testing.T) {
	t.Parallel()
	d := "--dir=" + t.TempDir()
	month := time.Now().UTC().AddDate(0, -1, 0)
	m := month.Format("2006-01")
	refusals := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"billing", "run", "--month", "2026-13"}, 1, "Mois invalide"},
		{[]string{"billing", "run"}, 2, "month"},
		{[]string{"billing", "run", "--month", m}, 1, "mentions légales"},
		{[]string{"billing", "settings", "--siren", "12"}, 1, "SIREN invalide"},
		{[]string{"billing", "list", "--format", "pdf"}, 2, "table, csv or xlsx"},
		{[]string{"billing", "list", "--format", "xlsx"}, 2, "--out"},
		{[]string{"billing", "price", "nobody", "abc"}, 1, "Prix invalide"},
	}
	for _, c := range refusals {
		if r := run(t, nil, append(c.args, d)...); r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d %q, want %d %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
	steps := [][]string{
		{"billing", "settings", "--seller-name", "FieldOps360 SAS", "--siren", "912345678", "--address", "1 quai", "--city", "Lyon"},
		{"tenant", "create", "dupont", "--name", "Dupont", "--sector", "btp", "--admin-email", "chef@dupont.fr", "--plan", "starter"},
		{"tenant", "plan", "dupont", "--starts", month.Format("2006-01") + "-01"},
	}
	for _, s := range steps {
		if r := run(t, nil, append(s, d)...); r.code != 0 {
			t.Fatalf("%v: %d %s", s, r.code, r.stderr)
		}
	}
	var res struct {
		Issued []struct {
			Number    string  `json:"number"`
			AmountEUR float64 `json:"amount_eur"`
		} `json:"issued"`
		Skipped map[string]string `json:"skipped"`
	}
	r := run(t, nil, "billing", "run", "--month", m, "--json", d)
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != 0 || len(res.Issued) != 1 || res.Issued[0].Number != "FO360-000001" || res.Issued[0].AmountEUR != 178.8 {
		t.Fatalf("run: %d %s %s %v", r.code, r.stdout, r.stderr, err)
	}
	r = run(t, nil, "billing", "run", "--month", m, "--json", d)
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || len(res.Issued) != 0 || res.Skipped["dupont"] != "already_invoiced" {
		t.Errorf("second run: %s %v", r.stdout, err)
	}
	if r := run(t, nil, "billing", "void", "FO360-000001", "--reason", "x", d); r.code != 1 || !strings.Contains(r.stderr, "motif") {
		t.Errorf("void with a short reason: %d %s", r.code, r.stderr)
	}
	if r := run(t, nil, "billing", "paid", "FO360-000001", "--date", time.Now().UTC().Format(time.DateOnly), d); r.code != 0 {
		t.Errorf("paid: %d %s", r.code, r.stderr)
	}
	if r := run(t, nil, "billing", "list", "--format", "csv", "--status", "paid", d); r.code != 0 || !strings.Contains(r.stdout, "FO360-000001,dupont,Dupont,"+m) {
		t.Errorf("csv: %d %s", r.code, r.stdout)
	}
}
