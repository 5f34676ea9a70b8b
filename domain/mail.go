package domain

import (
	"fmt"
	"html"
	"net/mail"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"
)

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

// mailPasswordReset e-mails a password reset link to user.
func mailPasswordReset(app core.App, user *core.Record, link PasswordLink) error {
	company := app.Settings().Meta.AppName
	return SendMail(app, user, Mail{
		SubjectFR: "Réinitialisation de votre mot de passe FieldOps360",
		SubjectEN: "Reset your FieldOps360 password",
		BodyFR: fmt.Sprintf("Bonjour %s,\n\nUne réinitialisation de votre mot de passe pour l'espace %s a été demandée. Le lien ci-dessous est valable %s et ne sert qu'une fois.\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.",
			user.GetString("name"), company, durationText(link.TTL, "fr")),
		BodyEN: fmt.Sprintf("Hello %s,\n\nA password reset was requested for your %s workspace. The link below is valid for %s and works once.\n\nIf you did not ask for it, ignore this message: your password stays unchanged.",
			user.GetString("name"), company, durationText(link.TTL, "en")),
		Link:        link.URL,
		LinkLabelFR: "Choisir un nouveau mot de passe",
		LinkLabelEN: "Choose a new password",
	})
}

// mailInvitation e-mails an invitation link to user.
func mailInvitation(app core.App, user *core.Record, inviter string, link PasswordLink) error {
	company := app.Settings().Meta.AppName
	return SendMail(app, user, Mail{
		SubjectFR: fmt.Sprintf("%s vous invite sur FieldOps360", company),
		SubjectEN: fmt.Sprintf("%s invites you to FieldOps360", company),
		BodyFR: fmt.Sprintf("Bonjour %s,\n\n%s vous a ouvert un accès à l'espace FieldOps360 de %s. Choisissez votre mot de passe avec le lien ci-dessous (valable %s).",
			user.GetString("name"), inviter, company, durationText(link.TTL, "fr")),
		BodyEN: fmt.Sprintf("Hello %s,\n\n%s opened a FieldOps360 account for you in the %s workspace. Choose your password with the link below (valid for %s).",
			user.GetString("name"), inviter, company, durationText(link.TTL, "en")),
		Link:        link.URL,
		LinkLabelFR: "Activer mon compte",
		LinkLabelEN: "Activate my account",
	})
}

// durationText writes a link lifetime in words: "3 jours", "24 heures",
// "30 minutes" (whole days, else whole hours, else minutes).
func durationText(d time.Duration, lang string) string {
	n, fr, en := int(d/time.Minute), "minutes", "minutes"
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		n, fr, en = int(d/(24*time.Hour)), "jours", "days"
	case d >= 2*time.Hour && d%time.Hour == 0:
		n, fr, en = int(d/time.Hour), "heures", "hours"
	}
	if lang == "en" {
		return fmt.Sprintf("%d %s", n, en)
	}
	return fmt.Sprintf("%d %s", n, fr)
}
