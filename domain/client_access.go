package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// ClientAccessTTL is how long an invitation of a client contact lasts
// (the magic link and the session it opens), unless renewed.
const ClientAccessTTL = 30 * 24 * time.Hour

// clientTouchEvery bounds how often a page view records the access's
// last use (an audited update); downloads always record it.
const clientTouchEvery = 5 * time.Minute

// Refusals of a magic link (HTTP 410 with a page saying why, never data).
var (
	ErrClientLinkInvalid = Errorf(EGone, "err.portal.link_invalid")
	ErrClientLinkUsed    = Errorf(EGone, "err.portal.link_used")
	ErrClientLinkExpired = Errorf(EGone, "err.portal.link_expired")
	ErrClientLinkRevoked = Errorf(EGone, "err.portal.link_revoked")
)

// ClientInvite is what the office fills in to invite a client contact.
type ClientInvite struct {
	ClientID string
	Name     string
	Email    string
	Phone    string
	Locale   string // "fr" (default) or "en"
	SiteIDs  []string
}

// ClientLink is an issued magic link: its URL (shown to the office to
// copy when it was not mailed), expiry and delivery.
type ClientLink struct {
	URL       string
	Expires   time.Time
	AccessID  string
	ContactID string
	Mailed    bool
	MailErr   error
}

// CanInviteClients reports whether u may invite, renew and revoke client
// contacts: managers, project managers and tenant admins.
func CanInviteClients(u *core.Record) bool {
	if u == nil || u.Collection().Name != CollectionUsers || !u.GetBool("active") {
		return false
	}
	r := u.GetString("role")
	return r == RoleManager || r == RoleProjectManager || u.GetBool("tenant_admin")
}

func clientTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func clientLinkURL(baseURL, token string) string {
	return strings.TrimRight(baseURL, "/") + "/client/link/" + token
}

// InviteClientContact creates (or updates, by e-mail within the client)
// the contact and a fresh access to inv.SiteIDs, every one a site of that
// client, valid ClientAccessTTL; the link is mailed when a mail server is
// configured. Audited as by.
func InviteClientContact(app core.App, inv ClientInvite, by *core.Record, baseURL string, now time.Time) (ClientLink, error) {
	if !CanInviteClients(by) {
		return ClientLink{}, Errorf(EForbidden, "err.portal.invite_forbidden")
	}
	inv.Email = strings.ToLower(strings.TrimSpace(inv.Email))
	inv.Name = strings.TrimSpace(inv.Name)
	if inv.Locale != "en" {
		inv.Locale = "fr"
	}
	if inv.Name == "" {
		return ClientLink{}, FieldError("name", "err.portal.name_required")
	}
	if !strings.Contains(inv.Email, "@") {
		return ClientLink{}, FieldError("email", "err.portal.email_invalid")
	}
	client, err := FindClient(app, inv.ClientID)
	if err != nil {
		return ClientLink{}, FieldError("client", "err.portal.unknown_client")
	}
	sites, err := clientSitesAmong(app, client.Id, inv.SiteIDs)
	if err != nil {
		return ClientLink{}, err
	}
	var link ClientLink
	var contact *core.Record
	err = app.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCollectionByNameOrId(CollectionClientContacts)
		if err != nil {
			return err
		}
		contact, err = tx.FindFirstRecordByFilter(col, "client = {:c} && email = {:e}", dbx.Params{"c": client.Id, "e": inv.Email})
		if err != nil {
			contact = core.NewRecord(col)
			contact.Set("client", client.Id)
			contact.Set("email", inv.Email)
		}
		contact.Set("name", inv.Name)
		if inv.Phone != "" {
			contact.Set("phone", strings.TrimSpace(inv.Phone))
		}
		contact.Set("locale", inv.Locale)
		SetActor(contact, by.Id)
		if err := tx.Save(contact); err != nil {
			return err
		}
		acol, err := tx.FindCollectionByNameOrId(CollectionClientAccess)
		if err != nil {
			return err
		}
		access := core.NewRecord(acol)
		access.Set("contact", contact.Id)
		access.Set("sites", sites)
		access.Set("invited_by", by.Id)
		link, err = issueClientToken(tx, access, by.Id, baseURL, now)
		return err
	})
	if err != nil {
		return ClientLink{}, err
	}
	return mailClientLink(app, contact, link, false), nil
}

// clientSitesAmong checks that ids name at least one site, every one of
// the client, and returns them without duplicates.
func clientSitesAmong(app core.App, clientID string, ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		if id == "" || slices.Contains(out, id) {
			continue
		}
		s, err := FindSite(app, id)
		if err != nil || s.ClientID() != clientID {
			return nil, FieldError("sites", "err.portal.site_not_of_client")
		}
		out = append(out, id)
	}
	if len(out) == 0 {
		return nil, FieldError("sites", "err.portal.sites_required")
	}
	return out, nil
}

// issueClientToken gives access a fresh single-use token valid
// ClientAccessTTL from now and saves it as actor.
func issueClientToken(tx core.App, access *core.Record, actor, baseURL string, now time.Time) (ClientLink, error) {
	token := security.RandomString(43)
	expires := now.Add(ClientAccessTTL)
	access.Set("token_hash", clientTokenHash(token))
	access.Set("expires", expires)
	access.Set("used", nil)
	SetActor(access, actor)
	if err := tx.Save(access); err != nil {
		return ClientLink{}, err
	}
	return ClientLink{URL: clientLinkURL(baseURL, token), Expires: expires, AccessID: access.Id, ContactID: access.GetString("contact")}, nil
}

// RenewClientAccess issues a new link for an access (the previous link
// stops working), valid ClientAccessTTL from now; a revoked access is not
// renewed (invite again). Mailed when configured; audited as by.
func RenewClientAccess(app core.App, accessID string, by *core.Record, baseURL string, now time.Time) (ClientLink, error) {
	if !CanInviteClients(by) {
		return ClientLink{}, Errorf(EForbidden, "err.portal.invite_forbidden")
	}
	var link ClientLink
	var contact *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		access, err := tx.FindRecordById(CollectionClientAccess, accessID)
		if err != nil {
			return Errorf(ENotFound, "err.portal.not_found")
		}
		if access.GetBool("revoked") {
			return Errorf(EConflict, "err.portal.renew_revoked")
		}
		if contact, err = tx.FindRecordById(CollectionClientContacts, access.GetString("contact")); err != nil {
			return err
		}
		link, err = issueClientToken(tx, access, by.Id, baseURL, now)
		return err
	})
	if err != nil {
		return ClientLink{}, err
	}
	return mailClientLink(app, contact, link, true), nil
}

// RevokeClientAccess ends an access at once: its link stops working and
// its sessions end. Audited as by.
func RevokeClientAccess(app core.App, accessID string, by *core.Record) error {
	if !CanInviteClients(by) {
		return Errorf(EForbidden, "err.portal.invite_forbidden")
	}
	return app.RunInTransaction(func(tx core.App) error {
		access, err := tx.FindRecordById(CollectionClientAccess, accessID)
		if err != nil {
			return Errorf(ENotFound, "err.portal.not_found")
		}
		access.Set("revoked", true) // NB: the token's hash stays, so its link says "revoked"
		SetActor(access, by.Id)
		if err := tx.Save(access); err != nil {
			return err
		}
		return dropSessionsOf(tx, CollectionClientAccess, access.Id)
	})
}

// ExchangeClientToken uses a magic link: the access it names, now marked
// used (a link works once; audited as the contact). Unknown, used,
// expired and revoked links are refused with their own ErrClientLink….
func ExchangeClientToken(app core.App, token string, now time.Time) (ClientAcces, error) {
	if len(token) < 20 {
		return ClientAcces{}, ErrClientLinkInvalid
	}
	var out ClientAcces
	// NB: read and mark in one write transaction: two requests with the
	// same link cannot both use it, a revocation cannot be undone.
	err := app.RunInTransaction(func(tx core.App) error {
		access, err := tx.FindFirstRecordByFilter(CollectionClientAccess, "token_hash = {:h}", dbx.Params{"h": clientTokenHash(token)})
		if err != nil {
			return ErrClientLinkInvalid
		}
		switch {
		case access.GetBool("revoked"):
			return ErrClientLinkRevoked
		case !access.GetDateTime("expires").Time().After(now):
			return ErrClientLinkExpired
		case !access.GetDateTime("used").IsZero():
			return ErrClientLinkUsed
		}
		access.Set("used", now)
		access.Set("last_used", now)
		access.Set("last_path", "/client/link")
		SetActor(access, ClientActor(access.GetString("contact")))
		out = ClientAcces{access}
		return tx.Save(access)
	})
	if err != nil {
		return ClientAcces{}, err
	}
	return out, nil
}

// ClientActor is the audit trail's actor of a client contact's actions.
func ClientActor(contactID string) string { return "client:" + contactID }

// StartClientSession stores the session a used link opens (the sessions
// table, kind client_access), ending with the access at the latest.
func StartClientSession(app core.App, secret string, access ClientAcces, now time.Time) error {
	return StartSession(app, secret, access.Record, now, access.Expires())
}

// ClientSession is a signed-in client contact: the access it came with,
// the contact, its client and the sites it may read (those of the access
// still belonging to the client).
type ClientSession struct {
	Access   ClientAcces
	Contact  ClientContact
	ClientID string
	SiteIDs  []string
}

// HasSite reports whether the session may read the site.
func (s *ClientSession) HasSite(siteID string) bool {
	return s != nil && siteID != "" && slices.Contains(s.SiteIDs, siteID)
}

// LoadClientSession returns the session of a stored client session
// (secret) for access accessID, or ErrSessionEnded when it ended, the
// access was revoked or expired, or the contact is gone.
func LoadClientSession(app core.App, secret, accessID string, now time.Time) (*ClientSession, error) {
	if err := CheckSession(app, secret, accessID, now); err != nil {
		return nil, err
	}
	access, err := FindClientAcces(app, accessID)
	if err != nil || access.Revoked() || !access.Expires().After(now) {
		return nil, ErrSessionEnded
	}
	contact, err := FindClientContact(app, access.ContactID())
	if err != nil {
		return nil, ErrSessionEnded
	}
	s := &ClientSession{Access: access, Contact: contact, ClientID: contact.ClientID()}
	var ids []string
	err = app.DB().Select("id").From(CollectionSites).
		Where(dbx.HashExp{"client": s.ClientID}).AndWhere(dbx.In("id", anySlice(access.SiteIDs())...)).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("client sites: %w", err)
	}
	s.SiteIDs = ids
	return s, nil
}

// TouchClientAccess records that the session's contact used the access
// for path (last_used, last_path: an audited update as the contact):
// always when force (a download), else at most every few minutes. The
// stored access is re-read in the write: one revoked meanwhile is not
// saved back (ErrSessionEnded).
func TouchClientAccess(app core.App, s *ClientSession, path string, now time.Time, force bool) error {
	if !force && now.Sub(s.Access.LastUsed()) < clientTouchEvery {
		return nil
	}
	if len(path) > 300 {
		path = path[:300]
	}
	return app.RunInTransaction(func(tx core.App) error {
		rec, err := tx.FindRecordById(CollectionClientAccess, s.Access.Id)
		if err != nil || rec.GetBool("revoked") {
			return ErrSessionEnded
		}
		rec.Set("last_used", now)
		rec.Set("last_path", path)
		SetActor(rec, ClientActor(s.Contact.Id))
		return tx.Save(rec)
	})
}

// Email returns the contact's address ("email": the typed records leave
// e-mail fields out).
func (c ClientContact) Email() string { return c.GetString("email") }

// SitesOfClient returns a client's sites, by name.
func SitesOfClient(app core.App, clientID string) ([]Site, error) {
	recs, err := app.FindRecordsByFilter(CollectionSites, "client = {:c}", "name", 0, 0, dbx.Params{"c": clientID})
	if err != nil {
		return nil, err
	}
	return AsSites(recs), nil
}
