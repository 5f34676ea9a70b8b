package domain

import (
	"io"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// IsClientContactSubject tells whether a GDPR subject (FindGDPRSubject)
// is a client contact of the client portal rather than a user: its record
// is then a client_contacts record.
func IsClientContactSubject(u User) bool {
	return u.Record != nil && u.Collection().Name == CollectionClientContacts
}

// findContactSubject returns the client contact named by id or e-mail
// (case-insensitive). An e-mail known to contacts of several clients is
// ambiguous: the contact's id must be given (err.gdpr.ambiguous_contact
// lists them).
func findContactSubject(app core.App, person string) (User, bool, error) {
	if r, err := app.FindRecordById(CollectionClientContacts, person); err == nil {
		return User{r}, true, nil
	}
	recs, err := app.FindAllRecords(CollectionClientContacts, dbx.NewExp("LOWER(email) = {:e}", dbx.Params{"e": strings.ToLower(person)}))
	switch {
	case err != nil:
		return User{}, false, err
	case len(recs) == 1:
		return User{recs[0]}, true, nil
	case len(recs) > 1:
		ids := make([]string, len(recs))
		for i, r := range recs {
			ids[i] = r.Id
		}
		return User{}, false, Errorf(EConflict, "err.gdpr.ambiguous_contact", person, strings.Join(ids, ", "))
	}
	return User{}, false, nil
}

// contactData is every record of a tenant about one client contact: its
// accesses to the portal (invitations), the signatures it gave (from the
// portal, or by its name on the office's tablet), the audit events it
// made (actor client:<id>) or that are about its contact and access
// records, and the sessions its links opened.
type contactData struct {
	Contact    *core.Record
	Accesses   []*core.Record
	Signatures []*core.Record
}

// gatherContact reads everything the tenant holds about the contact c.
func gatherContact(app core.App, c *core.Record) (*contactData, error) {
	cd := &contactData{Contact: c}
	var err error
	if cd.Accesses, err = app.FindAllRecords(CollectionClientAccess, dbx.HashExp{"contact": c.Id}); err != nil {
		return nil, err
	}
	named, err := signaturesNamed(app, c.GetString("name"))
	if err != nil {
		return nil, err
	}
	// NB: what the contact signed on the portal names it as the actor of
	// the signature's creation, whatever name it typed.
	var ids []string
	if err := app.DB().Select("record").From(CollectionAuditEvents).Where(dbx.HashExp{
		"collection": CollectionSignatures, "action": "create", "actor": ClientActor(c.Id)}).Column(&ids); err != nil {
		return nil, err
	}
	signed, err := app.FindRecordsByIds(CollectionSignatures, ids)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, s := range append(named, signed...) {
		if !seen[s.Id] {
			seen[s.Id] = true
			cd.Signatures = append(cd.Signatures, s)
		}
	}
	return cd, nil
}

// accessIDs returns the ids of the contact's accesses.
func (cd *contactData) accessIDs() []any {
	out := make([]any, len(cd.Accesses))
	for i, a := range cd.Accesses {
		out[i] = a.Id
	}
	return out
}

// sessions is the sessions the contact's links opened (kind client_access).
func (cd *contactData) sessions() dbx.Expression {
	return dbx.And(dbx.HashExp{"collection": CollectionClientAccess}, dbx.In("record", cd.accessIDs()...))
}

// exportContact writes the export of a client contact (ExportPerson):
// person.json (the contact), client_access, signatures, audit_events
// (made by the contact or about its records) and sessions, with the
// signature images.
func exportContact(app core.App, actorID string, u User, w io.Writer) (PersonExport, error) {
	cd, err := gatherContact(app, u.Record)
	if err != nil {
		return PersonExport{}, err
	}
	docs := map[string]any{"person": exportFields(u.Record), CollectionClientAccess: exportRecords(cd.Accesses),
		CollectionSignatures: exportRecords(cd.Signatures)}
	events, err := readAuditRows(app, dbx.Or(dbx.HashExp{"actor": ClientActor(u.Id)}, dbx.HashExp{"record": u.Id}, dbx.In("record", cd.accessIDs()...)))
	if err != nil {
		return PersonExport{}, err
	}
	docs[CollectionAuditEvents] = events
	sessions := []struct {
		Created int64 `db:"created" json:"created"`
		Expires int64 `db:"expires" json:"expires"`
	}{}
	if err := app.DB().Select("created", "expires").From("sessions").Where(cd.sessions()).All(&sessions); err != nil {
		return PersonExport{}, err
	}
	docs["sessions"] = sessions
	return writePersonExport(app, actorID, u.Record, docs, map[string][]*core.Record{CollectionSignatures: cd.Signatures}, w)
}

// contactPersonalFields are the fields of a client contact an erasure
// pseudonymises or blanks.
var contactPersonalFields = []string{"name", "email", "phone"}

// eraseContact erases a client contact (ErasePerson): its record is
// pseudonymised (name, an undeliverable e-mail, no phone), its accesses
// revoked (links and sessions stop working) and their last path blanked,
// its sessions deleted, its signatures lose name, place and image, and
// the audit events carrying its values are redacted as for a user. Its
// id stays in the audit trail (actor client:<id>), naming the pseudonym.
func eraseContact(app core.App, actorID string, u User) (Erasure, error) {
	fresh, err := app.FindRecordById(CollectionClientContacts, u.Id)
	if err != nil {
		return Erasure{}, Errorf(ENotFound, "err.gdpr.unknown_person", u.Id)
	}
	if strings.HasSuffix(fresh.GetString("email"), erasedDomain) {
		return Erasure{}, Errorf(EConflict, "err.gdpr.already_erased")
	}
	return runErasure(app, actorID, fresh, func(e *eraser) error {
		cd, err := gatherContact(e.tx, fresh)
		if err != nil {
			return err
		}
		if err := e.update(fresh, map[string]any{"name": e.out.Pseudonym, "email": "erased-" + fresh.Id + erasedDomain, "phone": ""}, nil); err != nil {
			return err
		}
		e.personal[CollectionClientContacts+"/"+fresh.Id] = contactPersonalFields
		for _, a := range cd.Accesses {
			if err := e.update(a, map[string]any{"revoked": true, "last_path": ""}, nil); err != nil {
				return err
			}
			e.personal[CollectionClientAccess+"/"+a.Id] = []string{"last_path"}
		}
		if err := e.eraseSignatures(cd.Signatures); err != nil {
			return err
		}
		res, err := e.tx.DB().Delete("sessions", cd.sessions()).Execute()
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			e.out.Changed["sessions"] = int(n)
		}
		return nil
	})
}

// contactSummary counts the records the tenant holds about a client
// contact, by collection (PersonSummary).
func contactSummary(app core.App, u User) (map[string]int, error) {
	cd, err := gatherContact(app, u.Record)
	if err != nil {
		return nil, err
	}
	out := map[string]int{CollectionClientContacts: 1}
	for col, n := range map[string]int{CollectionClientAccess: len(cd.Accesses), CollectionSignatures: len(cd.Signatures)} {
		if n > 0 {
			out[col] = n
		}
	}
	return out, nil
}
