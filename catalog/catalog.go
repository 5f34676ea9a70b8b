// Package catalog is FieldOps360's one message catalogue: every text shown
// to users, French first and English complete, keyed by a dotted name
// (sites.title, err.site.not_found). It is a leaf package (embedded files
// and the standard library), so that domain code names its messages by
// key with arguments (Text) while the views render them in the request's
// locale (views/i18n); logs read the French text.
package catalog

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:embed messages/*.json
var files embed.FS

// Supported locales, default first.
const (
	FR = "fr"
	EN = "en"
)

// Locales lists the supported locales, default first.
func Locales() []string { return []string{FR, EN} }

// Supported reports whether lang is a supported locale.
func Supported(lang string) bool { return lang == FR || lang == EN }

// Catalogue holds every message in every locale.
type Catalogue struct {
	msgs map[string]map[string]string
}

// Load reads the embedded catalogue — messages/<lang>.json plus one
// messages/<module>.<lang>.json per module — and checks that every key
// exists in every locale (a missing translation is a build error, caught
// by tests). A key defined twice is an error too.
func Load() (*Catalogue, error) {
	c := &Catalogue{msgs: map[string]map[string]string{}}
	entries, err := files.ReadDir("messages")
	if err != nil {
		return nil, err
	}
	for _, l := range Locales() {
		c.msgs[l] = map[string]string{}
	}
	for _, e := range entries {
		name := e.Name()
		lang := strings.TrimSuffix(name, ".json")
		if i := strings.LastIndex(lang, "."); i >= 0 {
			lang = lang[i+1:]
		}
		if !Supported(lang) {
			return nil, fmt.Errorf("messages/%s: unknown locale %q", name, lang)
		}
		raw, err := files.ReadFile("messages/" + name)
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("messages/%s: %w", name, err)
		}
		for k, v := range m {
			if _, dup := c.msgs[lang][k]; dup {
				return nil, fmt.Errorf("messages/%s: key %q defined twice", name, k)
			}
			c.msgs[lang][k] = v
		}
	}
	var missing []string
	for k := range c.msgs[FR] {
		if _, ok := c.msgs[EN][k]; !ok {
			missing = append(missing, "en:"+k)
		}
	}
	for k := range c.msgs[EN] {
		if _, ok := c.msgs[FR][k]; !ok {
			missing = append(missing, "fr:"+k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("untranslated messages: %s", strings.Join(missing, ", "))
	}
	return c, nil
}

// NB: the embedded catalogue is parsed once, on first use, for the code
// that has no request context (domain errors' Error(), logs, the CLI). It
// is a pure function of the embedded files, never modified afterwards.
var loadDefault = sync.OnceValues(Load)

// Default returns the embedded catalogue, parsed once. A catalogue that
// does not load (caught by TestCatalogueIsComplete) yields an empty one:
// messages then render as their keys.
func Default() *Catalogue {
	c, err := loadDefault()
	if err != nil {
		return &Catalogue{msgs: map[string]map[string]string{}}
	}
	return c
}

// Keys returns every message key, sorted.
func (c *Catalogue) Keys() []string {
	out := make([]string, 0, len(c.msgs[FR]))
	for k := range c.msgs[FR] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has reports whether key is defined (in every locale: Load checks it).
func (c *Catalogue) Has(key string) bool {
	_, ok := c.Lookup(FR, key)
	return ok
}

// Lookup returns the raw text of key in lang, if defined.
func (c *Catalogue) Lookup(lang, key string) (string, bool) {
	if c == nil {
		return "", false
	}
	m, ok := c.msgs[lang][key]
	return m, ok
}

// Render returns key in lang with its arguments formatted by fmt.Sprintf.
// Arguments that are themselves a Text or a List are rendered in the same
// locale first; arguments a translation does not use are dropped. An
// unknown key, or any key of a nil catalogue, is returned itself (visible
// in tests, never blank).
//
// NB: a bilingual text ("texte / text", not a key: see Stored) renders its
// part for lang, as the views did before; TestKeysUsedInCodeExist refuses
// such literals in Go code.
func (c *Catalogue) Render(lang, key string, args ...any) string {
	if !Supported(lang) {
		lang = FR
	}
	copied := false
	for i, a := range args {
		var s string
		switch t := a.(type) {
		case Text:
			s = c.Render(lang, t.Key, t.Args...)
		case List:
			parts := make([]string, len(t))
			for j, x := range t {
				parts[j] = c.Render(lang, x.Key, x.Args...)
			}
			s = strings.Join(parts, c.Render(lang, listSeparator))
		default:
			continue
		}
		if !copied {
			args, copied = append([]any(nil), args...), true
		}
		args[i] = s
	}
	msg, ok := c.Lookup(lang, key)
	if !ok {
		msg = key
	}
	if len(args) > 0 {
		msg = sprintf(msg, args)
	}
	if !ok {
		if fr, en, cut := strings.Cut(msg, " / "); cut {
			if lang == EN {
				return en
			}
			return fr
		}
	}
	return msg
}

// sprintf formats msg with args. A translation may leave out trailing
// arguments (the English text names a technical detail the French one
// does not): those are dropped instead of printed as %!(EXTRA …).
func sprintf(msg string, args []any) string {
	out := fmt.Sprintf(msg, args...)
	if !strings.Contains(out, "%!(EXTRA") {
		return out
	}
	probes := make([]any, len(args))
	for i := range probes {
		probes[i] = probe(i)
	}
	used, _, _ := strings.Cut(fmt.Sprintf(msg, probes...), "%!(EXTRA")
	n := 0
	for i := range args {
		if strings.Contains(used, probe(i).mark()) {
			n = i + 1
		}
	}
	return fmt.Sprintf(msg, args[:n]...)
}

// probe is the i-th formatting argument, printed as a mark, to find which
// arguments a format consumes.
type probe int

func (p probe) mark() string { return "\x00" + strconv.Itoa(int(p)) + "\x00" }

// Format implements fmt.Formatter.
func (p probe) Format(s fmt.State, _ rune) { _, _ = s.Write([]byte(p.mark())) }

// Text is a message named by its catalogue key, with the arguments of the
// key's %s/%d/%q placeholders. Domain code returns Texts; each reader gets
// it in their own language.
type Text struct {
	Key  string
	Args []any
}

// List is a list of messages, rendered joined by the locale's separator
// (fr " ; ", en "; ") when passed as an argument.
type List []Text

// listSeparator is the catalogue key of List's separator.
const listSeparator = "err.list_separator"

// New returns the Text of key with args.
func New(key string, args ...any) Text { return Text{Key: key, Args: args} }

// Stored returns the Text of a message stored in both languages by
// Bilingual (an upload's refusal, a sync conflict's reason): each locale
// reads its part. Passed as an argument, it renders in the reader's
// locale.
func Stored(bilingual string) Text { return Text{Key: bilingual} }

// In renders t in lang from the embedded catalogue.
func (t Text) In(lang string) string { return Default().Render(lang, t.Key, t.Args...) }

// String renders t in French, the default locale (logs, tests).
func (t Text) String() string { return t.In(FR) }

// Bilingual renders t as "texte français / English text", for readers
// without a locale: the command line and texts stored in the database
// (conflict reasons), which views/i18n.Localize splits again when shown.
func (t Text) Bilingual() string {
	fr, en := t.In(FR), t.In(EN)
	if fr == en {
		return fr
	}
	return fr + " / " + en
}

// Negotiate picks the locale: the user's own setting when supported, else
// the best Accept-Language match, else French.
func Negotiate(userPref, acceptLanguage string) string {
	if Supported(userPref) {
		return userPref
	}
	best, bestQ := FR, -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, q := strings.TrimSpace(part), 1.0
		if i := strings.Index(tag, ";"); i >= 0 {
			if _, err := fmt.Sscanf(strings.TrimSpace(tag[i+1:]), "q=%g", &q); err != nil {
				q = 0
			}
			tag = strings.TrimSpace(tag[:i])
		}
		lang := strings.ToLower(tag)
		if j := strings.IndexAny(lang, "-_"); j >= 0 {
			lang = lang[:j]
		}
		if Supported(lang) && q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}
