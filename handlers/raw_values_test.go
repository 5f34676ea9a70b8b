package handlers_test

import (
	"html"
	"regexp"
	"testing"
)

// rawValue matches a stored enum value or a snake_case code shown as
// text: statuses, kinds and levels must reach the page as catalogue
// labels ("En cours", never "in_progress").
var rawValue = regexp.MustCompile(`\b(todo|planned|in_progress|blocked|done|validated|open|submitted|approved|rejected|pending|refused|` +
	`resolved|closed|reopened|available|assigned|maintenance|in_use|draft|sent|partial|received|cancelled|active|on_hold|` +
	`low|medium|high|critical|[a-z]+_[a-z_]+)\b`)

// testUserName is the name tenanttest gives a user ("Test site_lead").
var testUserName = regexp.MustCompile(`Test [a-z_]+`)

// tag matches an HTML tag.
var tag = regexp.MustCompile(`<[^>]*>`)

// visibleText is the text of a page's body, each text node apart (goquery's
// Text() glues "Faible" and "open" into one word), without its scripts,
// styles and templates.
func visibleText(t *testing.T, body string) string {
	t.Helper()
	d := doc(t, body)
	d.Find("script,style,template,noscript").Remove()
	h, err := d.Find("body").Html()
	if err != nil {
		t.Fatal(err)
	}
	return html.UnescapeString(tag.ReplaceAllString(h, " "))
}

// noRawValues fails when the visible text of a page (not its scripts,
// styles or attributes) shows a raw enum value (#15).
func noRawValues(t *testing.T, page, body string) {
	t.Helper()
	if m := rawValue.FindAllString(testUserName.ReplaceAllString(visibleText(t, body), ""), 5); len(m) > 0 {
		t.Errorf("%s shows raw values %q", page, m)
	}
}
