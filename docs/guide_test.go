package docs

import (
	"reflect"
	"testing"
)

func TestSlug(t *testing.T) {
	scenarios := []struct{ in, want string }{
		{"6. L'application terrain (compagnon)", CrewAppAnchor},
		{"Premiers pas", "premiers-pas"},
		{"2. Planifier : le Gantt", "planifier-le-gantt"},
		{"Guide d'utilisation — FieldOps360", "guide-d-utilisation-fieldops360"},
		{"Sécurité & Œuvre", "securite-oeuvre"},
	}
	for _, s := range scenarios {
		if got := Slug(s.in); got != s.want {
			t.Errorf("Slug(%q) = %q, want %q", s.in, got, s.want)
		}
	}
}

func TestInline(t *testing.T) {
	scenarios := []struct {
		in   string
		want []Span
	}{
		{"plain", []Span{{Text: "plain"}}},
		{"a **b** c", []Span{{Text: "a "}, {Text: "b", Strong: true}, {Text: " c"}}},
		{"run `fieldops audit` now", []Span{{Text: "run "}, {Text: "fieldops audit", Code: true}, {Text: " now"}}},
		{"**Chantiers → `x`**", []Span{{Text: "Chantiers → ", Strong: true}, {Text: "x", Code: true, Strong: true}}},
		{"a lone ` stays", []Span{{Text: "a lone ` stays"}}},
		{"<script>", []Span{{Text: "<script>"}}}, // text: the page escapes it
	}
	for _, s := range scenarios {
		if got := Inline(s.in); !reflect.DeepEqual(got, s.want) {
			t.Errorf("Inline(%q) = %+v, want %+v", s.in, got, s.want)
		}
	}
}

func TestParse(t *testing.T) {
	md := "# Titre\n\nUn paragraphe\nsur deux lignes.\n\n## 1. Section\n\n- premier point\n  continué\n- second\nAprès la liste.\n"
	got := Parse(md)
	want := []Block{
		{Level: 1, ID: "titre", Spans: []Span{{Text: "Titre"}}},
		{Spans: []Span{{Text: "Un paragraphe sur deux lignes."}}},
		{Level: 2, ID: "section", Spans: []Span{{Text: "1. Section"}}},
		{Items: [][]Span{{{Text: "premier point continué"}}, {{Text: "second"}}}},
		{Spans: []Span{{Text: "Après la liste."}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse =\n%+v\nwant\n%+v", got, want)
	}
}

// The guide keeps the sections the app links to.
func TestUserGuideAnchors(t *testing.T) {
	ids := map[string]bool{}
	for _, b := range UserGuide() {
		if b.Level > 0 {
			ids[b.ID] = true
		}
	}
	for _, id := range []string{CrewAppAnchor, "premiers-pas"} {
		if !ids[id] {
			t.Errorf("the guide has no section %q (headings: %v)", id, ids)
		}
	}
}
