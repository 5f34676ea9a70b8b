package tenants

import (
	"regexp"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/facturx"
)

// BillingSettings is the control plane's billing_settings record: the
// platform operator's legal data (the seller on customer invoices) and
// the FinOps unit prices.
type BillingSettings struct {
	SellerName string `json:"seller_name"`
	LegalForm  string `json:"legal_form"`
	SIREN      string `json:"siren"`
	VATNumber  string `json:"vat_number"`
	RCS        string `json:"rcs"`
	Address    string `json:"address"`
	PostCode   string `json:"post_code"`
	City       string `json:"city"`
	Country    string `json:"country"`
	Email      string `json:"email"`
	IBAN       string `json:"iban"`
	BIC        string `json:"bic"`
	// VATRate is the VAT rate of customer invoices in percent.
	VATRate     float64 `json:"vat_rate"`
	PaymentDays int     `json:"payment_days"`
	// CostPrices are the FinOps unit prices.
	CostPrices
}

// CostPrices are the unit prices of the FinOps cost model.
type CostPrices struct {
	CPUHourEUR        float64 `json:"cpu_hour_eur"`         // one CPU busy one hour
	MemoryMonthEUR    float64 `json:"memory_month_eur"`     // the node's memory for a month, shared by requests
	StorageGBMonthEUR float64 `json:"storage_gb_month_eur"` // local disk (database and files)
	ReplicaGBMonthEUR float64 `json:"replica_gb_month_eur"` // object storage of the replica
}

var settingsFields = []string{"seller_name", "legal_form", "siren", "vat_number", "rcs", "address", "post_code", "city", "country", "email", "iban", "bic"}

func (s *BillingSettings) strs() []*string {
	return []*string{&s.SellerName, &s.LegalForm, &s.SIREN, &s.VATNumber, &s.RCS, &s.Address, &s.PostCode, &s.City, &s.Country, &s.Email, &s.IBAN, &s.BIC}
}

func (s *BillingSettings) nums() map[string]*float64 {
	return map[string]*float64{"vat_rate": &s.VATRate, "cpu_hour_eur": &s.CPUHourEUR, "memory_month_eur": &s.MemoryMonthEUR,
		"storage_gb_month_eur": &s.StorageGBMonthEUR, "replica_gb_month_eur": &s.ReplicaGBMonthEUR}
}

func (r *Registry) billingSettingsRecord() (*core.Record, error) {
	return r.platform.FindFirstRecordByData("billing_settings", "key", "default")
}

// BillingSettings returns the operator's billing settings.
func (r *Registry) BillingSettings() (BillingSettings, error) {
	var s BillingSettings
	rec, err := r.billingSettingsRecord()
	if err != nil {
		return s, err
	}
	for i, p := range s.strs() {
		*p = rec.GetString(settingsFields[i])
	}
	for k, p := range s.nums() {
		*p = rec.GetFloat(k)
	}
	s.PaymentDays = rec.GetInt("payment_days")
	return s, nil
}

var (
	sirenRe = regexp.MustCompile(`^\d{9}$`)
	vatRe   = regexp.MustCompile(`^[A-Z]{2}[0-9A-Z]{2,13}$`)
)

// Validate checks the settings; the legal data may stay empty until the
// first billing run (RunBilling refuses then), what is set must be valid.
func (s *BillingSettings) Validate() error {
	for _, p := range s.strs() {
		*p = strings.TrimSpace(*p)
	}
	s.IBAN = strings.ReplaceAll(strings.ToUpper(s.IBAN), " ", "")
	s.VATNumber = strings.ReplaceAll(strings.ToUpper(s.VATNumber), " ", "")
	s.SIREN = strings.ReplaceAll(s.SIREN, " ", "")
	s.Country = strings.ToUpper(s.Country)
	switch {
	case s.SIREN != "" && !sirenRe.MatchString(s.SIREN):
		return domain.FieldError("siren", "err.billing.siren")
	case s.VATNumber != "" && !vatRe.MatchString(s.VATNumber):
		return domain.FieldError("vat_number", "err.billing.vat_number")
	case len(s.Country) != 2:
		return domain.FieldError("country", "err.billing.country")
	case s.Email != "" && !strings.Contains(s.Email, "@"):
		return domain.FieldError("email", "err.invalid_email")
	case s.VATRate < 0 || s.VATRate > 30:
		return domain.FieldError("vat_rate", "err.billing.vat_rate")
	case s.PaymentDays < 0 || s.PaymentDays > 60:
		return domain.FieldError("payment_days", "err.billing.payment_days")
	}
	for k, p := range s.nums() {
		if *p < 0 || *p > 1e6 {
			return domain.FieldError(k, "err.billing.price")
		}
	}
	return nil
}

// sellerReady refuses to invoice before the operator's legal data is set.
func (s BillingSettings) sellerReady() error {
	if s.SellerName == "" || (s.SIREN == "" && s.VATNumber == "") || s.Address == "" || s.City == "" {
		return domain.Errorf(domain.EInvalid, "err.billing.seller_missing")
	}
	return nil
}

// seller is the operator as the party of an invoice.
func (s BillingSettings) seller() facturx.Party {
	return facturx.Party{Name: s.SellerName, SIREN: s.SIREN, VATNumber: s.VATNumber, RCS: s.RCS, AddressLine: s.Address,
		PostCode: s.PostCode, City: s.City, CountryCode: s.Country, Email: s.Email}
}

// SetBillingSettings validates and saves the settings, audited.
func (r *Registry) SetBillingSettings(s BillingSettings, actor string) error {
	if err := s.Validate(); err != nil {
		return err
	}
	rec, err := r.billingSettingsRecord()
	if err != nil {
		return err
	}
	for i, p := range s.strs() {
		rec.Set(settingsFields[i], *p)
	}
	for k, p := range s.nums() {
		rec.Set(k, *p)
	}
	rec.Set("payment_days", s.PaymentDays)
	return r.platform.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(rec); err != nil {
			return err
		}
		return PlatformAudit(tx, actor, "billing.settings", "", map[string]any{"seller": s.SellerName, "prices": s.CostPrices, "vat_rate": s.VATRate})
	})
}

// SetContractPrice sets a tenant's negotiated monthly price (0: its
// plan's), audited: the Enterprise plan is sold on quote.
func (r *Registry) SetContractPrice(slug string, eur float64, actor string) error {
	if eur < 0 || eur > 1e6 {
		return domain.FieldError("price_month_eur", "err.billing.price")
	}
	rec, err := r.findTenantRecord(slug)
	if err != nil {
		return err
	}
	rec.Set("price_month_eur", eur)
	return r.platform.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(rec); err != nil {
			return err
		}
		return PlatformAudit(tx, actor, "billing.contract_price", slug, map[string]any{"price_month_eur": eur})
	})
}
