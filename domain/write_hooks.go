package domain

import (
	"errors"
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/catalog"
)

// clientKey is the custom-data key that marks a record written by a
// client: the REST API (users and superusers, the /_/ dashboard included)
// or the sync endpoint. See MarkClient.
const clientKey = "@fieldopsClient"

// MarkClient records on r that auth (a users or _superusers record)
// writes it through the REST API or the sync endpoint. The write hooks
// then apply what a client may not choose: the team scope of the caller,
// the fields the server sets (authors, hashes, costs, flags), proof only
// through its upload protocol, bounded times. Domain functions called by
// the pages set those fields themselves and are not marked.
func MarkClient(r, auth *core.Record) { r.Set(clientKey, auth) }

// clientOf returns the client that writes r (see MarkClient).
func clientOf(r *core.Record) (*core.Record, bool) {
	a, ok := r.Get(clientKey).(*core.Record)
	return a, ok && a != nil
}

// clientUser returns the tenant user that writes r as a client; nil for
// superusers and for writes of the domain (pages, workers, seeds).
func clientUser(r *core.Record) *core.Record {
	if a, ok := clientOf(r); ok && a.Collection().Name == CollectionUsers {
		return a
	}
	return nil
}

// proofCollections are created only by their upload protocol
// (AddPhoto, AddSignature: the page, /api/fieldops/uploads) and never
// edited by a client.
func proofCollection(name string) bool {
	return name == CollectionPhotos || name == CollectionSignatures
}

// bindWriteHooks binds the rules every write of a business collection
// goes through, whatever its path (issue #14):
//
//   - REST API: the caller is the actor of the audit trail and the record
//     is marked as a client's; proof (photos, signatures) cannot be
//     created or edited through it, even by a superuser; a domain refusal
//     answers its message in the caller's language with the status of
//     its code (400 invalid, 403 forbidden, 409 conflict) instead of
//     PocketBase's "Failed to create record";
//   - every save: number bounds (quantities, durations, money) and event
//     times (write_bounds.go), then the collections' own rules
//     (time_hooks.go, proof_hooks.go, stock moves, purchase orders).
func bindWriteHooks(app core.App) {
	api := &hook.Handler[*core.RecordRequestEvent]{Id: "fieldopsWriteAPI", Func: apiWrite}
	app.OnRecordCreateRequest().Bind(api)
	app.OnRecordUpdateRequest().Bind(api)
	app.OnRecordDeleteRequest().Bind(api)
	app.OnRecordValidate().Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsWriteBounds", Func: checkBounds})
	bindSiteMoveHooks(app)
	bindConflictHooks(app)
	bindTimeHooks(app)
	bindProofHooks(app)
	bindIncidentImpactHooks(app)
	bindStockHooks(app)
}

// apiWrite marks a REST API write as a client's and maps its refusals.
func apiWrite(e *core.RecordRequestEvent) error {
	col := e.Collection
	if col == nil || col.System || col.IsView() {
		return e.Next()
	}
	if e.Auth != nil {
		MarkClient(e.Record, e.Auth)
		if e.Auth.Collection().Name == CollectionUsers && ActorOf(e.Record) == "system" {
			SetActor(e.Record, e.Auth.Id)
		}
	}
	if proofCollection(col.Name) && e.Request.Method != http.MethodDelete {
		return apiAnswer(e, Errorf(EForbidden, "err.write.proof_protocol"))
	}
	return apiAnswer(e, e.Next())
}

// apiAnswer turns a domain refusal into the REST API's answer: the
// message in the caller's language, the status of its code and, for a
// field error, PocketBase's per-field data. Other errors pass as they are.
func apiAnswer(e *core.RecordRequestEvent, err error) error {
	if err == nil {
		return nil
	}
	cause := err
	var ae *router.ApiError
	if errors.As(err, &ae) {
		raw, ok := ae.RawData().(error)
		if !ok {
			return err
		}
		cause = raw
	}
	var de *Error
	if !errors.As(cause, &de) || de.Code == EInternal {
		return err
	}
	pref := ""
	if e.Auth != nil {
		pref = e.Auth.GetString("locale")
	}
	msg := de.Text().In(catalog.Negotiate(pref, e.Request.Header.Get("Accept-Language")))
	var data any
	if de.Field != "" {
		data = validation.Errors{de.Field: validation.NewError(de.Key, msg)}
	}
	switch de.Code {
	case EForbidden:
		return router.NewApiError(http.StatusForbidden, msg, data)
	case EConflict:
		return router.NewApiError(http.StatusConflict, msg, data)
	}
	// NB: ENotFound here is a reference to a missing record: bad input.
	return router.NewApiError(http.StatusBadRequest, msg, data)
}

// SaveError turns PocketBase's field validation errors of a save (a
// unique value taken, a value out of the schema's bounds) into a field
// error (EInvalid) that every path answers with a 400 and its message;
// other errors pass unchanged.
func SaveError(err error) error { return resSaveError(err) }

// originalOf returns the stored state of a record being updated (nil
// for a create).
func originalOf(e *core.RecordEvent) *core.Record {
	if e.Record.IsNew() {
		return nil
	}
	if o := e.Record.Original(); o != nil && o.Id != "" {
		return o
	}
	// NB: a record built with NewRecord and saved in process has a blank
	// original: read the stored row.
	if stored, err := e.App.FindRecordById(e.Record.Collection(), e.Record.Id); err == nil {
		return stored
	}
	return nil
}

// keep restores fields of r to their stored values (orig), or blanks
// them on a create: the fields a client may not write.
func keep(r, orig *core.Record, fields ...string) {
	for _, f := range fields {
		if orig == nil {
			r.Set(f, nil)
		} else {
			r.Set(f, orig.Get(f))
		}
	}
}

// siteRecord returns the site of id, or nil.
func siteRecord(app core.App, id string) *core.Record {
	if id == "" {
		return nil
	}
	s, err := app.FindRecordById(CollectionSites, id)
	if err != nil {
		return nil
	}
	return s
}

// checkClientSiteMove refuses a client's update that moves a record to
// a site the caller may not run day to day (the API rules judge the
// stored site, this the new one).
func checkClientSiteMove(app core.App, r, orig *core.Record) error {
	u := clientUser(r)
	if u == nil || orig == nil || r.GetString("site") == orig.GetString("site") {
		return nil
	}
	if !CanEditSiteDay(u, siteRecord(app, r.GetString("site"))) {
		return Errorf(EForbidden, "err.write.site_forbidden")
	}
	return nil
}

// bindConflictHooks lets a client settle a sync conflict and nothing
// else: only its status changes, and the server names who settled it.
func bindConflictHooks(app core.App) {
	app.OnRecordUpdateExecute(CollectionSyncConflicts).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "fieldopsWriteConflict", Func: func(e *core.RecordEvent) error {
			r, orig := e.Record, originalOf(e)
			if u := clientUser(r); u != nil && orig != nil {
				for _, f := range r.Collection().Fields {
					if n := f.GetName(); n != "status" && n != "updated" {
						keep(r, orig, n)
					}
				}
				if r.GetString("status") == ConflictResolved && orig.GetString("status") != ConflictResolved {
					r.Set("resolved_by", u.Id)
				}
			}
			return e.Next()
		}})
}

// bindSiteMoveHooks checks site moves of day-to-day records on update.
func bindSiteMoveHooks(app core.App) {
	app.OnRecordUpdateExecute(CollectionTasks, CollectionPhases, CollectionMilestones, CollectionDocuments, CollectionIncidents, CollectionBaselines).Bind(
		&hook.Handler[*core.RecordEvent]{Id: "fieldopsWriteSiteMove", Func: func(e *core.RecordEvent) error {
			if err := checkClientSiteMove(e.App, e.Record, originalOf(e)); err != nil {
				return err
			}
			return e.Next()
		}})
}
