package domain

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Statuses of an acceptance report (procès-verbal de réception).
const (
	AcceptanceDraft  = "draft"  // prepared, reservations still editable
	AcceptanceSigned = "signed" // signed by both parties: immutable
	AcceptanceLifted = "lifted" // every reservation lifted and accepted
)

// Statuses of a reservation of an acceptance report.
const (
	ReservationOpen     = "open"     // to be lifted by the crews
	ReservationLifted   = "lifted"   // its task done with a photo
	ReservationAccepted = "accepted" // the client signed off the lifting
)

// Attendee is a person present at the acceptance (JSON of attendees).
type Attendee struct {
	Name    string `json:"name"`
	Company string `json:"company"`
	Role    string `json:"role"`
}

// AcceptanceForm is what the project manager prepares: the lots received,
// the date and place of the acceptance, who attends, free notes.
type AcceptanceForm struct {
	Lots      []string
	Date      time.Time
	Place     string
	Attendees []Attendee
	Notes     string
}

// AcceptanceSummary is one report of a site as lists show it (office and
// client portal): its status and how many reservations are in each state.
type AcceptanceSummary struct {
	ID, SiteID    string
	Date          time.Time
	Lots          []string
	Status        string
	Reservations  int // all of them
	Open          int
	Lifted        int // lifted, waiting for the client's acceptance
	Accepted      int
	CompanySigned bool
	ClientSigned  bool
	HasPDF        bool
}

// WithReservations reports whether the report was signed with
// reservations (réception avec réserves).
func (s AcceptanceSummary) WithReservations() bool { return s.Reservations > 0 }

// CanPrepareAcceptance reports whether u prepares and signs the site's
// acceptance reports for the company: managers, tenant admins and the
// site's project manager (domain.CanEditSite) — never a crew member.
func CanPrepareAcceptance(u, site *core.Record) bool { return CanEditSite(u, site) }

// AcceptanceLots returns the lots of a report.
func AcceptanceLots(a Acceptance) []string {
	var lots []string
	_ = json.Unmarshal(a.Lots(), &lots)
	return lots
}

// AcceptanceAttendees returns the attendees of a report.
func AcceptanceAttendees(a Acceptance) []Attendee {
	var out []Attendee
	_ = json.Unmarshal(a.Attendees(), &out)
	return out
}

// ClientAcceptances returns the acceptance reports of a site, newest
// first, with their status and reservation counts. It checks no access:
// the caller (the client portal's session, the office pages) already
// scoped the site.
func ClientAcceptances(app core.App, siteID string) ([]AcceptanceSummary, error) {
	recs, err := app.FindRecordsByFilter(CollectionAcceptances, "site = {:s}", "-date,-created", 200, 0, dbx.Params{"s": siteID})
	if err != nil {
		return nil, err
	}
	out := make([]AcceptanceSummary, 0, len(recs))
	for _, r := range recs {
		a := Acceptance{r}
		s := AcceptanceSummary{ID: a.Id, SiteID: a.SiteID(), Date: a.Date(), Lots: AcceptanceLots(a), Status: a.Status(),
			CompanySigned: a.CompanySignatureID() != "", ClientSigned: a.ClientSignatureID() != "", HasPDF: a.PDF() != ""}
		res, err := AcceptanceReservations(app, a.Id)
		if err != nil {
			return nil, err
		}
		s.Reservations = len(res)
		for _, x := range res {
			switch x.Status() {
			case ReservationOpen:
				s.Open++
			case ReservationLifted:
				s.Lifted++
			case ReservationAccepted:
				s.Accepted++
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// AcceptanceReservations returns the reservations of a report by number.
func AcceptanceReservations(app core.App, acceptanceID string) ([]AcceptanceReservation, error) {
	recs, err := app.FindRecordsByFilter(CollectionAcceptanceReservations, "acceptance = {:a}", "number", 500, 0, dbx.Params{"a": acceptanceID})
	return AsAcceptanceReservations(recs), err
}

// SiteAcceptance returns a report of the site (ENotFound when the report
// is another site's: ids never cross sites).
func SiteAcceptance(app core.App, siteID, acceptanceID string) (Acceptance, error) {
	a, err := FindAcceptance(app, acceptanceID)
	if err != nil || a.SiteID() != siteID {
		return Acceptance{}, Errorf(ENotFound, "err.acceptance.not_found")
	}
	return a, nil
}

// acceptanceSite returns the site when actor may prepare its reports: a
// site the actor cannot see is not found, one they see but may not edit
// is forbidden.
func acceptanceSite(app core.App, actor *core.Record, siteID string) (*core.Record, error) {
	site, err := app.FindRecordById(CollectionSites, siteID)
	if err != nil || !CanSeeSite(actor, site) {
		return nil, Errorf(ENotFound, "err.site.not_found")
	}
	if !CanPrepareAcceptance(actor, site) {
		return nil, Errorf(EForbidden, "err.acceptance.forbidden")
	}
	return site, nil
}

// validate trims and checks the form.
func (in *AcceptanceForm) validate() error {
	in.Place, in.Notes = strings.TrimSpace(in.Place), strings.TrimSpace(in.Notes)
	lots := in.Lots[:0:0]
	for _, l := range in.Lots {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(lots, l) {
			lots = append(lots, l)
		}
	}
	in.Lots = lots
	people := in.Attendees[:0:0]
	for _, p := range in.Attendees {
		p.Name, p.Company, p.Role = strings.TrimSpace(p.Name), strings.TrimSpace(p.Company), strings.TrimSpace(p.Role)
		if p.Name != "" {
			people = append(people, p)
		}
	}
	in.Attendees = people
	switch {
	case in.Date.IsZero():
		return FieldError("date", "err.acceptance.date_required")
	case len(in.Lots) == 0:
		return FieldError("lots", "err.acceptance.lots_required")
	case len(in.Lots) > 50 || len(in.Attendees) > 50:
		return FieldError("lots", "err.acceptance.too_many")
	case utf8.RuneCountInString(in.Place) > 300 || utf8.RuneCountInString(in.Notes) > 4000:
		return FieldError("notes", "err.acceptance.too_long")
	}
	return nil
}

// PrepareAcceptance creates a draft report of a site (acceptanceID "")
// or edits a draft one: only who may prepare it (CanPrepareAcceptance);
// a signed report is never edited. Audited with the actor.
func PrepareAcceptance(app core.App, actor *core.Record, siteID, acceptanceID string, in AcceptanceForm) (Acceptance, error) {
	if _, err := acceptanceSite(app, actor, siteID); err != nil {
		return Acceptance{}, err
	}
	if err := in.validate(); err != nil {
		return Acceptance{}, err
	}
	var a Acceptance
	if acceptanceID == "" {
		col, err := app.FindCachedCollectionByNameOrId(CollectionAcceptances)
		if err != nil {
			return Acceptance{}, err
		}
		a = Acceptance{core.NewRecord(col)}
		a.Load(map[string]any{"site": siteID, "status": AcceptanceDraft, "prepared_by": actor.Id})
	} else {
		var err error
		if a, err = SiteAcceptance(app, siteID, acceptanceID); err != nil {
			return Acceptance{}, err
		}
		if err := editable(a); err != nil {
			return Acceptance{}, err
		}
	}
	a.Load(map[string]any{"lots": in.Lots, "date": dateOnly(in.Date), "place": in.Place, "attendees": in.Attendees, "notes": in.Notes})
	setActor(a.Record, actor)
	if err := app.Save(a.Record); err != nil {
		return Acceptance{}, SaveError(err)
	}
	return a, nil
}

// editable refuses a change to a report that one party already signed:
// the signed document's hash must stay true.
func editable(a Acceptance) error {
	if a.Status() != AcceptanceDraft || a.CompanySignatureID() != "" || a.ClientSignatureID() != "" {
		return Errorf(EConflict, "err.acceptance.signed")
	}
	return nil
}
