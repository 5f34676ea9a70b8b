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
		{"invalid field", domain.FieldError("plate", "Immatriculation invalide / invalid plate"), http.StatusBadRequest, "Immatriculation invalide", "invalid plate", "plate", true},
		{"invalid form", domain.Errorf(domain.EInvalid, "Formulaire illisible / unreadable form"), http.StatusBadRequest, "Formulaire illisible", "unreadable form", "_form", true},
		{"conflict", domain.Errorf(domain.EConflict, "Déjà réservé / already booked"), http.StatusConflict, "Déjà réservé", "already booked", "_form", true},
		{"conflict on a field", &domain.Error{Code: domain.EConflict, Field: "qty", Message: "Stock insuffisant / not enough stock"}, http.StatusConflict, "Stock insuffisant", "not enough stock", "qty", true},
		{"not found", domain.Errorf(domain.ENotFound, "Chantier introuvable / site not found"), http.StatusNotFound, "Chantier introuvable", "site not found", "_form", true},
		{"forbidden", domain.ErrResourceForbidden, http.StatusForbidden, "Votre profil ne permet pas cette action : demandez à votre conducteur de travaux", "your profile does not allow this action: ask your project manager", "_form", true},
		{"gone", domain.Errorf(domain.EGone, "Lien expiré / link expired"), http.StatusGone, "Lien expiré", "link expired", "_form", true},
		{"wrapped", fmt.Errorf("save: %w", domain.FieldError("due", "Date invalide / invalid date")), http.StatusBadRequest, "Date invalide", "invalid date", "due", true},
		{"coded internal", domain.Errorf(domain.EInternal, "Base indisponible / database unavailable"), http.StatusInternalServerError, "Base indisponible", "database unavailable", "_form", false},
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
