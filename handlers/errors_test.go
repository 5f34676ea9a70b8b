package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// TestErrorAnswers is the table of how domain errors are answered: one
// status, one message per language, one field, and whether a posted form
// shows it, for pages, toasts, forms and JSON alike.
func TestErrorAnswers(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	fr := i18n.WithLocale(context.Background(), cat, i18n.FR, nil)
	en := i18n.WithLocale(context.Background(), cat, i18n.EN, nil)
	scenarios := []struct {
		name         string
		err          error
		status       int
		frMsg, enMsg string
		field        string
		onForm       bool
	}{
		{"invalid field", domain.FieldError("plate", "err.vehicle.plate_taken"), http.StatusBadRequest, "Un véhicule porte déjà cette immatriculation", "a vehicle already has this plate", "plate", true},
		{"invalid form", domain.Errorf(domain.EInvalid, "err.unreadable_form"), http.StatusBadRequest, "Formulaire illisible", "unreadable form", "_form", true},
		{"conflict with arguments", domain.Errorf(domain.EConflict, "err.booking.taken", "01/02/2027 08:00", "01/02/2027 17:00", "AB-123-CD"), http.StatusConflict,
			"Déjà réservé du 01/02/2027 08:00 au 01/02/2027 17:00 (AB-123-CD) : choisissez une autre période",
			"already booked from 01/02/2027 08:00 to 01/02/2027 17:00 (AB-123-CD): choose another period", "_form", true},
		{"conflict on a field", &domain.Error{Code: domain.EConflict, Field: "qty", Key: "err.stock.short", Args: []any{"3"}}, http.StatusConflict,
			"Stock insuffisant à cet emplacement (disponible : 3) : faites un transfert ou une réception d'abord",
			"not enough stock at this location (available: 3): record a transfer or a receipt first", "qty", true},
		{"not found", domain.Errorf(domain.ENotFound, "err.site.not_found"), http.StatusNotFound, "Chantier introuvable", "site not found", "_form", true},
		{"forbidden", domain.ErrResourceForbidden, http.StatusForbidden, "Votre profil ne permet pas cette action : demandez à votre conducteur de travaux", "your profile does not allow this action: ask your project manager", "_form", true},
		{"gone", domain.Errorf(domain.EGone, "err.session.expired"), http.StatusGone, "Session expirée", "Session expired", "_form", true},
		{"wrapped", fmt.Errorf("save: %w", domain.FieldError("due", "err.invalid_date")), http.StatusBadRequest, "Date invalide", "invalid date", "due", true},
		{"coded internal", domain.Errorf(domain.EInternal, "err.internal"), http.StatusInternalServerError, "Erreur interne, réessayez plus tard", "Internal error, please retry later", "_form", false},
		{"plain error", errors.New("disk full"), http.StatusInternalServerError, "Erreur interne, réessayez plus tard", "Internal error, please retry later", "_form", false},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			a := answerOf(fr, s.err)
			if a.Status != s.status || a.Message != s.frMsg || a.Field != s.field || a.OnForm != s.onForm {
				t.Errorf("fr: got %+v, want {%d %q %q %v}", a, s.status, s.frMsg, s.field, s.onForm)
			}
			if got := userMessage(en, s.err); got != s.enMsg {
				t.Errorf("en message = %q, want %q", got, s.enMsg)
			}
			errs, status, ok := formErrors(fr, s.err)
			if ok != s.onForm || (ok && (status != s.status || errs[s.field] != s.frMsg || len(errs) != 1)) {
				t.Errorf("formErrors = %v %d %v", errs, status, ok)
			}
		})
	}
}
