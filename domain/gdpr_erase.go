package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// erasedDomain is the e-mail domain of erased users (RFC 2606: never
// delivered).
const erasedDomain = "@erased.invalid"

// Erasure is the result of ErasePerson: the pseudonym, the records
// changed or deleted per collection, the files removed and the seq of the
// erasure's audit event.
type Erasure struct {
	Person    string         `json:"person"`
	Pseudonym string         `json:"pseudonym"`
	Changed   map[string]int `json:"changed"`
	Files     int            `json:"files"`
	Redacted  int            `json:"redacted"`
	Seq       int64          `json:"seq"`
}

// ErasePerson erases a person from the tenant (GDPR art. 17) in one
// transaction: their user record is pseudonymised ("Personne effacée
// #…", an undeliverable e-mail, no phone nor avatar) and deactivated,
// their sessions end, the personal fields of their records are blanked
// or the records deleted (gdprRules), their signatures lose name, place
// and image, and the audit events carrying their personal values are
// redacted, listed in the erasure's own audit event (see Redaction) so
// that the chain still verifies. Business facts stay: hours, costs,
// approvals. actor is a tenant admin (nil: the operator on the host). A
// client contact (IsClientContactSubject) is erased the same way
// (eraseContact).
func ErasePerson(app core.App, actor *core.Record, u User) (Erasure, error) {
	actorID, err := gdprActor(actor)
	if err != nil {
		return Erasure{}, err
	}
	if IsClientContactSubject(u) {
		return eraseContact(app, actorID, u)
	}
	fresh, err := app.FindRecordById(CollectionUsers, u.Id)
	if err != nil {
		return Erasure{}, Errorf(ENotFound, "err.gdpr.unknown_person", u.Id)
	}
	u = User{fresh}
	switch {
	case actor != nil && actor.Id == u.Id:
		return Erasure{}, Errorf(EForbidden, "err.gdpr.self")
	case strings.HasSuffix(u.GetString("email"), erasedDomain):
		return Erasure{}, Errorf(EConflict, "err.gdpr.already_erased")
	}
	return runErasure(app, actorID, u.Record, func(e *eraser) error {
		pd, err := gatherPerson(e.tx, u)
		if err != nil {
			return err
		}
		e.pd = pd
		return e.eraseAll()
	})
}

// runErasure erases person (a user or a client contact record) in one
// transaction once the audit chain verifies: erase blanks or deletes its
// records through the eraser (listing the personal fields of each), then
// the audit events carrying the person's values are redacted and the
// erasure's own audit event lists the redactions, so that the chain still
// verifies; the files go after the commit.
func runErasure(app core.App, actorID string, person *core.Record, erase func(*eraser) error) (Erasure, error) {
	rep, err := VerifyAuditChain(app)
	if err != nil {
		return Erasure{}, err
	}
	if !rep.OK {
		return Erasure{}, Errorf(EConflict, "err.gdpr.chain_broken")
	}
	sum := sha256.Sum256([]byte(person.Id))
	out := Erasure{Person: person.Id, Pseudonym: "Personne effacée #" + hex.EncodeToString(sum[:3]), Changed: map[string]int{}}
	terms := personalTerms(User{person})
	var removals []string
	err = app.RunInTransaction(func(tx core.App) error {
		e := &eraser{tx: tx, out: &out, personal: map[string][]string{}}
		if err := erase(e); err != nil {
			return err
		}
		removals = e.files
		by, err := auditTailSeq(tx)
		if err != nil {
			return err
		}
		red, err := redactAuditEvents(tx, by+1, func(ev AuditEvent) (map[string]any, bool) {
			return redactEvent(ev, e.personal, terms, out.Pseudonym)
		})
		if err != nil {
			return err
		}
		out.Redacted = len(red)
		ev, err := appendAuditEvent(tx, actorID, AuditErase, person.Collection().Name, person.Id, map[string]any{
			"pseudonym": out.Pseudonym, "changed": out.Changed, "files": len(e.files), "redacted": red,
		})
		out.Seq = ev.Seq
		return err
	})
	if err != nil {
		return Erasure{}, err
	}
	out.Files = removeFiles(app, removals)
	return out, nil
}

// gdprActor returns the audit actor of a GDPR action: a tenant admin's id,
// or "cli" for the operator; anyone else is refused.
func gdprActor(actor *core.Record) (string, error) {
	if actor == nil {
		return "cli", nil
	}
	if !CanManageGDPR(actor) {
		return "", Errorf(EForbidden, "err.gdpr.admin_only")
	}
	return actor.Id, nil
}

// personalTerms are the strings that identify the person in free text
// (name, e-mail, phone), long enough not to match by accident.
func personalTerms(u User) []string {
	var out []string
	for _, f := range []string{"name", "email", "phone"} {
		if s := strings.TrimSpace(u.GetString(f)); len([]rune(s)) >= 4 {
			out = append(out, s)
		}
	}
	return out
}

// redactEvent returns ev's diff with the person's values replaced:
// fields named personal for this record, and the person's name, e-mail or
// phone anywhere in a text.
func redactEvent(ev AuditEvent, personal map[string][]string, terms []string, pseudonym string) (map[string]any, bool) {
	fields := personal[ev.Collection+"/"+ev.Record]
	changed := false
	out := make(map[string]any, len(ev.Diff))
	for k, v := range ev.Diff {
		if k == ErasedKey {
			out[k] = v
			continue
		}
		if containsField(fields, k) || containsField(fields, "*") {
			out[k] = ErasedValue
			changed = changed || v != ErasedValue
			continue
		}
		nv, c := scrubValue(v, terms, pseudonym)
		out[k], changed = nv, changed || c
	}
	return out, changed
}

func containsField(list []string, f string) bool {
	for _, s := range list {
		if s == f {
			return true
		}
	}
	return false
}

// scrubValue replaces the terms (case-insensitive) in every text of v.
func scrubValue(v any, terms []string, pseudonym string) (any, bool) {
	switch x := v.(type) {
	case string:
		s := x
		for _, t := range terms {
			s = replaceFold(s, t, pseudonym)
		}
		return s, s != x
	case []any:
		out, changed := make([]any, len(x)), false
		for i, e := range x {
			var c bool
			out[i], c = scrubValue(e, terms, pseudonym)
			changed = changed || c
		}
		return out, changed
	case map[string]any:
		out, changed := make(map[string]any, len(x)), false
		for k, e := range x {
			var c bool
			out[k], c = scrubValue(e, terms, pseudonym)
			changed = changed || c
		}
		return out, changed
	}
	return v, false
}

// replaceFold replaces every case-insensitive occurrence of old in s
// (case-sensitive when lower-casing changes a byte length).
func replaceFold(s, old, repl string) string {
	ls, lo := strings.ToLower(s), strings.ToLower(old)
	if len(ls) != len(s) || len(lo) != len(old) {
		return strings.ReplaceAll(s, old, repl)
	}
	var b strings.Builder
	for {
		i := strings.Index(ls, lo)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, ls = s[i+len(old):], ls[i+len(lo):]
	}
}

// randomSecret returns 32 random hex characters.
func randomSecret() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// deleteSessions deletes the person's sessions (plain table, not audited).
func deleteSessions(tx core.App, userID string) (int, error) {
	res, err := tx.DB().Delete("sessions", dbx.HashExp{"collection": CollectionUsers, "record": userID}).Execute()
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
