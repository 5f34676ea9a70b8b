package handlers_test

import (
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/tenanttest"
)

// tryView reads one record of the table's fixture through the REST API
// as role (a fresh target in or out of the role's scope) and returns the
// status and body.
func (w *permWorld) tryView(col, role, token string, in bool) (int, string) {
	w.t.Helper()
	target := fixtures[col].target(w, role, "view", in)
	rec := tenanttest.Do(w.t, w.Registry, http.MethodGet, w.Host(), "/api/collections/"+col+"/records/"+target.Id, token, nil)
	return rec.Code, rec.Body.String()
}

// TestPermissionMatrixView runs the table's "view" cells through the
// REST API: every role × every collection, in and out of the role's
// scope (crew read only their team's sites and their own records, issue
// #14), plus an inactive user and an anonymous caller who read nothing.
// Allowed is 200; refused is 403 or 404. PERM_PRINT=1 prints the cells
// observed, to write a new collection's row.
func TestPermissionMatrixView(t *testing.T) {
	t.Parallel()
	w := newPermWorld(t)
	tokens := map[string]string{"anonymous": ""}
	for _, role := range append(slices.Clone(matrixRoles), "inactive") {
		tokens[role] = w.Token("users", w.user(role).GetString("email"))
	}
	names := make([]string, 0, len(permissions))
	for name := range permissions {
		names = append(names, name)
	}
	sort.Strings(names)
	var observed []string
	for _, col := range names {
		fx := fixtures[col]
		cell := permissions[col]["view"]
		if len(cell) != len(matrixRoles) {
			t.Errorf("%s has no view cell", col)
		}
		seen := []byte(strings.Repeat("-", len(matrixRoles)))
		for i, role := range matrixRoles {
			got := map[bool]bool{}
			for _, in := range scopesOf(fx.scoped) {
				code, body := w.tryView(col, role, tokens[role], in)
				got[in] = code == http.StatusOK
				if len(cell) != len(matrixRoles) {
					continue
				}
				want := cellAllows(cell[i], in)
				if want && code != http.StatusOK || !want && code != 403 && code != 404 {
					t.Errorf("%s view by %s (in scope: %v): %d, want allowed=%v: %.200s", col, role, in, code, want, body)
				}
			}
			switch {
			case got[true] && (got[false] || !fx.scoped):
				seen[i] = 'A'
			case got[true]:
				seen[i] = 'O'
			case got[false]:
				seen[i] = '?'
			}
		}
		observed = append(observed, col+": "+string(seen))
		for _, role := range []string{"inactive", "anonymous"} {
			if code, body := w.tryView(col, role, tokens[role], true); code != 403 && code != 404 {
				t.Errorf("%s view by %s: %d, want refused: %.200s", col, role, code, body)
			}
		}
	}
	if os.Getenv("PERM_PRINT") != "" {
		t.Logf("observed view cells:\n%s", strings.Join(observed, "\n"))
	}
}
