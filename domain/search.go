package domain

import (
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// SearchHit is one result of the office search box.
type SearchHit struct {
	Kind     string // site, client, person, task
	ID       string
	Title    string
	Subtitle string
}

// searchKind is one kind of record the search box looks up: filter
// matches the text, scope (crews only) keeps what they may see.
type searchKind struct {
	kind, collection, filter, scope, sort string
	title, subtitle                       func(r *core.Record) string
}

// Search looks up sites (code, name, address), clients, people and tasks
// whose text contains q (case-insensitive), at most limit per kind, among
// what viewer may see, as the read rules and pages say: a crew member
// finds the sites of their team (and those they lead), those sites'
// clients and tasks (and the tasks assigned to them), and people by name
// only — no e-mail shown nor matched, no client contact (CanSeeEmails).
func Search(app core.App, viewer *core.Record, q string, limit int) ([]SearchHit, error) {
	q = strings.TrimSpace(q)
	if len([]rune(q)) < 2 {
		return nil, FieldError("q", "err.search.too_short")
	}
	if viewer == nil || !viewer.GetBool("active") {
		return nil, nil
	}
	crew := viewer.GetString("role") == RoleCrew
	emails := CanSeeEmails(viewer)
	p := dbx.Params{"q": q, "u": viewer.Id}
	person := "name ~ {:q}"
	if emails {
		person += " || email ~ {:q}"
	}
	kinds := []searchKind{
		{"site", CollectionSites, "code ~ {:q} || name ~ {:q} || address ~ {:q}", "team.id ?= {:u} || site_lead = {:u}", "code",
			func(r *core.Record) string { return r.GetString("code") + " · " + r.GetString("name") },
			func(r *core.Record) string { return r.GetString("address") }},
		{"client", CollectionClients, "name ~ {:q} || contact_name ~ {:q}", "sites_via_client.team.id ?= {:u} || sites_via_client.site_lead ?= {:u}", "name",
			func(r *core.Record) string { return r.GetString("name") },
			func(r *core.Record) string { return r.GetString("contact_name") }},
		{"person", CollectionUsers, person, "", "name",
			func(r *core.Record) string { return r.GetString("name") },
			func(r *core.Record) string {
				if emails || r.Id == viewer.Id {
					return r.Email()
				}
				return ""
			}},
		{"task", CollectionTasks, "title ~ {:q}", "site.team.id ?= {:u} || site.site_lead = {:u} || assignees.id ?= {:u}", "-planned_start",
			func(r *core.Record) string { return r.GetString("title") },
			func(r *core.Record) string { return r.GetString("status") }},
	}
	var out []SearchHit
	for _, k := range kinds {
		filter := k.filter
		if crew && k.scope != "" {
			filter = "(" + k.filter + ") && (" + k.scope + ")"
		}
		recs, err := app.FindRecordsByFilter(k.collection, filter, k.sort, limit, 0, p)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			out = append(out, SearchHit{Kind: k.kind, ID: r.Id, Title: k.title(r), Subtitle: k.subtitle(r)})
		}
	}
	return out, nil
}
