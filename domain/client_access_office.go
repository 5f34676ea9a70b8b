package domain

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Client access states shown to the office.
const (
	ClientAccessPending = "pending" // link not opened yet
	ClientAccessActive  = "active"
	ClientAccessRevoked = "revoked"
	ClientAccessExpired = "expired"
)

// ClientAccessRow is an access of a contact as the office sees it.
type ClientAccessRow struct {
	ID, State, LastPath string
	Sites               []string // site names
	Expires, LastUsed   time.Time
}

// ClientContactRow is a contact of a client with its accesses, newest
// first.
type ClientContactRow struct {
	ID, Name, Email, Phone, Locale string
	Accesses                       []ClientAccessRow
}

// ClientContactRows returns the contacts of a client with their accesses,
// by name.
func ClientContactRows(app core.App, clientID string, now time.Time) ([]ClientContactRow, error) {
	contacts, err := app.FindRecordsByFilter(CollectionClientContacts, "client = {:c}", "name", 0, 0, dbx.Params{"c": clientID})
	if err != nil {
		return nil, fmt.Errorf("client contacts: %w", err)
	}
	out := make([]ClientContactRow, 0, len(contacts))
	for _, c := range contacts {
		row := ClientContactRow{ID: c.Id, Name: c.GetString("name"), Email: c.GetString("email"), Phone: c.GetString("phone"), Locale: c.GetString("locale")}
		accesses, err := app.FindRecordsByFilter(CollectionClientAccess, "contact = {:c}", "-created", 0, 0, dbx.Params{"c": c.Id})
		if err != nil {
			return nil, fmt.Errorf("client accesses: %w", err)
		}
		if errs := app.ExpandRecords(accesses, []string{"sites"}, nil); len(errs) > 0 {
			return nil, fmt.Errorf("client access sites: %v", errs)
		}
		for _, a := range AsClientAcceses(accesses) {
			r := ClientAccessRow{ID: a.Id, State: clientAccessState(a, now), LastPath: a.LastPath(), Expires: a.Expires(), LastUsed: a.LastUsed()}
			for _, s := range a.ExpandedSites() {
				r.Sites = append(r.Sites, s.Name())
			}
			row.Accesses = append(row.Accesses, r)
		}
		out = append(out, row)
	}
	return out, nil
}

func clientAccessState(a ClientAcces, now time.Time) string {
	switch {
	case a.Revoked():
		return ClientAccessRevoked
	case !a.Expires().After(now):
		return ClientAccessExpired
	case a.Used().IsZero():
		return ClientAccessPending
	}
	return ClientAccessActive
}

// ClientAuditLine is an audited change of a client's contacts or
// accesses: invitations, renewals, revocations and every use.
type ClientAuditLine struct {
	At                       time.Time
	Actor, Action, Record    string
	LastPath                 string // the page or file used, for a use
	Collection, ChangedNames string
}

// ClientAccessAudit returns the latest limit audit events of the client's
// contacts and accesses, newest first.
func ClientAccessAudit(app core.App, clientID string, limit int) ([]ClientAuditLine, error) {
	var ids []string
	err := app.DB().Select("c.id").From(CollectionClientContacts + " c").Where(dbx.HashExp{"c.client": clientID}).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("client audit contacts: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var aids []string
	err = app.DB().Select("id").From(CollectionClientAccess).Where(dbx.In("contact", anySlice(ids)...)).Column(&aids)
	if err != nil {
		return nil, fmt.Errorf("client audit accesses: %w", err)
	}
	var rows []struct {
		At         string `db:"at"`
		Actor      string `db:"actor"`
		Action     string `db:"action"`
		Collection string `db:"collection"`
		Record     string `db:"record"`
		Diff       string `db:"diff"`
	}
	err = app.DB().Select("at", "actor", "action", "collection", "record", "diff").From(CollectionAuditEvents).
		Where(dbx.In("record", anySlice(append(ids, aids...))...)).
		AndWhere(dbx.In("collection", CollectionClientContacts, CollectionClientAccess)).
		OrderBy("seq DESC").Limit(int64(limit)).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("client audit: %w", err)
	}
	out := make([]ClientAuditLine, 0, len(rows))
	for _, r := range rows {
		l := ClientAuditLine{Actor: r.Actor, Action: r.Action, Record: r.Record, Collection: r.Collection}
		l.At, _ = time.Parse("2006-01-02 15:04:05.000Z", r.At)
		var diff map[string]any
		if json.Unmarshal([]byte(r.Diff), &diff) == nil {
			l.LastPath, l.ChangedNames = clientDiffSummary(diff)
		}
		out = append(out, l)
	}
	return out, nil
}

// clientDiffSummary names the fields a change touched and the path of a
// use (last_path's new value).
func clientDiffSummary(diff map[string]any) (path, names string) {
	keys := make([]string, 0, len(diff))
	for k := range diff {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := diff[k]
		if k == "token_hash" || k == "updated" || k == "created" {
			continue
		}
		if names != "" {
			names += ", "
		}
		names += k
		if k == "last_path" {
			switch x := v.(type) {
			case []any:
				if len(x) == 2 {
					path, _ = x[1].(string)
				}
			case string:
				path = x
			}
		}
	}
	return path, names
}
