package domain

import (
	"encoding/json"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// eraser applies an erasure to the records of personData inside the
// erasure's transaction. It writes with plain SQL on purpose: the
// erasure's one audit event records what changed (a per-record audit
// event would copy the erased values into the chain), and proof or closed
// periods, immutable to users, must yield to the law.
type eraser struct {
	tx  core.App
	pd  *personData
	out *Erasure
	// personal maps "collection/id" to the fields whose values the audit
	// events about that record lose ("*": all of them).
	personal map[string][]string
	files    []string // storage paths removed after the commit
}

// eraseAll erases the user record, the records the rules name, the
// signatures, checklist answers, positions and sessions of the person.
func (e *eraser) eraseAll() error {
	u := e.pd.User
	if err := e.update(u.Record, map[string]any{
		"name": e.out.Pseudonym, "email": "erased-" + u.Id + erasedDomain, "emailVisibility": false, "verified": false,
		"phone": "", "avatar": "", "last_login": "", "digest_sent_at": "", "active": false, "tenant_admin": false,
		"notify_digest": false, "password": "!" + randomSecret(), "tokenKey": randomSecret(),
	}, []string{"avatar"}); err != nil {
		return err
	}
	e.personal[CollectionUsers+"/"+u.Id] = userPersonalFields
	for col, recs := range e.pd.Owned {
		rule := gdprRules[col]
		for _, r := range recs {
			switch rule.Erase {
			case eraseDelete:
				if _, err := e.tx.DB().Delete(col, dbx.HashExp{"id": r.Id}).Execute(); err != nil {
					return err
				}
				e.files = append(e.files, r.BaseFilesPath())
				e.personal[col+"/"+r.Id] = []string{"*"}
				e.out.Changed[col]++
			case eraseClear:
				set := map[string]any{}
				for _, f := range rule.Clear {
					set[f] = zeroOf(r, f)
				}
				drop := rule.Files
				if col == CollectionPhotos && r.GetString("derived") != "" {
					// NB: the original keeps its EXIF (place, device); the
					// derived proof image has none and stays.
					set["file"], drop = "", append(drop, "file")
				}
				if err := e.update(r, set, drop); err != nil {
					return err
				}
				e.personal[col+"/"+r.Id] = append(rule.Clear, drop...)
			}
		}
	}
	if err := e.eraseSignatures(e.pd.Signatures); err != nil {
		return err
	}
	if err := e.eraseAnswers(); err != nil {
		return err
	}
	for _, p := range e.pd.Positions {
		if _, err := e.tx.DB().Delete(CollectionVehiclePositions, dbx.HashExp{"id": p.Id}).Execute(); err != nil {
			return err
		}
		e.out.Changed[CollectionVehiclePositions]++
	}
	n, err := deleteSessions(e.tx, u.Id)
	if n > 0 {
		e.out.Changed["sessions"] = n
	}
	return err
}

// eraseSignatures pseudonymises the signer of sigs and removes their
// place and image (the document hash and time stay).
func (e *eraser) eraseSignatures(sigs []*core.Record) error {
	for _, s := range sigs {
		if err := e.update(s, map[string]any{"signer_name": e.out.Pseudonym, "lat": 0, "lng": 0, "accuracy": 0, "image": ""}, []string{"image"}); err != nil {
			return err
		}
		e.personal[CollectionSignatures+"/"+s.Id] = []string{"signer_name", "lat", "lng", "accuracy", "image"}
	}
	return nil
}

// update sets fields of r with SQL and queues the files of drop fields
// for removal.
func (e *eraser) update(r *core.Record, set map[string]any, drop []string) error {
	if len(set) == 0 {
		return nil
	}
	if _, err := e.tx.DB().Update(r.Collection().Name, dbx.Params(set), dbx.HashExp{"id": r.Id}).Execute(); err != nil {
		return err
	}
	for _, f := range drop {
		for _, name := range r.GetStringSlice(f) {
			e.files = append(e.files, r.BaseFilesPath()+"/"+name, r.BaseFilesPath()+"/thumbs_"+name+"/")
		}
	}
	e.out.Changed[r.Collection().Name]++
	return nil
}

// eraseAnswers replaces the person's name in the checklist answers they
// gave (the id stays: it names the pseudonymised user).
func (e *eraser) eraseAnswers() error {
	for _, run := range e.pd.Checklists {
		answers := map[string]ChecklistAnswer{}
		if err := json.Unmarshal([]byte(run.GetString("answers")), &answers); err != nil {
			continue // NB: unreadable answers hold nothing we can name
		}
		for k, a := range answers {
			if a.By == e.pd.User.Id {
				a.ByName = e.out.Pseudonym
				answers[k] = a
			}
		}
		raw, _ := json.Marshal(answers)
		if err := e.update(run, map[string]any{"answers": string(raw)}, nil); err != nil {
			return err
		}
	}
	return nil
}

// zeroOf is the empty value of a field of r (0 for numbers, "" else).
func zeroOf(r *core.Record, field string) any {
	if f := r.Collection().Fields.GetByName(field); f != nil && f.Type() == core.FieldTypeNumber {
		return 0
	}
	return ""
}

// removeFiles deletes files (a path ending in "/" or naming a record's
// directory: everything under it) from the tenant storage; it returns
// how many paths held something.
func removeFiles(app core.App, paths []string) int {
	fsys, err := app.NewFilesystem()
	if err != nil {
		app.Logger().Warn("gdpr: storage", "error", err)
		return 0
	}
	defer fsys.Close()
	n := 0
	for _, p := range paths {
		if err := fsys.Delete(p); err == nil {
			n++
			continue
		}
		if errs := fsys.DeletePrefix(p); len(errs) == 0 {
			n++
		}
	}
	return n
}
