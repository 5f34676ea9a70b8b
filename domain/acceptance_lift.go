package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// LiftingDocument returns the canonical text of a reservation's lifting
// that the client accepts, and its SHA-256 (hex): the report, the
// reservation, who lifted it and when, and the SHA-256 of the lifting
// photo's original.
func LiftingDocument(app core.App, reservationID string) (string, string, error) {
	r, err := FindAcceptanceReservation(app, reservationID)
	if err != nil {
		return "", "", Errorf(ENotFound, "err.reservation.not_found")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "FieldOps360 — levée de réserve\nProcès-verbal : %s\n", r.AcceptanceID())
	fmt.Fprintf(&b, "Réserve n°%d [%s] %s : %s\n", r.Number(), r.Lot(), r.Location(), r.Description())
	fmt.Fprintf(&b, "Levée le %s\n", r.LiftedAt().UTC().Format(time.RFC3339))
	if u, err := app.FindRecordById(CollectionUsers, r.LiftedByID()); err == nil {
		fmt.Fprintf(&b, "Par : %s\n", u.GetString("name"))
	}
	if p, err := app.FindRecordById(CollectionPhotos, r.LiftPhotoID()); err == nil {
		fmt.Fprintf(&b, "Photo de levée SHA-256 %s\n", p.GetString("original_sha256"))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return b.String(), hex.EncodeToString(sum[:]), nil
}

// AcceptLifting records the client's acceptance of a lifted reservation
// (signature evidence on the lifting document); actorID names who accepts
// in the audit trail (a client contact from the portal, or the office user
// holding the tablet). The report must be signed and the reservation
// lifted; when every reservation of the report is accepted, the report
// becomes lifted. The caller checked the site's access.
func AcceptLifting(app core.App, actorID, siteID, reservationID string, in SignatureInput, now time.Time) (AcceptanceReservation, error) {
	var out AcceptanceReservation
	err := app.RunInTransaction(func(tx core.App) error {
		r, err := FindAcceptanceReservation(tx, reservationID)
		if err != nil || r.SiteID() != siteID {
			return Errorf(ENotFound, "err.reservation.not_found")
		}
		a, err := SiteAcceptance(tx, siteID, r.AcceptanceID())
		if err != nil {
			return err
		}
		switch {
		case a.Status() == AcceptanceDraft:
			return Errorf(EConflict, "err.acceptance.not_signed")
		case r.Status() == ReservationAccepted:
			return Errorf(EConflict, "err.reservation.already_accepted")
		case r.Status() != ReservationLifted:
			return Errorf(EConflict, "err.reservation.not_lifted")
		}
		_, sum, err := LiftingDocument(tx, r.Id)
		if err != nil {
			return err
		}
		s, err := addEvidence(tx, actorID, r.Id, sum, SignerClient, LiftingConsentFR, in, now)
		if err != nil {
			return err
		}
		r.Load(map[string]any{"status": ReservationAccepted, "accepted_at": now.UTC(), "accept_signature": s.Id})
		SetActor(r.Record, actorID)
		if err := tx.Save(r.Record); err != nil {
			return SaveError(err)
		}
		out = r
		all, err := AcceptanceReservations(tx, a.Id)
		if err != nil {
			return err
		}
		for _, x := range all {
			if x.Status() != ReservationAccepted {
				return nil
			}
		}
		a.SetStatus(AcceptanceLifted)
		SetActor(a.Record, actorID)
		return tx.Save(a.Record)
	})
	return out, err
}
