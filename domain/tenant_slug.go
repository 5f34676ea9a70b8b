package domain

import (
	"regexp"
	"slices"
)

// slugPattern is a lower-case DNS label of 2 to 63 characters that starts
// with a letter and does not end with a hyphen.
var slugPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,61}[a-z0-9]$`)

// reservedSlugs are host labels the platform keeps for itself or that
// would confuse users (platform hosts, mail, infrastructure names).
var reservedSlugs = []string{
	"admin", "www", "api", "app", "apps", "static", "assets", "cdn", "mail", "smtp", "imap", "pop",
	"ftp", "ns", "ns1", "ns2", "dns", "status", "metrics", "health", "auth", "login", "sso", "portal",
	"platform", "support", "help", "docs", "blog", "billing", "dashboard", "root", "system", "test",
	"localhost", "m", "fieldops", "fieldops360", "_", "xn",
}

// ValidateSlug checks a tenant slug: a lower-case DNS label (letters,
// digits, hyphens; starts with a letter; 2–63 characters; no double
// hyphen, which DNS keeps for punycode) that is not reserved.
func ValidateSlug(slug string) error {
	switch {
	case slug == "":
		return FieldError("slug", "err.tenant.slug_required")
	case !slugPattern.MatchString(slug):
		return FieldError("slug", "err.tenant.slug_invalid", slug)
	case len(slug) >= 4 && slug[2:4] == "--":
		return FieldError("slug", "err.tenant.slug_double_dash", slug)
	case slices.Contains(reservedSlugs, slug):
		return FieldError("slug", "err.tenant.slug_reserved", slug)
	}
	return nil
}
