package domain

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

// Field-level confidentiality. Some fields are readable only by some
// roles, whatever the path (REST list and view, expand, realtime, auth
// answers, audit diffs, search, pages):
//   - people's hourly cost: managers and tenant admins (CanSeePayRates),
//     as on the people pages;
//   - budgets (sites, phases), contract amounts, unit costs, daily rates, incident, maintenance and
//     order amounts: the office roles and site leads (CanSeeCosts), who
//     open the sites, materials and vehicles pages; never crews;
//   - clients' e-mail and phone, other people's e-mails: the same office
//     roles (CanSeeEmails), who open the people and clients pages.
//
// The migration reads_v2 marks these fields hidden in the schema, so that
// only superusers filter or sort on them through the API (no guessing a
// cost by bisection), and the enrich hook below shows them to the roles
// that may read them. A field added to FieldGroups needs a migration that
// hides it (TestConfidentialFieldsHiddenInSchema).

// FieldGroup is a set of confidential fields of one collection and who
// may read them.
type FieldGroup struct {
	Collection string
	Fields     []string
	May        func(viewer *core.Record) bool
}

// FieldGroups returns every confidential field of the tenant schema.
func FieldGroups() []FieldGroup {
	return []FieldGroup{
		{CollectionUsers, []string{"hourly_cost"}, CanSeePayRates},
		{CollectionSites, []string{"budget", "contract_amount"}, CanSeeCosts},
		{CollectionPhases, []string{"budget"}, CanSeeCosts},
		{CollectionVehicles, []string{"daily_rate"}, CanSeeCosts},
		{CollectionEquipment, []string{"daily_rate"}, CanSeeCosts},
		{CollectionMaterials, []string{"unit_cost"}, CanSeeCosts},
		{CollectionStockMoves, []string{"unit_cost"}, CanSeeCosts},
		{CollectionIncidents, []string{"impact_eur"}, CanSeeCosts},
		{CollectionMaintenance, []string{"cost"}, CanSeeCosts},
		{CollectionPurchaseOrders, []string{"total", "lines"}, CanSeeCosts},
		{CollectionClients, []string{"email", "phone"}, CanSeeEmails},
		{CollectionMaterials, []string{"sale_price"}, CanSeeCosts}, // invoicing (issue #18)
	}
}

// officeViewer: an active user who is not a crew member, or a tenant admin.
func officeViewer(u *core.Record) bool {
	return u != nil && u.Collection().Name == CollectionUsers && u.GetBool("active") &&
		(u.GetString("role") != RoleCrew || u.GetBool("tenant_admin"))
}

// CanSeePayRates reports whether u may read people's hourly cost: those
// who manage people (CanManagePeople).
func CanSeePayRates(u *core.Record) bool {
	return u != nil && u.Collection().Name == CollectionUsers && CanManagePeople(u)
}

// CanSeeCosts reports whether u may read budgets, contract amounts and
// unit costs: every role but crews (tenant admins always).
func CanSeeCosts(u *core.Record) bool { return officeViewer(u) }

// CanSeeEmails reports whether u may read other people's e-mail addresses
// and clients' contact details: every role but crews.
func CanSeeEmails(u *core.Record) bool { return officeViewer(u) }

// fieldAccess is FieldGroups by collection, built once per tenant app.
type fieldAccess map[string][]FieldGroup

func newFieldAccess() fieldAccess {
	fa := fieldAccess{}
	for _, g := range FieldGroups() {
		fa[g.Collection] = append(fa[g.Collection], g)
	}
	return fa
}

// HideConfidential hides from r the fields viewer may not read and shows
// those it may (superusers see everything). An audit event loses the
// values of the fields viewer may not read from its diff.
func HideConfidential(r *core.Record, viewer *core.Record) { newFieldAccess().apply(r, viewer) }

func (fa fieldAccess) apply(r *core.Record, viewer *core.Record) {
	if viewer != nil && viewer.IsSuperuser() {
		return
	}
	name := r.Collection().Name
	for _, g := range fa[name] {
		if g.May(viewer) {
			r.Unhide(g.Fields...)
		} else {
			r.Hide(g.Fields...)
		}
	}
	if name == CollectionAuditEvents {
		fa.redactAuditDiff(r, viewer)
	}
}

// redactAuditDiff removes from an audit event's diff the confidential
// fields of the audited collection that viewer may not read.
func (fa fieldAccess) redactAuditDiff(r *core.Record, viewer *core.Record) {
	var hide []string
	for _, g := range fa[r.GetString("collection")] {
		if !g.May(viewer) {
			hide = append(hide, g.Fields...)
		}
	}
	if len(hide) == 0 {
		return
	}
	var diff map[string]any
	if err := r.UnmarshalJSONField("diff", &diff); err != nil || diff == nil {
		return
	}
	n := len(diff)
	for _, f := range hide {
		delete(diff, f)
	}
	if len(diff) != n {
		r.Set("diff", diff)
	}
}

// bindFieldAccessHooks hides confidential fields from every record the
// API answers with (list, view, expand, realtime, auth responses): the
// enrich hook sees the requesting user (RequestInfo.Auth).
// writeConfidential applies the confidential fields a REST create or
// update sends: PocketBase drops hidden fields from the request of every
// non-superuser, so a manager's hourly cost or a site's budget sent
// through the API was silently lost. A role that may see a field may set
// it (the bounds and business hooks then check the value); another gets
// a 403 naming the field instead of a silent drop.
func (fa fieldAccess) writeConfidential(e *core.RecordRequestEvent) error {
	groups := fa[e.Collection.Name]
	if len(groups) == 0 {
		return e.Next()
	}
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	if info.HasSuperuserAuth() {
		return e.Next()
	}
	// NB: PocketBase removed the hidden fields from info.Body; the
	// request's body is rereadable (PocketBase's router wraps it).
	body := requestFields(e.Request)
	for _, g := range groups {
		for _, f := range g.Fields {
			v, sent := body[f]
			if !sent {
				continue
			}
			if serverSetField[e.Collection.Name+"."+f] {
				continue // computed by the server whatever the client sends
			}
			if !g.May(info.Auth) {
				fe := Errorf(EForbidden, "err.field.reserved", f)
				fe.Field = f
				return apiAnswer(e, fe)
			}
			if rateFields[e.Collection.Name] == f {
				// daily rates and phase budgets: CanEditRates only, bounded (rates.go)
				if err := restRate(e.Record, info.Auth, f, v); err != nil {
					return apiAnswer(e, err)
				}
				continue
			}
			e.Record.Set(f, v)
		}
	}
	return e.Next()
}

// serverSetField are confidential fields the server computes on every
// save (stock_hooks.go): what a client sends is ignored, never refused.
var serverSetField = map[string]bool{
	CollectionStockMoves + ".unit_cost": true,
	CollectionPurchaseOrders + ".total": true,
}

// requestFields returns the fields a create or update request sends:
// JSON, urlencoded or multipart (first value of each form field).
func requestFields(r *http.Request) map[string]any {
	out := map[string]any{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json", "":
		if r.Body == nil {
			return out
		}
		data, err := io.ReadAll(r.Body)
		if err == nil && len(data) > 0 {
			_ = json.Unmarshal(data, &out)
		}
	case "multipart/form-data":
		if r.MultipartForm != nil {
			for k, v := range r.MultipartForm.Value {
				if len(v) > 0 {
					out[k] = v[0]
				}
			}
		}
	default:
		for k, v := range r.PostForm {
			if len(v) > 0 {
				out[k] = v[0]
			}
		}
	}
	return out
}

func bindFieldAccessHooks(app core.App) {
	fa := newFieldAccess()
	app.OnRecordCreateRequest().BindFunc(fa.writeConfidential)
	app.OnRecordUpdateRequest().BindFunc(fa.writeConfidential)
	app.OnRecordEnrich().BindFunc(func(e *core.RecordEnrichEvent) error {
		var viewer *core.Record
		if e.RequestInfo != nil {
			viewer = e.RequestInfo.Auth
		}
		fa.apply(e.Record, viewer)
		return e.Next()
	})
}
