package facturx

import (
	"bytes"
	"encoding/xml"
	"time"
)

// Factur-X XMP extension schema (Factur-X 1.0, § 6.2.2).
const (
	fxNamespace       = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
	fxVersion         = "1.0"
	fxConformance     = "EN 16931"
	fxDocumentType    = "INVOICE"
	xmpPacketBegin    = "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	xmpPacketEnd      = "<?xpacket end=\"w\"?>"
	xmpRDFDescription = `<rdf:Description rdf:about=""`
)

// fxProperties are the Factur-X properties with their descriptions, in
// the order of the extension schema.
var fxProperties = [][2]string{
	{"DocumentFileName", "The name of the embedded XML document"},
	{"DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"},
	{"Version", "The actual version of the standard applying to the embedded XML document"},
	{"ConformanceLevel", "The conformance level of the embedded XML document"},
}

// xmp returns the document's XMP metadata packet: PDF/A-3B
// identification, Dublin Core title and creator, the xmp dates and tool,
// the producer, and the Factur-X properties with their PDF/A extension
// schema description. Title, creator, producer and dates are the same as
// the Info dictionary's, as PDF/A requires.
func xmp(title, author string, when time.Time) []byte {
	date := when.Format("2006-01-02T15:04:05") + "+00:00"
	var b bytes.Buffer
	esc := func(s string) string {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	b.WriteString(xmpPacketBegin)
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/">` + "\n")
	b.WriteString(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` + "\n")
	b.WriteString(xmpRDFDescription + ` xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">` + "\n")
	b.WriteString("<pdfaid:part>3</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n</rdf:Description>\n")
	b.WriteString(xmpRDFDescription + ` xmlns:dc="http://purl.org/dc/elements/1.1/">` + "\n")
	b.WriteString("<dc:format>application/pdf</dc:format>\n")
	b.WriteString(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + esc(title) + "</rdf:li></rdf:Alt></dc:title>\n")
	b.WriteString("<dc:creator><rdf:Seq><rdf:li>" + esc(author) + "</rdf:li></rdf:Seq></dc:creator>\n</rdf:Description>\n")
	b.WriteString(xmpRDFDescription + ` xmlns:pdf="http://ns.adobe.com/pdf/1.3/">` + "\n<pdf:Producer>FieldOps360</pdf:Producer>\n</rdf:Description>\n")
	b.WriteString(xmpRDFDescription + ` xmlns:xmp="http://ns.adobe.com/xap/1.0/">` + "\n<xmp:CreatorTool>FieldOps360</xmp:CreatorTool>\n")
	b.WriteString("<xmp:CreateDate>" + date + "</xmp:CreateDate>\n<xmp:ModifyDate>" + date + "</xmp:ModifyDate>\n")
	b.WriteString("<xmp:MetadataDate>" + date + "</xmp:MetadataDate>\n</rdf:Description>\n")
	b.WriteString(xmpRDFDescription + ` xmlns:fx="` + fxNamespace + `">` + "\n")
	b.WriteString("<fx:DocumentType>" + fxDocumentType + "</fx:DocumentType>\n")
	b.WriteString("<fx:DocumentFileName>" + FileName + "</fx:DocumentFileName>\n")
	b.WriteString("<fx:Version>" + fxVersion + "</fx:Version>\n")
	b.WriteString("<fx:ConformanceLevel>" + fxConformance + "</fx:ConformanceLevel>\n</rdf:Description>\n")
	b.WriteString(xmpRDFDescription + ` xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">` + "\n")
	b.WriteString("<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n")
	b.WriteString("<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>\n")
	b.WriteString("<pdfaSchema:namespaceURI>" + fxNamespace + "</pdfaSchema:namespaceURI>\n")
	b.WriteString("<pdfaSchema:prefix>fx</pdfaSchema:prefix>\n<pdfaSchema:property><rdf:Seq>\n")
	for _, p := range fxProperties {
		b.WriteString(`<rdf:li rdf:parseType="Resource"><pdfaProperty:name>` + p[0] + "</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType>")
		b.WriteString("<pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>" + p[1] + "</pdfaProperty:description></rdf:li>\n")
	}
	b.WriteString("</rdf:Seq></pdfaSchema:property>\n</rdf:li></rdf:Bag></pdfaExtension:schemas>\n</rdf:Description>\n")
	b.WriteString("</rdf:RDF>\n</x:xmpmeta>\n")
	b.WriteString(xmpPacketEnd)
	return b.Bytes()
}
