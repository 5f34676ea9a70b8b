// Package facturx turns an invoice into the Cross Industry Invoice XML of
// the EN 16931 profile of Factur-X and embeds it in a PDF, making it a
// PDF/A-3 e-invoice (issue #18). The package knows nothing of tenants or
// records: the domain fills an Invoice and calls it.
//
// Amounts are integer cents; quantities and rates are decimals. Totals are
// computed here, once, by Compute, with the EN 16931 rules: each line's net
// amount is given to the cent by the caller, document allowances and
// charges are added per VAT category, and the VAT of each category is its
// taxable base × rate rounded half away from zero to the cent (BR-CO-17).
// The PDF shows the same figures the XML carries.
package facturx

import "time"

// Type codes of a document (UNTDID 1001) used by the product.
const (
	TypeInvoice    = "380" // commercial invoice, progress invoices included
	TypeCreditNote = "381" // credit note (avoir)
)

// VAT categories (UNCL 5305) used by the product.
const (
	VATStandard      = "S"  // standard or reduced rate (20, 10, 5.5 %)
	VATReverseCharge = "AE" // autoliquidation: subcontracting in construction
	VATZero          = "Z"
	VATExempt        = "E"
)

// Party is the seller or the buyer.
type Party struct {
	Name        string
	SIRET       string // 14 digits, legal registration of the establishment
	SIREN       string // 9 digits, legal registration of the company
	VATNumber   string // intra-community VAT number, e.g. FR32123456789
	RCS         string // "RCS Lyon 123 456 789", shown on the PDF and in a note
	AddressLine string
	PostCode    string
	City        string
	CountryCode string // ISO 3166-1 alpha-2, "FR"
	Email       string
}

// VAT is a VAT category and its rate in percent (20, 10, 5.5, 0).
type VAT struct {
	Category    string
	RatePercent float64
	// ExemptionReason is the text required for categories AE, E and Z,
	// e.g. "Autoliquidation (article 283-2 nonies du CGI)".
	ExemptionReason string
	// ExemptionCode is the VATEX code, e.g. "VATEX-EU-AE".
	ExemptionCode string
}

// Line is one invoice line. NetCents is authoritative (the caller rounds
// per line to the cent); Quantity × UnitPriceCents is informative and may
// differ for progress lines (cumulative amount minus what was invoiced).
type Line struct {
	ID             string // line number within the invoice, "1", "2"...
	Name           string
	Description    string // optional: lot, cumulative progress...
	Quantity       float64
	UnitCode       string // UN/ECE Rec 20: C62 unit, HUR hour, MTK m², MTR m, MTQ m³, KGM kg, TNE t, DAY day, LS lump sum
	UnitPriceCents int64
	NetCents       int64
	VAT            VAT
}

// AllowanceCharge is a document-level allowance (Charge false, lowers the
// taxable base of its VAT category, e.g. the repayment of a down payment)
// or charge (Charge true).
type AllowanceCharge struct {
	Charge      bool
	Reason      string
	AmountCents int64 // positive
	VAT         VAT
}

// Note is a free text with its subject code (UNTDID 4451): "AAB" payment
// terms and penalties, "PMT" fixed recovery indemnity, "PMD" late payment
// penalties, "REG" regulatory (RCS, share capital), "" general.
type Note struct {
	Subject string
	Text    string
}

// Invoice is everything the XML and the PDF heading need.
type Invoice struct {
	Number        string
	TypeCode      string // TypeInvoice or TypeCreditNote
	IssueDate     time.Time
	DueDate       time.Time // zero: none
	Currency      string    // "EUR"
	Seller, Buyer Party
	// BuyerReference (BT-10) and OrderReference (BT-13): the client's
	// reference and the contract (marché) number.
	BuyerReference string
	OrderReference string
	// PrecedingInvoice (BT-25): the invoice a credit note corrects.
	PrecedingInvoice     string
	PrecedingInvoiceDate time.Time
	PeriodStart          time.Time // invoicing period (BT-73/74), zero: none
	PeriodEnd            time.Time
	Notes                []Note
	PaymentTerms         string
	IBAN                 string
	BIC                  string
	Lines                []Line
	AllowancesCharges    []AllowanceCharge
	// PrepaidCents (BT-113) is what was already paid and is deducted from
	// the amount due.
	PrepaidCents int64
	// RetentionCents is the guarantee retention (retenue de garantie)
	// held back by the client from this invoice. EN 16931 has no field for
	// it: it is stated in a note and the payment terms, and lowers the
	// amount the PDF asks to pay, not the XML totals.
	RetentionCents int64
}
