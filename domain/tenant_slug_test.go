package domain

import "testing"

func TestValidateSlug(t *testing.T) {
	scenarios := []struct {
		slug string
		ok   bool
	}{
		{"acme", true},
		{"dupont-elec", true},
		{"tp44", true},
		{"ab", true},
		{"a", false},
		{"", false},
		{"Acme", false},
		{"acme_tp", false},
		{"-acme", false},
		{"acme-", false},
		{"4acme", false},
		{"xn--bcher-kva", false},
		{"ac.me", false},
		{"admin", false},
		{"www", false},
		{"api", false},
		{"a234567890123456789012345678901234567890123456789012345678901234", false},
		{"a23456789012345678901234567890123456789012345678901234567890123", true},
	}
	for _, s := range scenarios {
		err := ValidateSlug(s.slug)
		if got := err == nil; got != s.ok {
			t.Errorf("ValidateSlug(%q) = %v, want ok=%v", s.slug, err, s.ok)
		}
		if err != nil && ErrorCode(err) != EInvalid {
			t.Errorf("ValidateSlug(%q) code = %q, want invalid", s.slug, ErrorCode(err))
		}
	}
}
