package domain

import (
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// UserRelation is a relation field of a tenant collection pointing at
// users: the records a person is linked to (derived from the schema by
// UserRelations, never listed by hand).
type UserRelation struct {
	Collection string
	Field      string
	Multiple   bool
}

// UserRelations returns every relation field of the tenant's collections
// that points at users, in schema order.
func UserRelations(app core.App) ([]UserRelation, error) {
	users, err := app.FindCachedCollectionByNameOrId(CollectionUsers)
	if err != nil {
		return nil, err
	}
	cols, err := app.FindAllCollections()
	if err != nil {
		return nil, err
	}
	var out []UserRelation
	for _, c := range cols {
		if c.System || c.IsView() {
			continue
		}
		for _, f := range c.Fields {
			if r, ok := f.(*core.RelationField); ok && r.CollectionId == users.Id {
				out = append(out, UserRelation{Collection: c.Name, Field: r.Name, Multiple: r.IsMultiple()})
			}
		}
	}
	return out, nil
}

// Erasure treatments of a person's records (gdprRule.Erase).
const (
	// eraseKeep keeps the record as it is: a business fact naming the
	// person by id only (the id then names the pseudonymised user).
	eraseKeep = iota
	// eraseClear blanks the rule's Clear fields and removes its Files.
	eraseClear
	// eraseDelete deletes the record and its files.
	eraseDelete
)

// gdprRule says what an erasure does to the records of a collection
// whose Owner field names the person (the records they produced or that
// are about them); other user relations of the collection are references
// kept as they are.
type gdprRule struct {
	Owner string
	Erase int
	// Clear are personal fields set to their zero value; Files are file
	// fields removed (with their files).
	Clear []string
	Files []string
}

// gdprRules is the erasure policy of every collection holding a relation
// to users (TestGDPRPolicyCoversSchema fails when a collection references
// users without a rule here). Hours, costs and approvals are kept for the
// legal retention of payroll; positions, free notes about the person and
// their files go.
var gdprRules = map[string]gdprRule{
	CollectionUserSkills:          {Owner: "user", Erase: eraseDelete},
	CollectionClearances:          {Owner: "user", Erase: eraseDelete},
	CollectionAvailability:        {Owner: "user", Erase: eraseClear, Clear: []string{"note"}},
	CollectionTimeEntries:         {Owner: "user", Erase: eraseClear, Clear: []string{"in_lat", "in_lng", "in_accuracy", "out_lat", "out_lng", "out_accuracy"}},
	CollectionTimeCorrections:     {Owner: "user", Erase: eraseKeep},
	CollectionPhotos:              {Owner: "by", Erase: eraseClear, Clear: []string{"lat", "lng", "accuracy"}},
	CollectionIncidents:           {Owner: "reported_by", Erase: eraseKeep},
	CollectionReservations:        {Owner: "user", Erase: eraseKeep},
	CollectionSyncOps:             {Owner: "user", Erase: eraseDelete},
	CollectionSyncConflicts:       {Owner: "user", Erase: eraseDelete},
	CollectionNotifications:       {Owner: "user", Erase: eraseDelete},
	CollectionAssignmentOverrides: {Owner: "user", Erase: eraseKeep},
	CollectionSites:               {Erase: eraseKeep},
	CollectionDocuments:           {Owner: "uploaded_by", Erase: eraseKeep},
	CollectionEquipment:           {Erase: eraseKeep},
	CollectionMaintenance:         {Owner: "by", Erase: eraseKeep},
	CollectionStockMoves:          {Owner: "by", Erase: eraseKeep},
	CollectionPurchaseOrders:      {Owner: "by", Erase: eraseKeep},
	CollectionTasks:               {Erase: eraseKeep},
	CollectionReports:             {Owner: "requested_by", Erase: eraseKeep},
	CollectionCrews:               {Erase: eraseKeep},
	CollectionBaselines:           {Owner: "taken_by", Erase: eraseKeep},
	CollectionTimePeriods:         {Erase: eraseKeep},
	CollectionDailyLogs:           {Owner: "author", Erase: eraseKeep},
	CollectionInvoices:            {Owner: "issued_by", Erase: eraseKeep},
	CollectionInvoicePayments:     {Owner: "recorded_by", Erase: eraseKeep},
	CollectionDurationModels:      {Owner: "trained_by", Erase: eraseKeep}, // who trained a model (issue #23)
	// who invited a client contact (issue #20): a business fact kept as it is
	CollectionClientAccess: {Erase: eraseKeep},
	// signed acceptance reports are legal records (issue #20)
	CollectionAcceptances:            {Owner: "prepared_by", Erase: eraseKeep},
	CollectionAcceptanceReservations: {Owner: "lifted_by", Erase: eraseKeep},
}

// userPersonalFields are the fields of the users record an erasure
// pseudonymises or blanks (role, activity flags and hourly cost stay:
// payroll and cost facts).
var userPersonalFields = []string{"name", "email", "phone", "avatar", "last_login", "digest_sent_at", "locale"}

// GDPRUncovered returns the user relations of the schema that the
// erasure policy does not know (empty when every one is covered).
func GDPRUncovered(app core.App) ([]UserRelation, error) {
	rels, err := UserRelations(app)
	if err != nil {
		return nil, err
	}
	var out []UserRelation
	for _, r := range rels {
		if _, ok := gdprRules[r.Collection]; !ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// FindGDPRSubject returns the tenant's person named by id or e-mail
// (case-insensitive): a user first, else a client contact of the client
// portal (its record wrapped in the User: IsClientContactSubject tells;
// an e-mail shared by contacts of several clients is refused with their
// ids, err.gdpr.ambiguous_contact). Anyone else is ENotFound
// (err.gdpr.unknown_person).
func FindGDPRSubject(app core.App, person string) (User, error) {
	person = strings.TrimSpace(person)
	if person != "" {
		if r, err := app.FindRecordById(CollectionUsers, person); err == nil {
			return User{r}, nil
		}
		recs, err := app.FindAllRecords(CollectionUsers, dbx.NewExp("LOWER(email) = {:e}", dbx.Params{"e": strings.ToLower(person)}))
		if err != nil {
			return User{}, err
		}
		if len(recs) == 1 {
			return User{recs[0]}, nil
		}
		if c, ok, err := findContactSubject(app, person); ok || err != nil {
			return c, err
		}
	}
	return User{}, Errorf(ENotFound, "err.gdpr.unknown_person", person)
}

// CanManageGDPR tells whether u may export or erase a person's data:
// active tenant admins only.
func CanManageGDPR(u *core.Record) bool {
	return u != nil && u.Collection().Name == CollectionUsers && u.GetBool("active") && u.GetBool("tenant_admin")
}

// relatedRecords returns the records of rel that point at the person.
func relatedRecords(app core.App, rel UserRelation, personID string) ([]*core.Record, error) {
	if !rel.Multiple {
		return app.FindAllRecords(rel.Collection, dbx.HashExp{rel.Field: personID})
	}
	// NB: multiple relations are JSON arrays of ids.
	return app.FindAllRecords(rel.Collection, dbx.NewExp(
		"EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(["+rel.Field+"]) THEN ["+rel.Field+"] ELSE '[]' END) WHERE json_each.value = {:p})", dbx.Params{"p": personID}))
}
