package domain

import (
	"math/big"
	"regexp"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// LegalInput is the company's legal data printed on invoices.
type LegalInput struct {
	Siren, Siret, VATNumber, RCS, LegalForm string
	ShareCapital                            float64 // €
	Address, Postcode, City                 string
	IBAN, BIC                               string
	PaymentTermsDays                        int
}

// Legal returns the company's legal data as a form input.
func (c Company) Legal() LegalInput {
	return LegalInput{Siren: c.Siren(), Siret: c.SIRET(), VATNumber: c.VATNumber(), RCS: c.Rcs(), LegalForm: c.LegalForm(),
		ShareCapital: c.ShareCapital(), Address: c.Address(), Postcode: c.Postcode(), City: c.City(),
		IBAN: c.Iban(), BIC: c.Bic(), PaymentTermsDays: c.PaymentTermsDays()}
}

var (
	vatNumberRe = regexp.MustCompile(`^[A-Z]{2}[0-9A-Z]{2,13}$`)
	bicRe       = regexp.MustCompile(`^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$`)
	digitsRe    = regexp.MustCompile(`^[0-9]*$`)
)

func compact(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "\u00a0", "", ".", "", "-", "").Replace(strings.TrimSpace(s)))
}

// ValidIBAN checks an IBAN's ISO 13616 check digits (mod 97 = 1).
func ValidIBAN(iban string) bool {
	iban = compact(iban)
	if len(iban) < 15 || len(iban) > 34 {
		return false
	}
	var b strings.Builder
	for _, r := range iban[4:] + iban[:4] {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteString(big.NewInt(int64(r - 'A' + 10)).String())
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(b.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

// Validate normalises and checks the legal data; blank fields are
// allowed (issuing names what is missing), malformed ones are not.
func (in *LegalInput) Validate() error {
	in.Siren, in.Siret, in.VATNumber = compact(in.Siren), compact(in.Siret), compact(in.VATNumber)
	in.IBAN, in.BIC = compact(in.IBAN), compact(in.BIC)
	in.RCS, in.LegalForm = strings.TrimSpace(in.RCS), strings.TrimSpace(in.LegalForm)
	in.Address, in.Postcode, in.City = strings.TrimSpace(in.Address), strings.TrimSpace(in.Postcode), strings.TrimSpace(in.City)
	switch {
	case in.Siren != "" && (len(in.Siren) != 9 || !digitsRe.MatchString(in.Siren)):
		return FieldError("siren", "err.invoice.bad_siren")
	case in.Siret != "" && (len(in.Siret) != 14 || !digitsRe.MatchString(in.Siret)):
		return FieldError("siret", "err.invoice.bad_siret")
	case in.VATNumber != "" && !vatNumberRe.MatchString(in.VATNumber):
		return FieldError("vat_number", "err.invoice.bad_vat_number")
	case in.IBAN != "" && !ValidIBAN(in.IBAN):
		return FieldError("iban", "err.invoice.bad_iban")
	case in.BIC != "" && !bicRe.MatchString(in.BIC):
		return FieldError("bic", "err.invoice.bad_bic")
	case in.ShareCapital < 0 || in.PaymentTermsDays < 0 || in.PaymentTermsDays > 60:
		return FieldError("payment_terms_days", "err.invoice.bad_terms")
	}
	return nil
}

// CanManageInvoicing reports whether u edits the company's legal data and
// billing rates: managers and tenant admins.
func CanManageInvoicing(u *core.Record) bool { return CanManagePeople(u) }

// SaveCompanyLegal stores the company's legal data.
func SaveCompanyLegal(app core.App, actor *core.Record, in LegalInput) error {
	if !CanManageInvoicing(actor) {
		return Errorf(EForbidden, "err.invoice.forbidden")
	}
	if err := in.Validate(); err != nil {
		return err
	}
	c, err := FindCompany(app)
	if err != nil {
		return err
	}
	c.Load(map[string]any{"siren": in.Siren, "siret": in.Siret, "vat_number": in.VATNumber, "rcs": in.RCS,
		"legal_form": in.LegalForm, "share_capital": in.ShareCapital, "address": in.Address, "postcode": in.Postcode,
		"city": in.City, "iban": in.IBAN, "bic": in.BIC, "payment_terms_days": in.PaymentTermsDays})
	setActor(c.Record, actor)
	return SaveError(app.Save(c.Record))
}

// ClientBillingInput is what an invoice needs of a client.
type ClientBillingInput struct {
	Siret, VATNumber, Address, Postcode, City string
	// MainContractor: the client is the main contractor of a
	// subcontracted job: its invoices are reverse-charged.
	MainContractor bool
}

// SaveClientBilling stores a client's billing data.
func SaveClientBilling(app core.App, actor *core.Record, clientID string, in ClientBillingInput) error {
	if !CanInvoice(actor) {
		return Errorf(EForbidden, "err.invoice.forbidden")
	}
	c, err := FindClient(app, clientID)
	if err != nil {
		return Errorf(ENotFound, "err.invoice.site_without_client")
	}
	in.Siret, in.VATNumber = compact(in.Siret), compact(in.VATNumber)
	if in.Siret != "" && (len(in.Siret) != 14 || !digitsRe.MatchString(in.Siret)) {
		return FieldError("client_siret", "err.invoice.bad_siret")
	}
	if in.VATNumber != "" && !vatNumberRe.MatchString(in.VATNumber) {
		return FieldError("client_vat_number", "err.invoice.bad_vat_number")
	}
	c.Load(map[string]any{"siret": in.Siret, "vat_number": in.VATNumber, "address": strings.TrimSpace(in.Address),
		"postcode": strings.TrimSpace(in.Postcode), "city": strings.TrimSpace(in.City), "is_main_contractor": in.MainContractor})
	setActor(c.Record, actor)
	return SaveError(app.Save(c.Record))
}
