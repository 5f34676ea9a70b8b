package facturx

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	_ "embed" // the sRGB profile
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"
	"unicode/utf16"
)

// FileName is the name of the XML embedded in a Factur-X PDF.
const FileName = "factur-x.xml"

// srgb is the sRGB IEC61966-2.1 ICC profile (v2, 6 922 bytes) of Debian's
// icc-profiles-free 2.0.1 (/usr/share/color/icc/sRGB.icc), by Kai-Uwe
// Behrmann, Marti Maria and others, under the zlib licence; see
// srgb.icc.LICENSE.
//
//go:embed srgb.icc
var srgb []byte

// srgbFlate is srgb compressed once.
var srgbFlate = sync.OnceValue(func() []byte { return deflate(srgb) })

// now is the clock of the documents' dates (replaced by tests).
var now = time.Now

// Embed makes pdf, a PDF written by maroto (gofpdf: one classic xref
// table, no encryption), a Factur-X PDF/A-3b carrying xml, inv's Cross
// Industry Invoice. The file gets a PDF 1.7 header with a binary comment
// (its objects move by a fixed offset and its xref table is rewritten),
// then one incremental update: the XML as an EmbeddedFile (Subtype
// text/xml, Params with Size, ModDate and CheckSum) named factur-x.xml
// in a Filespec (/F and /UF, AFRelationship /Alternative), a new Catalog
// (same Pages, /AF, /Names /EmbeddedFiles, /Metadata, /OutputIntents with
// the embedded sRGB profile), an Info dictionary matching the XMP
// metadata (PDF/A-3 part and conformance B, Dublin Core title and creator,
// xmp dates, the Factur-X extension schema: INVOICE, factur-x.xml, 1.0,
// EN 16931) and a trailer with /Prev and the document ID (an MD5 of the
// invoice number and the XML). The output depends only on its inputs and
// the current second.
func Embed(pdf, xml []byte, inv Invoice) ([]byte, error) {
	src, err := parsePDF(pdf)
	if err != nil {
		return nil, err
	}
	header := "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
	delta := int64(len(header) - src.headerLen)
	var out bytes.Buffer
	out.Grow(len(pdf) + len(xml) + 12000)
	out.WriteString(header)
	out.Write(pdf[src.headerLen:src.xrefAt])
	prev := src.xrefAt + delta
	out.WriteString("xref\n")
	for _, sub := range src.subsections {
		fmt.Fprintf(&out, "%d %d\n", sub.first, len(sub.entries))
		for _, e := range sub.entries {
			if e.inUse {
				fmt.Fprintf(&out, "%010d %05d n \n", e.offset+delta, e.gen)
			} else {
				fmt.Fprintf(&out, "%010d %05d f \n", e.offset, e.gen)
			}
		}
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R", src.size, src.root)
	if src.info > 0 {
		fmt.Fprintf(&out, " /Info %d 0 R", src.info)
	}
	fmt.Fprintf(&out, " >>\nstartxref\n%d\n%%%%EOF\n", prev)

	when := now().UTC().Truncate(time.Second)
	pdfDate := when.Format("D:20060102150405") + "+00'00'"
	sum := md5.Sum(xml)
	id := md5.Sum(append([]byte(inv.Number+"\x00"), xml...))
	title := "Facture " + inv.Number
	if inv.TypeCode == TypeCreditNote {
		title = "Avoir " + inv.Number
	}
	info := src.info
	next := src.size
	obj := func() int { next++; return next - 1 }
	fileObj, specObj, metaObj, intentObj, iccObj := obj(), obj(), obj(), obj(), obj()
	if info == 0 {
		info = obj()
	}
	offsets := map[int]int64{}
	begin := func(n int) { offsets[n] = int64(out.Len()); fmt.Fprintf(&out, "%d 0 obj\n", n) }

	packed := deflate(xml)
	begin(fileObj)
	fmt.Fprintf(&out, "<< /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode /Length %d\n/Params << /Size %d /ModDate %s /CheckSum <%s> >> >>\nstream\n",
		len(packed), len(xml), pdfString(pdfDate), hex.EncodeToString(sum[:]))
	out.Write(packed)
	out.WriteString("\nendstream\nendobj\n")

	begin(specObj)
	fmt.Fprintf(&out, "<< /Type /Filespec /F (%s) /UF (%s) /Desc (Factur-X invoice) /AFRelationship /Alternative /EF << /F %d 0 R /UF %d 0 R >> >>\nendobj\n",
		FileName, FileName, fileObj, fileObj)

	meta := xmp(title, inv.Seller.Name, when)
	begin(metaObj)
	fmt.Fprintf(&out, "<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n", len(meta))
	out.Write(meta)
	out.WriteString("\nendstream\nendobj\n")

	begin(intentObj)
	fmt.Fprintf(&out, "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /RegistryName (http://www.color.org) /Info (sRGB IEC61966-2.1) /DestOutputProfile %d 0 R >>\nendobj\n", iccObj)

	icc := srgbFlate()
	begin(iccObj)
	fmt.Fprintf(&out, "<< /N 3 /Filter /FlateDecode /Length %d >>\nstream\n", len(icc))
	out.Write(icc)
	out.WriteString("\nendstream\nendobj\n")

	begin(info)
	fmt.Fprintf(&out, "<< /Title %s /Author %s /Creator (FieldOps360) /Producer (FieldOps360) /CreationDate %s /ModDate %s >>\nendobj\n",
		pdfString(title), pdfString(inv.Seller.Name), pdfString(pdfDate), pdfString(pdfDate))

	begin(src.root)
	fmt.Fprintf(&out, "<< /Type /Catalog /Pages %s /Lang (fr-FR) /Metadata %d 0 R /OutputIntents [%d 0 R] /AF [%d 0 R]\n/Names << /EmbeddedFiles << /Names [(%s) %d 0 R] >> >> /PageMode /UseAttachments >>\nendobj\n",
		src.pages, metaObj, intentObj, specObj, FileName, specObj)

	xrefAt := out.Len()
	out.WriteString("xref\n")
	nums := []int{src.root, info}
	for n := src.size; n < next; n++ {
		if n != info {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	for _, n := range nums {
		fmt.Fprintf(&out, "%d 1\n%010d 00000 n \n", n, offsets[n])
	}
	idHex := hex.EncodeToString(id[:])
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] /Prev %d >>\nstartxref\n%d\n%%%%EOF\n",
		next, src.root, info, idHex, idHex, prev, xrefAt)
	return out.Bytes(), nil
}

// source is what Embed reads of the PDF it updates.
type source struct {
	headerLen   int   // bytes of the "%PDF-1.x" line
	xrefAt      int64 // offset of the xref table
	subsections []subsection
	size, root  int
	info        int // 0: none
	pages       string
}

type subsection struct {
	first   int
	entries []xrefEntry
}

type xrefEntry struct {
	offset int64
	gen    int
	inUse  bool
}

var (
	reStartXref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	reSub       = regexp.MustCompile(`^(\d+) (\d+)\s*$`)
	reEntry     = regexp.MustCompile(`^(\d{10}) (\d{5}) ([nf])`)
	reSize      = regexp.MustCompile(`/Size\s+(\d+)`)
	reRoot      = regexp.MustCompile(`/Root\s+(\d+)\s+0\s+R`)
	reInfo      = regexp.MustCompile(`/Info\s+(\d+)\s+0\s+R`)
	rePages     = regexp.MustCompile(`/Pages\s+(\d+\s+\d+\s+R)`)
)

// parsePDF reads the header, the last xref table and its trailer, and the
// catalog's Pages reference of a PDF with one classic xref table.
func parsePDF(pdf []byte) (source, error) {
	var s source
	bad := func(what string) (source, error) {
		return source{}, fmt.Errorf("facturx: not a PDF Embed can update: %s", what)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) {
		return bad("no %PDF-1.x header")
	}
	s.headerLen = bytes.IndexByte(pdf, '\n') + 1
	m := reStartXref.FindSubmatch(pdf[max(0, len(pdf)-64):])
	if m == nil {
		return bad("no startxref")
	}
	at, _ := strconv.ParseInt(string(m[1]), 10, 64)
	if at < int64(s.headerLen) || at >= int64(len(pdf)) || !bytes.HasPrefix(pdf[at:], []byte("xref")) {
		return bad("no xref table at startxref")
	}
	s.xrefAt = at
	tEnd := bytes.Index(pdf[at:], []byte("trailer"))
	if tEnd < 0 {
		return bad("no trailer")
	}
	lines := bytes.Split(bytes.TrimSpace(pdf[at+4:at+int64(tEnd)]), []byte("\n"))
	for i := 0; i < len(lines); {
		h := reSub.FindSubmatch(lines[i])
		if h == nil {
			return bad("xref subsection")
		}
		first, _ := strconv.Atoi(string(h[1]))
		count, _ := strconv.Atoi(string(h[2]))
		if i+1+count > len(lines) {
			return bad("short xref subsection")
		}
		sub := subsection{first: first}
		for _, l := range lines[i+1 : i+1+count] {
			e := reEntry.FindSubmatch(l)
			if e == nil {
				return bad("xref entry")
			}
			off, _ := strconv.ParseInt(string(e[1]), 10, 64)
			gen, _ := strconv.Atoi(string(e[2]))
			sub.entries = append(sub.entries, xrefEntry{offset: off, gen: gen, inUse: e[3][0] == 'n'})
		}
		s.subsections = append(s.subsections, sub)
		i += 1 + count
	}
	trailer := pdf[at+int64(tEnd):]
	if bytes.Contains(trailer, []byte("/Encrypt")) || bytes.Contains(trailer, []byte("/Prev")) {
		return bad("encrypted or already updated")
	}
	size, root := reSize.FindSubmatch(trailer), reRoot.FindSubmatch(trailer)
	if size == nil || root == nil {
		return bad("trailer without Size or Root")
	}
	s.size, _ = strconv.Atoi(string(size[1]))
	s.root, _ = strconv.Atoi(string(root[1]))
	if info := reInfo.FindSubmatch(trailer); info != nil {
		s.info, _ = strconv.Atoi(string(info[1]))
	}
	off, ok := s.offset(s.root)
	if !ok || off >= at {
		return bad("catalog not in the xref table")
	}
	end := bytes.Index(pdf[off:at], []byte("endobj"))
	if end < 0 {
		return bad("catalog without endobj")
	}
	pages := rePages.FindSubmatch(pdf[off : off+int64(end)])
	if pages == nil {
		return bad("catalog without Pages")
	}
	s.pages = string(pages[1])
	return s, nil
}

// offset is the offset of object n in the xref table.
func (s source) offset(n int) (int64, bool) {
	for _, sub := range s.subsections {
		if i := n - sub.first; i >= 0 && i < len(sub.entries) && sub.entries[i].inUse {
			return sub.entries[i].offset, true
		}
	}
	return 0, false
}

// deflate compresses b with zlib at the default level (deterministic).
func deflate(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

// pdfString returns s as a PDF text string: a literal string when it is
// printable ASCII, else UTF-16BE with a byte order mark, in hexadecimal.
func pdfString(s string) string {
	ascii := true
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		var b bytes.Buffer
		b.WriteByte('(')
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '(' || c == ')' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(s[i])
		}
		b.WriteByte(')')
		return b.String()
	}
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteByte('>')
	return b.String()
}
