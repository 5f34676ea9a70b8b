package main

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fieldops360/fieldops/tenants"
)

// newBillingSettingsCmd shows or changes the operator's legal data and
// the FinOps unit prices; flags not given keep their value.
func newBillingSettingsCmd(g *globals) *cobra.Command {
	var s tenants.BillingSettings
	cmd := &cobra.Command{
		Use:   "settings [--seller-name N --siren S --vat-number V --address A --post-code P --city C …]",
		Short: "Show or change the platform operator's legal data (invoice seller) and the FinOps unit prices",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				cur, err := reg.BillingSettings()
				if err != nil {
					return err
				}
				changed := false
				strs := map[string]*string{"seller-name": &cur.SellerName, "legal-form": &cur.LegalForm, "siren": &cur.SIREN, "vat-number": &cur.VATNumber,
					"rcs": &cur.RCS, "address": &cur.Address, "post-code": &cur.PostCode, "city": &cur.City, "country": &cur.Country,
					"email": &cur.Email, "iban": &cur.IBAN, "bic": &cur.BIC}
				given := map[string]*string{"seller-name": &s.SellerName, "legal-form": &s.LegalForm, "siren": &s.SIREN, "vat-number": &s.VATNumber,
					"rcs": &s.RCS, "address": &s.Address, "post-code": &s.PostCode, "city": &s.City, "country": &s.Country,
					"email": &s.Email, "iban": &s.IBAN, "bic": &s.BIC}
				nums := map[string][2]*float64{"vat-rate": {&cur.VATRate, &s.VATRate}, "cpu-hour-eur": {&cur.CPUHourEUR, &s.CPUHourEUR},
					"memory-month-eur": {&cur.MemoryMonthEUR, &s.MemoryMonthEUR}, "storage-gb-month-eur": {&cur.StorageGBMonthEUR, &s.StorageGBMonthEUR},
					"replica-gb-month-eur": {&cur.ReplicaGBMonthEUR, &s.ReplicaGBMonthEUR}}
				cmd.Flags().Visit(func(f *pflag.Flag) {
					changed = true
					if p, ok := strs[f.Name]; ok {
						*p = *given[f.Name]
					}
					if p, ok := nums[f.Name]; ok {
						*p[0] = *p[1]
					}
					if f.Name == "payment-days" {
						cur.PaymentDays = s.PaymentDays
					}
				})
				if changed {
					if err := reg.SetBillingSettings(cur, "cli"); err != nil {
						return err
					}
					if cur, err = reg.BillingSettings(); err != nil {
						return err
					}
				}
				return printJSON(os.Stdout, cur)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&s.SellerName, "seller-name", "", "operator's company name")
	f.StringVar(&s.LegalForm, "legal-form", "", "legal form (SAS, SARL…)")
	f.StringVar(&s.SIREN, "siren", "", "SIREN (9 digits)")
	f.StringVar(&s.VATNumber, "vat-number", "", "intra-community VAT number")
	f.StringVar(&s.RCS, "rcs", "", "RCS registration")
	f.StringVar(&s.Address, "address", "", "street address")
	f.StringVar(&s.PostCode, "post-code", "", "post code")
	f.StringVar(&s.City, "city", "", "city")
	f.StringVar(&s.Country, "country", "", "country code (FR)")
	f.StringVar(&s.Email, "email", "", "billing email")
	f.StringVar(&s.IBAN, "iban", "", "IBAN for transfers")
	f.StringVar(&s.BIC, "bic", "", "BIC")
	f.Float64Var(&s.VATRate, "vat-rate", 0, "VAT rate of customer invoices, %")
	f.IntVar(&s.PaymentDays, "payment-days", 0, "payment term, days")
	f.Float64Var(&s.CPUHourEUR, "cpu-hour-eur", 0, "FinOps: € per CPU-hour")
	f.Float64Var(&s.MemoryMonthEUR, "memory-month-eur", 0, "FinOps: € per month of the node's memory")
	f.Float64Var(&s.StorageGBMonthEUR, "storage-gb-month-eur", 0, "FinOps: € per GB-month of local disk")
	f.Float64Var(&s.ReplicaGBMonthEUR, "replica-gb-month-eur", 0, "FinOps: € per GB-month of replica storage")
	return cmd
}
