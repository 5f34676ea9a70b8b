package handlers

import (
	"context"
	"io"
	"net/url"
	"strconv"

	"github.com/a-h/templ"
	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/admin"
)

// usersStreamURL is the live stream of one page of the users list.
func usersStreamURL(sort string, page int) string {
	return "/users/stream?" + url.Values{"sort": {sort}, "page": {strconv.Itoa(page)}}.Encode()
}

// usersPageData is what a page of the users list shows.
type usersPageData struct {
	users  []*core.Record
	active int
}

// usersStream keeps a page of the users list live (GET /users/stream
// ?sort=…&page=…): any change to a user re-renders the page's rows (once,
// and once more for a viewer whose own row is on it) and the active count
// for every open viewer of that page.
func (h *Handlers) usersStream(e *core.RequestEvent) error {
	sort, page := usersQuery(e)
	ctx, locale := h.liveContext(e)
	app := e.App
	return serveLive(e, domain.LiveView[usersPageData]{
		Key:    usersStreamURL(sort, page) + "&" + locale,
		Topics: []domain.Topic{domain.TopicCollection(domain.CollectionUsers)},
		Load: func() (usersPageData, error) {
			recs, _, err := domain.FindUsers(app, sort, usersPerPage, (page-1)*usersPerPage)
			if err != nil {
				return usersPageData{}, err
			}
			active, err := domain.CountActiveUsers(app)
			return usersPageData{users: recs, active: active}, err
		},
		Audience: func(d usersPageData, viewer *core.Record) string {
			for _, u := range d.users {
				if viewer != nil && u.Id == viewer.Id {
					return viewer.Id // their own row has no (de)activate button
				}
			}
			return ""
		},
		Render: func(d usersPageData, viewer *core.Record) ([]byte, error) {
			rows := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
				if _, err := io.WriteString(w, "<tbody>"); err != nil {
					return err
				}
				for _, u := range d.users {
					if err := admin.UserRow(newUserRowVM(ctx, u, viewer)).Render(ctx, w); err != nil {
						return err
					}
				}
				_, err := io.WriteString(w, "</tbody>")
				return err
			})
			return encodeFrame(ctx, func(sse *datastar.ServerSentEventGenerator) error {
				if err := sse.MergeFragmentTempl(rows, datastar.WithSelector("#users-table > tbody")); err != nil {
					return err
				}
				return sse.MarshalAndMergeSignals(admin.UsersSignals{ActiveCount: d.active})
			})
		},
	})
}
