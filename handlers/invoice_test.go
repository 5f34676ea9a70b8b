package handlers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestInvoicingHTTP (issue #18) walks the contract of outside checks on
// one tenant: legal data, contract lines and progress typed in the pages,
// a situation issued in an unbroken sequence, its Factur-X PDF (an
// embedded factur-x.xml) and XML (CrossIndustryInvoice, EN 16931), issued
// invoices immutable through the REST API, the JSON API for office roles
// only, payments, exports and tenant isolation.
func TestInvoicingHTTP(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	reg, host := tt.Registry, tt.Host()
	tt.User(domain.RoleManager, "boss@acme.test")
	tt.User(domain.RoleSiteLead, "lead@acme.test")
	tt.User(domain.RoleCrew, "crew@acme.test")
	boss := tt.Login("boss@acme.test", tenanttest.Password)
	client := tt.Record("clients", map[string]any{"name": "Ville de Lyon", "kind": "public", "address": "1 place de la Comédie"})
	site := tt.Record("sites", map[string]any{"code": "CH-FX", "name": "Gymnase", "sector": "btp", "client": client.Id})
	base := "/sites/" + site.Id + "/contract"
	post := func(path string, v url.Values, want int) string {
		t.Helper()
		rec := tenanttest.PostForm(t, reg, host, path, v, boss)
		if rec.Code != want {
			t.Fatalf("POST %s = %d, want %d: %.300s", path, rec.Code, want, rec.Body)
		}
		return rec.Header().Get("Location")
	}
	get := func(path, token string, want int) *bytes.Buffer {
		t.Helper()
		rec := tenanttest.Do(t, reg, "GET", host, path, token, nil)
		if rec.Code != want {
			t.Fatalf("GET %s = %d, want %d: %.300s", path, rec.Code, want, rec.Body)
		}
		return rec.Body
	}

	post("/invoices/settings/legal", url.Values{"iban": {"FR7630006000011234567890180"}}, http.StatusBadRequest)
	post("/invoices/settings/legal", url.Values{"siret": {"12345678900012"}, "vat_number": {"fr32 123456789"}, "address": {"12 rue des Lilas"},
		"postcode": {"69003"}, "city": {"Lyon"}, "iban": {"FR76 3000 6000 0112 3456 7890 189"}, "bic": {"AGRIFRPP"}, "rcs": {"RCS Lyon 123 456 789"},
		"legal_form": {"SAS"}, "share_capital": {"10 000"}, "payment_terms_days": {"30"}}, http.StatusSeeOther)
	post("/sites/"+site.Id+"/contract/client", url.Values{"client_postcode": {"69001"}, "client_city": {"Lyon"}, "client_address": {"1 place de la Comédie"}}, http.StatusSeeOther)
	post(base+"/lines", url.Values{"designation": {"Dallage"}, "unit": {"m2"}, "quantity": {"200"}, "unit_price": {"45,50"}, "vat_rate": {"20"}}, http.StatusSeeOther)
	post(base+"/lines", url.Values{"designation": {"Isolation"}, "unit": {"m2"}, "quantity": {"80"}, "unit_price": {"30"}, "vat_rate": {"5.5"}}, http.StatusSeeOther)
	post(base+"/lines", url.Values{"designation": {""}, "quantity": {"1"}, "unit_price": {"1"}, "vat_rate": {"20"}}, http.StatusBadRequest)
	lines, err := domain.FindContractLines(tt.App(), site.Id)
	if err != nil || len(lines) != 2 {
		t.Fatalf("lines %d %v", len(lines), err)
	}
	situation := func(month string, pct [2]string) string {
		for i, l := range lines {
			post(base+"/lines/"+l.Id+"/progress", url.Values{"progress": {pct[i]}}, http.StatusSeeOther)
		}
		loc := post(base+"/situation", url.Values{"month": {month}, "retention_pct": {"5"}}, http.StatusSeeOther)
		id := strings.TrimPrefix(loc, "/invoices/")
		if rec := tenanttest.Get(t, reg, host, "/invoices/"+id, boss); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "invoice-issue") {
			t.Fatalf("draft page %s: %d", id, rec.Code)
		}
		return id
	}
	first := situation("2026-01", [2]string{"50", "25"})
	// a draft's PDF is generated on demand with the draft mark
	rec := tenanttest.Get(t, reg, host, "/invoices/"+first+".pdf", boss)
	if rec.Code != http.StatusOK || !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF")) {
		t.Fatalf("draft PDF = %d %.100s", rec.Code, rec.Body)
	}
	if rec := tenanttest.Get(t, reg, host, "/invoices/"+first+".xml", boss); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "PROVISOIRE") {
		t.Fatalf("draft XML = %d %.200s", rec.Code, rec.Body)
	}
	post("/invoices/"+first+"/issue", nil, http.StatusSeeOther)
	second := situation("2026-02", [2]string{"100", "100"})
	post("/invoices/"+second+"/issue", nil, http.StatusSeeOther)
	var numbers []string
	for _, id := range []string{first, second} {
		inv, err := domain.FindInvoice(tt.App(), id)
		if err != nil || inv.Status() != domain.InvoiceIssued {
			t.Fatalf("invoice %s: %v %s", id, err, inv.Status())
		}
		numbers = append(numbers, inv.Number())
	}
	if !regexp.MustCompile(`^FA-\d{4}-000001$`).MatchString(numbers[0]) || !strings.HasSuffix(numbers[1], "-000002") {
		t.Errorf("numbers %v, want an unbroken sequence from 1", numbers)
	}
	// 200 × 45.50 × 50 % = 4550; 80 × 30 × 25 % = 600; VAT 910 + 33 = 943
	inv, _ := domain.FindInvoice(tt.App(), first)
	if inv.TotalExclCents() != 515000 || inv.VATCents() != 94300 || inv.TotalInclCents() != 609300 || inv.RetentionCents() != 30465 {
		t.Errorf("first situation totals %d %d %d %d", inv.TotalExclCents(), inv.VATCents(), inv.TotalInclCents(), inv.RetentionCents())
	}

	// the Factur-X PDF and its XML
	rec = tenanttest.Get(t, reg, host, "/invoices/"+first+".pdf", boss)
	pdf := rec.Body.Bytes()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" || !bytes.Contains(pdf, []byte("factur-x.xml")) || !bytes.Contains(pdf, []byte("/AFRelationship")) {
		t.Fatalf("issued PDF = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if domain.SHA256Hex(pdf) != inv.PDFSHA256() {
		t.Error("the PDF served is not the one stored at issue")
	}
	rec = tenanttest.Get(t, reg, host, "/invoices/"+first+".xml", boss)
	xml := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(xml, "<rsm:CrossIndustryInvoice") || !strings.Contains(xml, "<ram:ID>urn:cen.eu:en16931:2017</ram:ID>") || !strings.Contains(xml, numbers[0]) {
		t.Fatalf("XML = %d %.300s", rec.Code, xml)
	}
	if tool, err := exec.LookPath("pdfdetach"); err == nil {
		dir := t.TempDir()
		p := filepath.Join(dir, "f.pdf")
		if err := os.WriteFile(p, pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(tool, "-list", p).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "factur-x.xml") {
			t.Errorf("pdfdetach -list: %v %s", err, out)
		}
		if out, err := exec.Command(tool, "-save", "1", "-o", filepath.Join(dir, "x.xml"), p).CombinedOutput(); err != nil {
			t.Fatalf("pdfdetach -save: %v %s", err, out)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "x.xml")); string(got) != xml {
			t.Error("the embedded factur-x.xml differs from GET .xml")
		}
	}

	// issued invoices are immutable through the REST API (users token)
	token := tt.Token("users", "boss@acme.test")
	for _, c := range []struct{ method, path, body string }{
		{"PATCH", "/api/collections/invoices/records/" + first, `{"notes":"x","total_incl_cents":1}`},
		{"DELETE", "/api/collections/invoices/records/" + first, ``},
		{"POST", "/api/collections/invoices/records", `{"kind":"progress","status":"issued","number":"FA-2026-000099"}`},
		{"POST", "/api/collections/invoice_lines/records", `{"invoice":"` + first + `","kind":"other","designation":"x","net_cents":100}`},
	} {
		rec := tenanttest.Do(t, reg, c.method, host, c.path, token, strings.NewReader(c.body))
		if rec.Code != http.StatusForbidden && rec.Code != http.StatusBadRequest {
			t.Errorf("%s %s = %d, want 400/403: %.200s", c.method, c.path, rec.Code, rec.Body)
		}
	}
	if after, _ := domain.FindInvoice(tt.App(), first); after.TotalInclCents() != 609300 || after.Notes() != "" {
		t.Error("the REST API changed an issued invoice")
	}

	// payments
	post("/invoices/"+first+"/payments", url.Values{"amount": {"999999"}, "paid_on": {"2026-02-15"}}, http.StatusBadRequest)
	post("/invoices/"+first+"/payments", url.Values{"amount": {"5788,35"}, "paid_on": {"2026-02-15"}, "method": {"transfer"}}, http.StatusSeeOther)
	if inv, _ = domain.FindInvoice(tt.App(), first); inv.Status() != domain.InvoicePaid {
		t.Errorf("after paying the net 5 788,35 €: %s", inv.Status())
	}

	// the JSON API: office roles only
	var out struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(get("/api/fieldops/invoices?status=issued", token, http.StatusOK).Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != 1 || out.Items[0]["number"] != numbers[1] {
		t.Fatalf("issued invoices: %v", out.Items)
	}
	for _, k := range []string{"id", "number", "total_incl_tax", "total_excl_tax", "vat", "status", "kind", "issue_date", "due_date", "site", "client", "amount_paid", "amount_due"} {
		if _, ok := out.Items[0][k]; !ok {
			t.Errorf("item lacks %q", k)
		}
	}
	get("/api/fieldops/invoices", tt.Token("users", "crew@acme.test"), http.StatusForbidden)
	get("/api/fieldops/invoices", tt.Token("users", "lead@acme.test"), http.StatusForbidden)
	get("/api/fieldops/invoices", "", http.StatusUnauthorized)
	if rec := tenanttest.Get(t, reg, host, "/invoices", tt.Login("lead@acme.test", tenanttest.Password)); rec.Code != http.StatusForbidden {
		t.Errorf("site lead opens /invoices: %d", rec.Code)
	}

	// billing rates, sale prices, a time-and-materials invoice refused
	// when the period holds nothing to bill
	post("/invoices/settings/rates", url.Values{"rate_crew": {"45,50"}, "rate_site_lead": {"abc"}}, http.StatusBadRequest)
	post("/invoices/settings/rates", url.Values{"rate_crew": {"45,50"}}, http.StatusSeeOther)
	post("/invoices/time-materials", url.Values{"site": {site.Id}, "from": {"2026-01-01"}, "to": {"2026-01-31"}}, http.StatusBadRequest)
	if co, _ := domain.FindCompany(tt.App()); co.Rates()[domain.RoleCrew] != 45.5 {
		t.Errorf("rates %v", co.Rates())
	}

	// exports
	for _, p := range []string{"/invoices.xlsx?status=issued", "/receivables.xlsx", "/invoices", "/sites/" + site.Id + "/contract", "/invoices/settings"} {
		if rec := tenanttest.Get(t, reg, host, p, boss); rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d", p, rec.Code)
		}
	}

	// another tenant sees none of it
	beta := tenanttest.Provision(t, reg, "beta", domain.SectorBTP)
	beta.User(domain.RoleManager, "boss@beta.test")
	bc := beta.Login("boss@beta.test", tenanttest.Password)
	if rec := tenanttest.Get(t, reg, beta.Host(), "/invoices/"+first, bc); rec.Code != http.StatusNotFound {
		t.Errorf("acme's invoice on beta: %d", rec.Code)
	}
	rec = tenanttest.Do(t, reg, "GET", beta.Host(), "/api/fieldops/invoices", beta.Token("users", "boss@beta.test"), nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"items":[]`) {
		t.Errorf("beta's API: %d %s", rec.Code, rec.Body)
	}
}
