// Package i18n is FieldOps360's one message catalogue (French first,
// English complete) and the locale-aware formatting of dates, numbers and
// euros. The catalogue travels in the request context, so templ components
// call T(ctx, key) with no global state.
package i18n

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
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
		if !supported(lang) {
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

// Keys returns every message key, sorted.
func (c *Catalogue) Keys() []string {
	out := make([]string, 0, len(c.msgs[FR]))
	for k := range c.msgs[FR] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Negotiate picks the locale: the user's own setting when supported, else
// the best Accept-Language match, else French.
func Negotiate(userPref, acceptLanguage string) string {
	if supported(userPref) {
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
		if supported(lang) && q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

func supported(l string) bool { return l == FR || l == EN }

type ctxKey struct{}

type localizer struct {
	cat  *Catalogue
	lang string
	loc  *time.Location
}

// WithLocale returns ctx carrying the catalogue, the locale and the time
// zone used to display dates (tenant's zone, default Europe/Paris).
func WithLocale(ctx context.Context, c *Catalogue, lang string, tz *time.Location) context.Context {
	if !supported(lang) {
		lang = FR
	}
	if tz == nil {
		tz = Paris()
	}
	return context.WithValue(ctx, ctxKey{}, &localizer{cat: c, lang: lang, loc: tz})
}

// Paris returns Europe/Paris, or UTC when the zone database is missing.
func Paris() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}

func from(ctx context.Context) *localizer {
	if ctx != nil {
		if l, ok := ctx.Value(ctxKey{}).(*localizer); ok {
			return l
		}
	}
	return &localizer{lang: FR, loc: time.UTC}
}

// Lang returns the request's locale.
func Lang(ctx context.Context) string { return from(ctx).lang }

// Location returns the display time zone.
func Location(ctx context.Context) *time.Location { return from(ctx).loc }

// T translates key, formatting args with fmt.Sprintf when given. An
// unknown key returns the key itself (visible in tests, never blank).
func T(ctx context.Context, key string, args ...any) string {
	l := from(ctx)
	msg := key
	if l.cat != nil {
		if m, ok := l.cat.msgs[l.lang][key]; ok {
			msg = m
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Localize picks the part of a bilingual domain message ("texte FR / EN
// text") matching the locale; other messages are returned unchanged.
func Localize(ctx context.Context, msg string) string {
	fr, en, ok := strings.Cut(msg, " / ")
	if !ok {
		return msg
	}
	if Lang(ctx) == EN {
		return en
	}
	return fr
}

// FormatDate formats the civil date of t in the display zone
// (fr: 29/11/2026, en: 29 Nov 2026).
func FormatDate(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(Location(ctx))
	if Lang(ctx) == EN {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}

// FormatDateTime formats a date and time in the display zone
// (fr: 29/11/2026 14:05, en: 29 Nov 2026, 14:05).
func FormatDateTime(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(Location(ctx))
	if Lang(ctx) == EN {
		return t.Format("2 Jan 2006, 15:04")
	}
	return t.Format("02/01/2006 15:04")
}

// FormatNumber formats f with the given decimals and the locale's
// separators (fr: 1 234,50 with a narrow no-break space; en: 1,234.50).
func FormatNumber(ctx context.Context, f float64, decimals int) string {
	neg := f < 0
	f = math.Abs(f)
	s := fmt.Sprintf("%.*f", decimals, f)
	intPart, frac, _ := strings.Cut(s, ".")
	group, dec := ",", "."
	if Lang(ctx) == FR {
		group, dec = "\u202f", ","
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += dec + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// FormatEUR formats an amount in euros (fr: 1 234,50 €, en: €1,234.50).
func FormatEUR(ctx context.Context, f float64) string {
	n := FormatNumber(ctx, f, 2)
	if Lang(ctx) == EN {
		if strings.HasPrefix(n, "-") {
			return "-€" + n[1:]
		}
		return "€" + n
	}
	return n + "\u00a0€"
}
