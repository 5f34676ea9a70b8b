package domain

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// proofEvidence are the fields of a proof record that never change once
// it is stored: what was signed or photographed, by whom, when, where
// and its hashes (a photo's derived image is written later by the photo
// worker, a signature has nothing to add).
var proofEvidence = map[string][]string{
	CollectionPhotos: {"subject", "file", "original_sha256", "taken_at", "lat", "lng", "accuracy", "by", "site"},
	CollectionSignatures: {"subject", "signer_name", "signer_role", "image", "image_sha256", "consent_text", "document_sha256",
		"signed_at", "lat", "lng", "accuracy"},
}

// bindProofHooks keeps proof trustworthy on every path:
//
//   - photos and signatures are created by their protocol only (AddPhoto,
//     AddSignature: the crew pages and the resumable uploads), never by a
//     client of the REST API or the sync endpoint, and their evidence
//     never changes afterwards;
//   - incidents are checked by PrepareIncident whoever saves them, and a
//     client reports them in their own name on a site they may see.
func bindProofHooks(app core.App) {
	app.OnRecordCreateExecute(CollectionPhotos, CollectionSignatures).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "fieldopsProofCreate", Func: func(e *core.RecordEvent) error {
			if _, ok := clientOf(e.Record); ok {
				return Errorf(EForbidden, "err.write.proof_protocol")
			}
			return e.Next()
		}})
	app.OnRecordUpdateExecute(CollectionPhotos, CollectionSignatures).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "fieldopsProofUpdate", Func: proofUpdated})
	h := &hook.Handler[*core.RecordEvent]{Id: "fieldopsIncident", Func: incidentSaved}
	app.OnRecordCreateExecute(CollectionIncidents).Bind(h)
	app.OnRecordUpdateExecute(CollectionIncidents).Bind(h)
}

// proofUpdated refuses a client's edit of proof and any change of its
// evidence.
func proofUpdated(e *core.RecordEvent) error {
	if _, ok := clientOf(e.Record); ok {
		return Errorf(EForbidden, "err.write.proof_protocol")
	}
	orig := originalOf(e)
	if orig != nil && changed(e.Record, orig, proofEvidence[e.Record.Collection().Name]...) {
		return Errorf(EForbidden, "err.write.proof_immutable")
	}
	return e.Next()
}

// incidentSaved checks an incident (PrepareIncident, its job on its
// site) and, for a client, sets its reporter: the caller on a create
// (on a site they may see), unchanged afterwards.
func incidentSaved(e *core.RecordEvent) error {
	r := e.Record
	orig := originalOf(e)
	if u := clientUser(r); u != nil {
		if orig != nil {
			keep(r, orig, "reported_by")
		} else {
			r.Set("reported_by", u.Id)
			if site := siteRecord(e.App, r.GetString("site")); site != nil && !CanSeeSite(u, site) {
				return Errorf(EForbidden, "err.not_in_site_team")
			}
		}
	}
	if err := PrepareIncident(r); err != nil {
		return err
	}
	if id := r.GetString("task"); id != "" && (orig == nil || changed(r, orig, "task", "site")) {
		t, err := e.App.FindRecordById(CollectionTasks, id)
		if err != nil || t.GetString("site") != r.GetString("site") {
			return FieldError("task", "err.write.task_not_on_site")
		}
	}
	return e.Next()
}
