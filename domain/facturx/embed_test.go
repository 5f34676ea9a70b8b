package facturx_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain/facturx"
)

// tinyPDF writes a one-page PDF the way gofpdf does: "%PDF-1.3" header,
// objects, one classic xref table, a trailer with Size, Root and Info,
// and a catalog with an empty EmbeddedFiles tree.
func tinyPDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.3\n")
	objs := []string{
		"<</Type /Pages\n/Kids [2 0 R]\n/Count 1\n>>",
		"<</Type /Page\n/Parent 1 0 R\n/MediaBox [0 0 595 842]\n/Contents 3 0 R>>",
		"<</Length 0>>\nstream\n\nendstream",
		"<<\n/Producer (FPDF 1.7)\n/Title (x)\n>>",
		"<<\n/Type /Catalog\n/Pages 1 0 R\n/Names <<\n/EmbeddedFiles << /Names [\n  \n] >>\n>>\n>>",
	}
	offs := []int{}
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	at := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<<\n/Size %d\n/Root 5 0 R\n/Info 4 0 R\n>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, at)
	return b.Bytes()
}

// xrefs returns the in-use entries of every xref table of pdf, table by
// table, as object number → offset.
func xrefs(t *testing.T, pdf []byte) []map[int]int {
	var out []map[int]int
	re := regexp.MustCompile(`(?m)^xref\n((?:\d+ \d+\n(?:\d{10} \d{5} [nf] \n)+)+)trailer`)
	for _, m := range re.FindAllSubmatch(pdf, -1) {
		table := map[int]int{}
		lines := strings.Split(strings.TrimSpace(string(m[1])), "\n")
		for i := 0; i < len(lines); {
			var first, count int
			fmt.Sscanf(lines[i], "%d %d", &first, &count)
			for j := range count {
				e := lines[i+1+j]
				if e[17] == 'n' {
					off, _ := strconv.Atoi(e[:10])
					table[first+j] = off
				}
			}
			i += 1 + count
		}
		out = append(out, table)
	}
	return out
}

// TestEmbed checks the structure Embed writes with nothing but the bytes:
// every xref entry of both tables points at its object, the trailer chain,
// the embedded file, the catalog entries and the XMP packet; and the same
// inputs at the same second give the same bytes.
func TestEmbed(t *testing.T) {
	defer facturx.SetNow(time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC))()
	inv := facturx.Sample(3, false)
	xml, err := facturx.XML(inv)
	if err != nil {
		t.Fatal(err)
	}
	out, err := facturx.Embed(tinyPDF(), xml, inv)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := facturx.Embed(tinyPDF(), xml, inv)
	if !bytes.Equal(out, again) {
		t.Fatal("Embed is not deterministic")
	}
	if !bytes.HasPrefix(out, []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")) || !bytes.HasSuffix(out, []byte("%%EOF\n")) {
		t.Fatalf("header or end: %q … %q", out[:16], out[len(out)-8:])
	}
	tables := xrefs(t, out)
	if len(tables) != 2 {
		t.Fatalf("%d xref tables, want the original and the update", len(tables))
	}
	for i, table := range tables {
		for n, off := range table {
			if !bytes.HasPrefix(out[off:], []byte(fmt.Sprintf("%d 0 obj\n", n))) {
				t.Errorf("table %d: object %d at %d reads %q", i, n, off, out[off:off+12])
			}
		}
	}
	if len(tables[0]) != 5 || len(tables[1]) != 7 || tables[1][5] == tables[0][5] || tables[1][4] == tables[0][4] {
		t.Errorf("update rewrites the catalog (5) and Info (4) and adds 5 objects: %v / %v", tables[0], tables[1])
	}
	first := bytes.Index(out, []byte("startxref\n"))
	firstAt, _ := strconv.Atoi(strings.Fields(string(out[first+10:]))[0])
	if !bytes.Contains(out, []byte(fmt.Sprintf("/Prev %d >>", firstAt))) || !bytes.HasPrefix(out[firstAt:], []byte("xref\n")) {
		t.Errorf("the update's /Prev is not the first table (%d)", firstAt)
	}
	for _, want := range []string{
		"/Type /EmbeddedFile /Subtype /text#2Fxml", fmt.Sprintf("/Params << /Size %d /ModDate (D:20261201093000+00'00')", len(xml)),
		"/Type /Filespec /F (factur-x.xml) /UF (factur-x.xml)", "/AFRelationship /Alternative",
		"/Type /Catalog /Pages 1 0 R", "/AF [7 0 R]", "/Names << /EmbeddedFiles << /Names [(factur-x.xml) 7 0 R] >> >>",
		"/Metadata 8 0 R", "/OutputIntents [9 0 R]", "/S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1)",
		"/Title (Facture FA-2026-0042) /Author <FEFF0042", "/ID [<",
		"<pdfaid:part>3</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>", "<fx:DocumentType>INVOICE</fx:DocumentType>",
		"<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>", "<fx:Version>1.0</fx:Version>",
		"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>", "<pdfaSchema:prefix>fx</pdfaSchema:prefix>",
		"<xmp:CreateDate>2026-12-01T09:30:00+00:00</xmp:CreateDate>", "<dc:creator><rdf:Seq><rdf:li>Bâtir &amp; Fils SARL</rdf:li>",
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("missing %q", want)
		}
	}
	// the embedded stream inflates to the XML
	i := bytes.Index(out, []byte("/Subtype /text#2Fxml"))
	s := bytes.Index(out[i:], []byte("stream\n")) + i + 7
	zr, err := zlib.NewReader(bytes.NewReader(out[s:]))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if !bytes.Equal(got, xml) {
		t.Error("the embedded file is not the XML")
	}
}

// TestEmbedRefuses checks that PDFs Embed cannot update safely are
// refused rather than damaged.
func TestEmbedRefuses(t *testing.T) {
	inv := facturx.Sample(1, false)
	xml, _ := facturx.XML(inv)
	ok := tinyPDF()
	for name, pdf := range map[string][]byte{
		"empty":          nil,
		"not a PDF":      []byte("hello"),
		"no startxref":   bytes.Replace(ok, []byte("startxref"), []byte("startxrefX"), 1),
		"bad offset":     regexp.MustCompile(`startxref\n\d+`).ReplaceAll(ok, []byte("startxref\n12")),
		"encrypted":      bytes.Replace(ok, []byte("/Size 6"), []byte("/Size 6 /Encrypt 9 0 R"), 1),
		"updated before": bytes.Replace(ok, []byte("/Size 6"), []byte("/Size 6 /Prev 9"), 1),
		"no catalog":     bytes.Replace(ok, []byte("/Root 5 0 R"), []byte("/Root 9 0 R"), 1),
	} {
		if out, err := facturx.Embed(pdf, xml, inv); err == nil || out != nil {
			t.Errorf("%s: accepted (%v)", name, err)
		}
	}
}

// BenchmarkXMLEmbed200Lines is the e-invoice part of a 200-line invoice:
// totals, XML and its embedding in a (tiny) PDF.
func BenchmarkXMLEmbed200Lines(b *testing.B) {
	inv := facturx.Sample(200, false)
	pdf := tinyPDF()
	for b.Loop() {
		xml, err := facturx.XML(inv)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := facturx.Embed(pdf, xml, inv); err != nil {
			b.Fatal(err)
		}
	}
}
