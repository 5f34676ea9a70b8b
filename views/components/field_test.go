package components_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/views/components"
)

// TestFieldDescribedBy: a field's input points at its hint, or at its
// error when there is one, and carries no stray attribute (templ once
// printed an "else" from an else-if inside the attribute list).
func TestFieldDescribedBy(t *testing.T) {
	render := func(f components.FieldVM) string {
		var b strings.Builder
		if err := components.Field(f).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	hint := render(components.FieldVM{Name: "email", Label: "E-mail", Hint: "votre adresse", Autocomplete: "username"})
	if !strings.Contains(hint, `aria-describedby="h-email"`) || strings.Contains(hint, "aria-invalid") {
		t.Fatalf("hint not described:\n%s", hint)
	}
	bad := render(components.FieldVM{Name: "email", Label: "E-mail", Hint: "votre adresse", Error: "obligatoire"})
	if !strings.Contains(bad, `aria-describedby="e-email"`) || !strings.Contains(bad, `aria-invalid="true"`) || strings.Contains(bad, `"h-email"`) {
		t.Fatalf("error not described:\n%s", bad)
	}
	for _, html := range []string{hint, bad, render(components.FieldVM{Name: "x", Label: "X"})} {
		if strings.Contains(html, " else") {
			t.Fatalf("stray attribute:\n%s", html)
		}
	}
}
