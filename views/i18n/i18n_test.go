package i18n

import (
	"context"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/catalog"
)

func TestFormatting(t *testing.T) {
	c, _ := Load()
	fr := WithLocale(context.Background(), c, FR, Paris())
	en := WithLocale(context.Background(), c, EN, Paris())
	ts := time.Date(2026, 7, 14, 22, 30, 0, 0, time.UTC) // 15 July 00:30 in Paris (UTC+2)
	scenarios := []struct{ got, want string }{
		{FormatNumber(fr, 1234567.891, 2), "1\u202f234\u202f567,89"},
		{FormatNumber(en, 1234567.891, 2), "1,234,567.89"},
		{FormatNumber(fr, -950, 0), "-950"},
		{FormatEUR(fr, 1234.5), "1\u202f234,50\u00a0€"},
		{FormatEUR(en, 1234.5), "€1,234.50"},
		{FormatEUR(en, -3), "-€3.00"},
		{FormatQty(fr, 17.5), "17,5"},
		{FormatQty(en, 17.5), "17.5"},
		{FormatQty(fr, 1250), "1\u202f250"},
		{FormatQty(en, 1250.125), "1,250.125"},
		{FormatQty(fr, 0.0004), "0"},
		{FormatQty(fr, -2.50), "-2,5"},
		{FormatHours(fr, 12.5), "12,5\u00a0h"},
		{FormatHours(en, 12.5), "12.5\u00a0h"},
		{FormatHours(fr, 8), "8\u00a0h"},
		{FormatHours(en, 7.75), "7.75\u00a0h"},
		{FormatEUR(fr, 0), "0,00\u00a0€"},
		{FormatDateTime(en, ts), "15 Jul 2026, 00:30"},
		{FormatDate(fr, ts), "15/07/2026"},
		{FormatDate(en, ts), "15 Jul 2026"},
		{FormatDateTime(fr, ts), "15/07/2026 00:30"},
		{FormatDate(fr, time.Time{}), "—"},
		{T(fr, "login.title"), "Connexion"},
		{T(en, "login.title"), "Sign in"},
		{T(fr, "no.such.key"), "no.such.key"},
		{Text(en, catalog.New("login.title")), "Sign in"},
		{Text(context.Background(), catalog.New("login.title")), "Connexion"},
		{Localize(en, "Texte / Text"), "Text"},
		{Localize(fr, "Texte / Text"), "Texte"},
	}
	for i, s := range scenarios {
		if s.got != s.want {
			t.Errorf("%d: got %q, want %q", i, s.got, s.want)
		}
	}
}
