package layouts

import (
	"context"

	"github.com/fieldops360/fieldops/views/i18n"
)

// crewTextKeys are the messages crew.js shows on the phone (form checks,
// refused sends, upload progress), in the page's language; "what.*" name
// a queued operation as the office inbox does.
var crewTextKeys = map[string]string{
	"refused_title": "crewapp.refused.title", "refused_hint": "crewapp.refused.hint", "fix": "crewapp.refused.fix",
	"discard": "crewapp.refused.discard", "discard_confirm": "crewapp.refused.discard_confirm", "queued_at": "crewapp.refused.at",
	"fixing": "crewapp.refused.fixing", "upload": "crewapp.upload.progress", "upload_done": "crewapp.upload.done",
	"required": "crewapp.v.required", "choose": "crewapp.v.choose", "check": "crewapp.v.check", "min": "crewapp.v.min",
	"max": "crewapp.v.max", "number": "crewapp.v.number", "file": "crewapp.v.file", "logout_pending": "crewapp.logout.pending",
	"what.photo": "inbox.what.photos.create", "what.signature": "inbox.what.signatures.create",
	"what.incidents.create": "inbox.what.incidents.create", "what.time_entries.create": "inbox.what.time_entries.create",
	"what.time_entries.update": "inbox.what.time_entries.update", "what.stock_moves.create": "inbox.what.stock_moves.create",
	"what.tasks.update": "inbox.what.tasks.update", "what.checklist_runs.update": "inbox.what.checklist_runs.update",
	"what.checklist_runs.create": "inbox.what.checklist_runs.create", "urgent": "crewapp.refused.urgent",
}

// CrewTexts returns crew.js's messages translated for ctx.
func CrewTexts(ctx context.Context) map[string]string {
	out := make(map[string]string, len(crewTextKeys))
	for k, key := range crewTextKeys {
		out[k] = i18n.T(ctx, key)
	}
	return out
}
