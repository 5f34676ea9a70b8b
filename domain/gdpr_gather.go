package domain

import (
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// personData is every record of a tenant about one person: the records
// linked through any relation to users (Related, by collection), those of
// them the person owns (Owned: the rule's Owner field names them), the
// signatures they signed (by name), the checklist runs they answered and
// the positions of the vehicles they had reserved, during the booking.
type personData struct {
	User       User
	Related    map[string][]*core.Record
	Owned      map[string][]*core.Record
	Signatures []*core.Record
	Checklists []*core.Record
	Positions  []*core.Record
}

// gatherPerson reads everything the tenant holds about u.
func gatherPerson(app core.App, u User) (*personData, error) {
	pd := &personData{User: u, Related: map[string][]*core.Record{}, Owned: map[string][]*core.Record{}}
	rels, err := UserRelations(app)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, rel := range rels {
		recs, err := relatedRecords(app, rel, u.Id)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if !seen[rel.Collection+"/"+r.Id] {
				seen[rel.Collection+"/"+r.Id] = true
				pd.Related[rel.Collection] = append(pd.Related[rel.Collection], r)
			}
			if gdprRules[rel.Collection].Owner == rel.Field {
				pd.Owned[rel.Collection] = append(pd.Owned[rel.Collection], r)
			}
		}
	}
	if pd.Signatures, err = signaturesNamed(app, u.GetString("name")); err != nil {
		return nil, err
	}
	runs, err := app.FindAllRecords(CollectionChecklistRuns, dbx.Like("answers", `"by":"`+u.Id+`"`).Match(false, false))
	if err != nil {
		return nil, err
	}
	pd.Checklists = runs
	if pd.Positions, err = reservedPositions(app, pd.Related[CollectionReservations], u.Id); err != nil {
		return nil, err
	}
	return pd, nil
}

// signaturesNamed returns the signatures whose signer is name
// (case-insensitive; none for a blank name).
func signaturesNamed(app core.App, name string) ([]*core.Record, error) {
	if name = strings.TrimSpace(name); name == "" {
		return nil, nil
	}
	return app.FindAllRecords(CollectionSignatures, dbx.NewExp("LOWER(TRIM(signer_name)) = {:n}", dbx.Params{"n": strings.ToLower(name)}))
}

// reservedPositions returns the positions of the vehicles the person
// booked (reservations.user), inside each booking's time window.
func reservedPositions(app core.App, reservations []*core.Record, userID string) ([]*core.Record, error) {
	var out []*core.Record
	for _, r := range reservations {
		v := r.GetString("vehicle")
		if v == "" && r.GetString("asset_kind") == "vehicle" {
			v = r.GetString("asset")
		}
		from, to := r.GetDateTime("from"), r.GetDateTime("to")
		if r.GetString("user") != userID || v == "" || from.IsZero() || to.IsZero() {
			continue
		}
		recs, err := app.FindAllRecords(CollectionVehiclePositions, dbx.HashExp{"vehicle": v},
			dbx.NewExp("at >= {:f} AND at <= {:t}", dbx.Params{"f": from.String(), "t": to.String()}))
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
}

// exportFields returns a record's fields for an export, secrets left out.
func exportFields(r *core.Record) map[string]any {
	out := map[string]any{}
	for k, v := range r.FieldsData() {
		if !secretField(k) {
			out[k] = v
		}
	}
	return out
}

// PersonSummary counts the records the tenant holds about u, by
// collection (those holding none are left out), as a GDPR page shows
// them before an export or an erasure.
func PersonSummary(app core.App, u User) (map[string]int, error) {
	if IsClientContactSubject(u) {
		return contactSummary(app, u)
	}
	pd, err := gatherPerson(app, u)
	if err != nil {
		return nil, err
	}
	out := map[string]int{CollectionUsers: 1}
	for col, recs := range pd.Related {
		out[col] = len(recs)
	}
	for col, n := range map[string]int{CollectionSignatures: len(pd.Signatures), CollectionChecklistRuns: len(pd.Checklists), CollectionVehiclePositions: len(pd.Positions)} {
		if n > 0 {
			out[col] = n
		}
	}
	return out, nil
}

// IsErased tells whether u was erased (ErasePerson).
func IsErased(u User) bool { return strings.HasSuffix(u.GetString("email"), erasedDomain) }
