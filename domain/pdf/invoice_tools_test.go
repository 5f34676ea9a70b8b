package pdf_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain/facturx"
	"github.com/fieldops360/fieldops/domain/pdf"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestInvoiceFacturXReaders reads the Factur-X PDF of an issued invoice
// with three independent readers from Debian, installed by `make
// test-deps`: poppler's pdfdetach lists and extracts factur-x.xml (the
// same bytes as facturx.XML); qpdf --check finds no structural error and
// its JSON shows the catalog's /AF, /OutputIntents (sRGB ICC) and
// /Metadata, the Filespec's /AFRelationship and the trailer /ID; exiftool
// reads the XMP: PDF/A-3B identification and the Factur-X properties.
// veraPDF, the PDF/A validator, is not installable here (no registry
// reachable here ships it).
func TestInvoiceFacturXReaders(t *testing.T) {
	t.Parallel()
	pdfdetach, qpdf, exiftool := tenanttest.Tool(t, "pdfdetach"), tenanttest.Tool(t, "qpdf"), tenanttest.Tool(t, "exiftool")
	inv := facturx.Sample(30, false)
	b, err := pdf.Invoice(locale(t, "fr"), inv, pdf.InvoiceOptions{RetentionPercent: 5})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := facturx.XML(inv)
	dir := t.TempDir()
	path := filepath.Join(dir, "f.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) string {
		t.Helper()
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", filepath.Base(name), args, err, out)
		}
		return string(out)
	}

	if out := run(pdfdetach, "-list", path); !strings.Contains(out, "1 embedded files") || !strings.Contains(out, "1: factur-x.xml") {
		t.Errorf("pdfdetach -list:\n%s", out)
	}
	run(pdfdetach, "-save", "1", "-o", filepath.Join(dir, "x.xml"), path)
	if got, _ := os.ReadFile(filepath.Join(dir, "x.xml")); !bytes.Equal(got, want) {
		t.Error("the extracted factur-x.xml is not the invoice's XML")
	}

	if out := run(qpdf, "--check", path); !strings.Contains(out, "No syntax or stream encoding errors found") || !strings.Contains(out, "PDF Version: 1.7") {
		t.Errorf("qpdf --check:\n%s", out)
	}
	var doc struct {
		Attachments map[string]struct {
			Names   map[string]string `json:"names"`
			Streams map[string]struct {
				MimeType string `json:"mimetype"`
			} `json:"streams"`
		} `json:"attachments"`
		QPDF []json.RawMessage `json:"qpdf"` // a header, then the objects
	}
	if err := json.Unmarshal([]byte(run(qpdf, "--json", "--json-key=attachments", "--json-key=qpdf", path)), &doc); err != nil {
		t.Fatal(err)
	}
	att, ok := doc.Attachments["factur-x.xml"]
	if !ok || att.Names["/F"] != "u:factur-x.xml" && att.Names["/F"] != "factur-x.xml" || att.Streams["/F"].MimeType != "text/xml" {
		t.Errorf("qpdf attachments: %+v", doc.Attachments)
	}
	var objs map[string]struct {
		Value  map[string]any `json:"value"`
		Stream struct {
			Dict map[string]any `json:"dict"`
		} `json:"stream"`
	}
	if len(doc.QPDF) != 2 || json.Unmarshal(doc.QPDF[1], &objs) != nil {
		t.Fatalf("qpdf --json: %d parts", len(doc.QPDF))
	}
	get := func(ref any) map[string]any {
		o := objs["obj:"+ref.(string)]
		if o.Value != nil {
			return o.Value
		}
		return o.Stream.Dict
	}
	trailer := objs["trailer"].Value
	catalog := get(trailer["/Root"])
	if ids, _ := trailer["/ID"].([]any); len(ids) != 2 {
		t.Errorf("trailer /ID: %v", trailer["/ID"])
	}
	af, _ := catalog["/AF"].([]any)
	if len(af) != 1 || get(af[0])["/AFRelationship"] != "/Alternative" || catalog["/Metadata"] == nil {
		t.Errorf("catalog: %v", catalog)
	}
	intents, _ := catalog["/OutputIntents"].([]any)
	if len(intents) != 1 || get(intents[0])["/S"] != "/GTS_PDFA1" || get(get(intents[0])["/DestOutputProfile"])["/N"] != float64(3) {
		t.Errorf("output intents: %v", intents)
	}

	var meta []map[string]any
	if err := json.Unmarshal([]byte(run(exiftool, "-j", "-XMP:all", "-PDF:Title", path)), &meta); err != nil || len(meta) != 1 {
		t.Fatalf("exiftool: %v", err)
	}
	for k, v := range map[string]any{"Part": float64(3), "Conformance": "B", "DocumentType": "INVOICE", "DocumentFileName": "factur-x.xml",
		"ConformanceLevel": "EN 16931", "Title": "Facture FA-2026-0042", "Creator": "Bâtir & Fils SARL"} {
		if meta[0][k] != v {
			t.Errorf("exiftool %s = %v, want %v", k, meta[0][k], v)
		}
	}
	// NB: -j reads "1.0" as the number 1; the plain value keeps the text
	if v := strings.TrimSpace(run(exiftool, "-s3", "-XMP-fx:Version", path)); v != "1.0" {
		t.Errorf("exiftool fx:Version = %q", v)
	}
}
