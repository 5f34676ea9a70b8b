package tenants

import (
	"slices"
	"testing"
)

func TestTemplateKeyFollowsTheSchema(t *testing.T) {
	base := templateMigrations()
	if len(base) < 20 {
		t.Fatalf("template migrations = %d, want the system and the tenant ones", len(base))
	}
	key := schemaKey(base, "btp")
	if got := TemplateKey("btp"); got != key || len(key) != 16 {
		t.Fatalf("TemplateKey(btp) = %q, schemaKey = %q", got, key)
	}
	scenarios := map[string]string{
		"one more migration": schemaKey(append(slices.Clone(base), "1799999999_next.go"), "btp"),
		"one migration less": schemaKey(base[:len(base)-1], "btp"),
		"another sector":     schemaKey(base, "elec"),
	}
	for name, other := range scenarios {
		if other == key {
			t.Errorf("%s: same key %s", name, key)
		}
	}
}
