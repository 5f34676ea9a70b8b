package domain

import (
	"fmt"
	"html"
	"net/mail"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/security"
)

// InviteTTL is how long an invitation link stays valid (a password reset
// link lasts PocketBase's 30 minutes).
const InviteTTL = 72 * time.Hour

// NewInviteToken returns a password-reset token for user valid InviteTTL.
// It is a regular PocketBase password-reset token with a longer expiry, so
// it stops working as soon as the password is set (the token key changes).
func NewInviteToken(user *core.Record) (string, error) {
	key := user.TokenKey() + user.Collection().PasswordResetToken.Secret
	return security.NewJWT(jwt.MapClaims{
		core.TokenClaimType:         core.TokenTypePasswordReset,
		core.TokenClaimId:           user.Id,
		core.TokenClaimCollectionId: user.Collection().Id,
		core.TokenClaimEmail:        user.Email(),
	}, key, InviteTTL)
}

// Mail is a message in both languages; the recipient's locale picks one.
type Mail struct {
	SubjectFR, SubjectEN string
	BodyFR, BodyEN       string // plain text paragraphs separated by blank lines
	Link                 string
	LinkLabelFR          string
	LinkLabelEN          string
}

// SendMail sends m to the user through the tenant's mailer (SMTP
// settings come from the platform), in the user's language.
func SendMail(app core.App, to *core.Record, m Mail) error {
	subject, body, label := m.SubjectFR, m.BodyFR, m.LinkLabelFR
	if to.GetString("locale") == "en" {
		subject, body, label = m.SubjectEN, m.BodyEN, m.LinkLabelEN
	}
	var h strings.Builder
	h.WriteString(`<div style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5">`)
	for _, p := range strings.Split(body, "\n\n") {
		h.WriteString("<p>" + html.EscapeString(p) + "</p>")
	}
	if m.Link != "" {
		h.WriteString(`<p><a href="` + html.EscapeString(m.Link) + `">` + html.EscapeString(label) + `</a></p>`)
		h.WriteString(`<p style="color:#555">` + html.EscapeString(m.Link) + `</p>`)
	}
	h.WriteString("</div>")
	text := body
	if m.Link != "" {
		text += "\n\n" + label + " : " + m.Link
	}
	s := app.Settings()
	msg := &mailer.Message{
		From:    mail.Address{Name: s.Meta.SenderName, Address: s.Meta.SenderAddress},
		To:      []mail.Address{{Address: to.Email(), Name: to.GetString("name")}},
		Subject: subject,
		HTML:    h.String(),
		Text:    text,
	}
	if err := app.NewMailClient().Send(msg); err != nil {
		return Errorf(EInternal, "err.mail.send_failed").withErr(err)
	}
	return nil
}

func (e *Error) withErr(err error) *Error { e.Err = err; return e }

// SendPasswordReset emails a password reset link to user.
func SendPasswordReset(app core.App, user *core.Record, baseURL string) error {
	tok, err := user.NewPasswordResetToken()
	if err != nil {
		return err
	}
	company := app.Settings().Meta.AppName
	return SendMail(app, user, Mail{
		SubjectFR: "Réinitialisation de votre mot de passe FieldOps360",
		SubjectEN: "Reset your FieldOps360 password",
		BodyFR: fmt.Sprintf("Bonjour %s,\n\nUne réinitialisation de votre mot de passe pour l'espace %s a été demandée. Le lien ci-dessous est valable 30 minutes.\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.",
			user.GetString("name"), company),
		BodyEN: fmt.Sprintf("Hello %s,\n\nA password reset was requested for your %s workspace. The link below is valid for 30 minutes.\n\nIf you did not ask for it, ignore this message: your password stays unchanged.",
			user.GetString("name"), company),
		Link:        strings.TrimRight(baseURL, "/") + "/password-reset/" + tok,
		LinkLabelFR: "Choisir un nouveau mot de passe",
		LinkLabelEN: "Choose a new password",
	})
}

// SendInvitation emails an invitation link (valid InviteTTL) to user.
func SendInvitation(app core.App, user *core.Record, inviter, baseURL string) error {
	tok, err := NewInviteToken(user)
	if err != nil {
		return err
	}
	company := app.Settings().Meta.AppName
	return SendMail(app, user, Mail{
		SubjectFR: fmt.Sprintf("%s vous invite sur FieldOps360", company),
		SubjectEN: fmt.Sprintf("%s invites you to FieldOps360", company),
		BodyFR: fmt.Sprintf("Bonjour %s,\n\n%s vous a ouvert un accès à l'espace FieldOps360 de %s. Choisissez votre mot de passe avec le lien ci-dessous (valable 3 jours).",
			user.GetString("name"), inviter, company),
		BodyEN: fmt.Sprintf("Hello %s,\n\n%s opened a FieldOps360 account for you in the %s workspace. Choose your password with the link below (valid for 3 days).",
			user.GetString("name"), inviter, company),
		Link:        strings.TrimRight(baseURL, "/") + "/password-reset/" + tok + "?invite=1",
		LinkLabelFR: "Activer mon compte",
		LinkLabelEN: "Activate my account",
	})
}
