// Package i18n renders FieldOps360's one message catalogue (package
// catalog: French first, English complete) in the request's locale, and
// formats dates, numbers and euros for it. The catalogue travels in the
// request context, so templ components call T(ctx, key) with no global
// state.
package i18n

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/fieldops360/fieldops/catalog"
)

// Supported locales, default first.
const (
	FR = catalog.FR
	EN = catalog.EN
)

// Locales lists the supported locales, default first.
func Locales() []string { return catalog.Locales() }

// Catalogue holds every message in every locale (the one catalogue, in
// package catalog).
type Catalogue = catalog.Catalogue

// Load reads the embedded catalogue and checks that every key exists in
// every locale (see catalog.Load).
func Load() (*Catalogue, error) { return catalog.Load() }

// Negotiate picks the locale: the user's own setting when supported, else
// the best Accept-Language match, else French.
func Negotiate(userPref, acceptLanguage string) string {
	return catalog.Negotiate(userPref, acceptLanguage)
}

func supported(l string) bool { return catalog.Supported(l) }

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

// WithZone returns ctx displaying dates in tz, with the locale and
// catalogue of ctx unchanged (a report prints in its tenant's zone
// whoever asks for it).
func WithZone(ctx context.Context, tz *time.Location) context.Context {
	l := *from(ctx)
	l.loc = tz
	return context.WithValue(ctx, ctxKey{}, &l)
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

// T translates key, formatting args with fmt.Sprintf when given (an
// argument that is a catalog.Text is translated too). An unknown key
// returns the key itself (visible in tests, never blank).
func T(ctx context.Context, key string, args ...any) string {
	l := from(ctx)
	return l.cat.Render(l.lang, key, args...) // a nil catalogue renders keys

}

// Text renders a domain message (a catalogue key with its arguments) in
// the request's locale, from the embedded catalogue when ctx carries none.
func Text(ctx context.Context, t catalog.Text) string {
	l := from(ctx)
	c := l.cat
	if c == nil {
		c = catalog.Default()
	}
	return c.Render(l.lang, t.Key, t.Args...)
}

// Localize picks the part of a bilingual text stored in the database
// ("texte FR / EN text", see catalog.Text.Bilingual) matching the
// locale; other texts are returned unchanged.
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

// FormatQty formats a quantity with up to 3 decimals, trailing zeros
// dropped, in the locale's separators (fr: 17,5; 1 250; en: 17.5; 1,250).
func FormatQty(ctx context.Context, f float64) string {
	s := trimDecimals(ctx, FormatNumber(ctx, math.Round(f*1000)/1000, 3))
	if s == "-0" {
		return "0"
	}
	return s
}

// FormatHours formats a number of hours (fr: 12,5 h; en: 12.5 h).
func FormatHours(ctx context.Context, h float64) string {
	return trimDecimals(ctx, FormatNumber(ctx, h, 2)) + "\u00a0h"
}

func decimalSep(ctx context.Context) string {
	if Lang(ctx) == FR {
		return ","
	}
	return "."
}

// trimDecimals drops the trailing zeros of a formatted number's decimals.
func trimDecimals(ctx context.Context, s string) string {
	if dec := decimalSep(ctx); strings.Contains(s, dec) {
		s = strings.TrimRight(strings.TrimRight(s, "0"), dec)
	}
	return s
}
