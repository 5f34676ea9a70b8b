// Package docs embeds the user guide (guide-utilisateur.md, French) so
// that the app serves it (/help), parsed into plain blocks that a page
// renders with its own escaping: the guide never reaches the page as raw
// HTML.
package docs

import (
	_ "embed"
	"strings"
	"unicode"
)

//go:embed guide-utilisateur.md
var guide string

// CrewAppAnchor is the id of the guide's section on installing and using
// the crew app (the getting-started checklist links to it).
const CrewAppAnchor = "l-application-terrain-compagnon"

// Span is a run of inline text: plain, **strong** or `code`.
type Span struct {
	Text   string
	Strong bool
	Code   bool
}

// Block is a heading (Level 1–3, with its anchor ID), a paragraph
// (Level 0) or a bullet list (Items).
type Block struct {
	Level int
	ID    string
	Spans []Span
	Items [][]Span
}

// UserGuide returns the user guide as blocks.
func UserGuide() []Block { return Parse(guide) }

// Parse reads the Markdown subset the guide uses: #–### headings,
// paragraphs, "- " bullet items (continued by indented lines), **strong**
// and `code`. Anything else is kept as text.
func Parse(md string) []Block {
	var out []Block
	var para []string
	var items []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, Block{Spans: Inline(strings.Join(para, " "))})
			para = nil
		}
		if len(items) > 0 {
			b := Block{}
			for _, it := range items {
				b.Items = append(b.Items, Inline(it))
			}
			out = append(out, b)
			items = nil
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
		case strings.HasPrefix(line, "#"):
			flush()
			level := len(line) - len(strings.TrimLeft(line, "#"))
			text := strings.TrimSpace(line[level:])
			out = append(out, Block{Level: min(level, 3), ID: Slug(text), Spans: Inline(text)})
		case strings.HasPrefix(line, "- "):
			if len(para) > 0 {
				flush()
			}
			items = append(items, strings.TrimSpace(line[2:]))
		case len(items) > 0 && line != trimmed: // an indented continuation
			items[len(items)-1] += " " + trimmed
		default:
			if len(items) > 0 {
				flush()
			}
			para = append(para, trimmed)
		}
	}
	flush()
	return out
}

// Inline splits text into plain, **strong** and `code` spans.
func Inline(text string) []Span {
	var out []Span
	var cur strings.Builder
	strong := false
	emit := func() {
		if cur.Len() > 0 {
			out = append(out, Span{Text: cur.String(), Strong: strong})
			cur.Reset()
		}
	}
	for i := 0; i < len(text); {
		switch {
		case text[i] == '`':
			if end := strings.IndexByte(text[i+1:], '`'); end >= 0 {
				emit()
				out = append(out, Span{Text: text[i+1 : i+1+end], Code: true, Strong: strong})
				i += end + 2
				continue
			}
		case strings.HasPrefix(text[i:], "**"):
			emit()
			strong = !strong
			i += 2
			continue
		}
		cur.WriteByte(text[i])
		i++
	}
	emit()
	return out
}

// folds maps the accented letters of French to their base letter.
var folds = strings.NewReplacer("à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "ÿ", "y", "œ", "oe", "æ", "ae")

// Slug is a heading's anchor: lower case, accents folded, a leading
// section number dropped ("6. L'application" → "l-application"), every
// other run of non-alphanumerics one hyphen.
func Slug(heading string) string {
	s := folds.Replace(strings.ToLower(heading))
	s = strings.TrimLeft(s, "0123456789. ")
	var b strings.Builder
	dash := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}
