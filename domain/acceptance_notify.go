package domain

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// bindAcceptanceNotify e-mails the site's client contacts once a
// reservation's lifting is committed (NotifyClientContacts: nothing
// without a mail server). Best effort: a refused e-mail never undoes the
// lifting.
func bindAcceptanceNotify(app core.App) {
	app.OnRecordAfterUpdateSuccess(CollectionAcceptanceReservations).Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsReservationLiftedNotify",
		Func: func(e *core.RecordEvent) error {
			orig := e.Record.Original()
			if e.Record.GetString("status") == ReservationLifted && (orig == nil || orig.GetString("status") != ReservationLifted) {
				notifyLifted(e.App, AcceptanceReservation{e.Record})
			}
			return e.Next()
		}})
}

// notifyLifted tells the site's client contacts that a reservation was
// lifted and waits for their acceptance.
func notifyLifted(app core.App, r AcceptanceReservation) {
	site, _ := FindSite(app, r.SiteID())
	_, err := NotifyClientContacts(app, r.SiteID(), "acceptance",
		fmt.Sprintf("Réserve n°%d levée — %s", r.Number(), site.Name()), fmt.Sprintf("Reservation %d lifted — %s", r.Number(), site.Name()),
		fmt.Sprintf("La réserve n°%d (%s) a été levée. Consultez la photo de la levée et acceptez-la depuis votre espace client.", r.Number(), r.Description()),
		fmt.Sprintf("Reservation %d (%s) was lifted. See the photo of the lifting and accept it from your client space.", r.Number(), r.Description()))
	if err != nil {
		app.Logger().Warn("acceptance: lifting notification", "reservation", r.Id, "error", err)
	}
}

// notifyToSign tells the site's client contacts that a report signed by
// the company waits for their signature.
func notifyToSign(app core.App, a Acceptance) {
	site, _ := FindSite(app, a.SiteID())
	_, err := NotifyClientContacts(app, a.SiteID(), "acceptance",
		"Procès-verbal de réception à signer — "+site.Name(), "Acceptance report to sign — "+site.Name(),
		"Le procès-verbal de réception des travaux du "+a.Date().Format("02/01/2006")+" est signé par l'entreprise et attend votre signature dans votre espace client.",
		"The acceptance report of "+a.Date().Format("2006-01-02")+" is signed by the company and waits for your signature in your client space.")
	if err != nil {
		app.Logger().Warn("acceptance: signature notification", "acceptance", a.Id, "error", err)
	}
}
