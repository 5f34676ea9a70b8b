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

// Search looks up sites (code, name, address), clients, people and tasks
// whose text contains q (case-insensitive), at most limit per kind.
func Search(app core.App, q string, limit int) ([]SearchHit, error) {
	q = strings.TrimSpace(q)
	if len([]rune(q)) < 2 {
		return nil, FieldError("q", "err.search.too_short")
	}
	p := dbx.Params{"q": q}
	kinds := []struct {
		kind, collection, filter, sort string
		title, subtitle                func(r *core.Record) string
	}{
		{"site", CollectionSites, "code ~ {:q} || name ~ {:q} || address ~ {:q}", "code",
			func(r *core.Record) string { return r.GetString("code") + " · " + r.GetString("name") },
			func(r *core.Record) string { return r.GetString("address") }},
		{"client", "clients", "name ~ {:q} || contact_name ~ {:q}", "name",
			func(r *core.Record) string { return r.GetString("name") },
			func(r *core.Record) string { return r.GetString("contact_name") }},
		{"person", CollectionUsers, "name ~ {:q} || email ~ {:q}", "name",
			func(r *core.Record) string { return r.GetString("name") },
			func(r *core.Record) string { return r.Email() }},
		{"task", CollectionTasks, "title ~ {:q}", "-planned_start",
			func(r *core.Record) string { return r.GetString("title") },
			func(r *core.Record) string { return r.GetString("status") }},
	}
	var out []SearchHit
	for _, k := range kinds {
		recs, err := app.FindRecordsByFilter(k.collection, k.filter, k.sort, limit, 0, p)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			out = append(out, SearchHit{Kind: k.kind, ID: r.Id, Title: k.title(r), Subtitle: k.subtitle(r)})
		}
	}
	return out, nil
}
