package catalog

import (
	"fmt"
	"testing"
)

func TestCatalogueIsComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range c.Keys() {
		if c.msgs[FR][k] == "" || c.msgs[EN][k] == "" {
			t.Errorf("empty translation for %q", k)
		}
	}
	if len(c.Keys()) < 100 {
		t.Errorf("catalogue has %d keys", len(c.Keys()))
	}
}

func TestNegotiate(t *testing.T) {
	scenarios := []struct{ pref, accept, want string }{
		{"", "", "fr"},
		{"en", "fr-FR", "en"},
		{"", "en-US,en;q=0.9", "en"},
		{"", "de-DE,en;q=0.5,fr;q=0.8", "fr"},
		{"", "de, it", "fr"},
		{"xx", "en", "en"},
		{"", "EN_gb", "en"},
	}
	for _, s := range scenarios {
		if got := Negotiate(s.pref, s.accept); got != s.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", s.pref, s.accept, got, s.want)
		}
	}
}

func TestRender(t *testing.T) {
	c := &Catalogue{msgs: map[string]map[string]string{
		FR: {listSeparator: " ; ", "a.list": "Erreurs : %s", "a.hello": "Bonjour %s", "a.refused": "Refusé : %s", "a.bare": "Nu", "a.detail": "Données invalides", "a.type": "Type %q refusé (%s)"},
		EN: {listSeparator: "; ", "a.list": "Errors: %s", "a.hello": "Hello %s", "a.refused": "Refused: %s", "a.bare": "Bare", "a.detail": "invalid data: %s", "a.type": "type %q refused"},
	}}
	scenarios := []struct {
		name, lang, key string
		args            []any
		want            string
	}{
		{"french", FR, "a.hello", []any{"Ana"}, "Bonjour Ana"},
		{"english", EN, "a.hello", []any{"Ana"}, "Hello Ana"},
		{"unknown locale is French", "de", "a.bare", nil, "Nu"},
		{"nested text in the same locale", EN, "a.refused", []any{New("a.hello", "Bo")}, "Refused: Hello Bo"},
		{"list in French", FR, "a.list", []any{List{New("a.bare"), New("a.hello", "Bo")}}, "Erreurs : Nu ; Bonjour Bo"},
		{"list in English", EN, "a.list", []any{List{New("a.bare"), New("a.hello", "Bo")}}, "Errors: Bare; Hello Bo"},
		{"unknown key is itself", FR, "no.such.key", nil, "no.such.key"},
		{"French leaves out the detail", FR, "a.detail", []any{"x: blank"}, "Données invalides"},
		{"English names the detail", EN, "a.detail", []any{"x: blank"}, "invalid data: x: blank"},
		{"English leaves out the trailing argument", EN, "a.type", []any{"image/gif", "jpeg, png"}, `type "image/gif" refused`},
		{"French uses both arguments", FR, "a.type", []any{"image/gif", "jpeg, png"}, `Type "image/gif" refusé (jpeg, png)`},
		{"too few arguments still show", FR, "a.hello", nil, "Bonjour %s"},
		{"legacy bilingual literal, French", FR, "Le code %s existe / code %s exists", []any{"X", "X"}, "Le code X existe"},
		{"legacy bilingual literal, English", EN, "Le code %s existe / code %s exists", []any{"X", "X"}, "code X exists"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			args := append([]any(nil), s.args...)
			if got := c.Render(s.lang, s.key, s.args...); got != s.want {
				t.Errorf("got %q, want %q", got, s.want)
			}
			for i := range args {
				if fmt.Sprintf("%T", args[i]) != fmt.Sprintf("%T", s.args[i]) {
					t.Errorf("Render modified its argument %d", i)
				}
			}
		})
	}
}

func TestTextDefaultCatalogue(t *testing.T) {
	txt := New("login.title")
	if txt.String() != "Connexion" || txt.In(EN) != "Sign in" || txt.Bilingual() != "Connexion / Sign in" {
		t.Errorf("got %q, %q, %q", txt.String(), txt.In(EN), txt.Bilingual())
	}
}
