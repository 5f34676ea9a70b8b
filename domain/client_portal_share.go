package domain

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// clientSharePhotos bounds the photos of a site offered for sharing on
// the office's client page (the latest).
const clientSharePhotos = 24

// Shareable is a document or photo the office may share with the client.
type Shareable struct {
	ID, Kind, Title string // Kind: "documents" or "photos"
	Shared          bool
}

// ShareableSite is a site of a client with what may be shared of it.
type ShareableSite struct {
	ID, Name  string
	Documents []Shareable
	Photos    []Shareable
}

// ClientShareables returns the client's sites with their current
// documents and latest photos, and whether each is shared.
func ClientShareables(app core.App, clientID string) ([]ShareableSite, error) {
	sites, err := app.FindRecordsByFilter(CollectionSites, "client = {:c}", "name", 0, 0, dbx.Params{"c": clientID})
	if err != nil {
		return nil, fmt.Errorf("shareable sites: %w", err)
	}
	out := make([]ShareableSite, 0, len(sites))
	for _, s := range sites {
		ss := ShareableSite{ID: s.Id, Name: s.GetString("name")}
		docs, err := app.FindRecordsByFilter(CollectionDocuments, "site = {:s} && current = true", "title", 200, 0, dbx.Params{"s": s.Id})
		if err != nil {
			return nil, fmt.Errorf("shareable documents: %w", err)
		}
		for _, d := range docs {
			ss.Documents = append(ss.Documents, Shareable{ID: d.Id, Kind: "documents", Title: d.GetString("title"), Shared: d.GetBool("shared_with_client")})
		}
		photos, err := app.FindRecordsByFilter(CollectionPhotos, "site = {:s}", "-taken_at", clientSharePhotos, 0, dbx.Params{"s": s.Id})
		if err != nil {
			return nil, fmt.Errorf("shareable photos: %w", err)
		}
		for _, p := range photos {
			title := p.GetString("caption")
			if title == "" {
				title = p.GetDateTime("taken_at").Time().Format("02/01/2006 15:04")
			}
			ss.Photos = append(ss.Photos, Shareable{ID: p.Id, Kind: "photos", Title: title, Shared: p.GetBool("shared_with_client")})
		}
		out = append(out, ss)
	}
	return out, nil
}

// ShareWithClient sets whether a document or photo (kind "documents" or
// "photos") of a site of the client shows on the client portal; by must
// be an office role (CanInviteClients). Audited as by.
func ShareWithClient(app core.App, by *core.Record, clientID, kind, id string, shared bool) error {
	if !CanInviteClients(by) {
		return Errorf(EForbidden, "err.portal.invite_forbidden")
	}
	var col string
	switch kind {
	case "documents":
		col = CollectionDocuments
	case "photos":
		col = CollectionPhotos
	default:
		return Errorf(ENotFound, "err.portal.not_found")
	}
	rec, err := app.FindRecordById(col, id)
	if err != nil {
		return Errorf(ENotFound, "err.portal.not_found")
	}
	site, err := FindSite(app, rec.GetString("site"))
	if err != nil || site.ClientID() != clientID {
		return Errorf(ENotFound, "err.portal.not_found")
	}
	rec.Set("shared_with_client", shared)
	SetActor(rec, by.Id)
	return app.Save(rec)
}
