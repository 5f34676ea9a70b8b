package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
)

// newBillingCmd invoices customers (issue #19): monthly runs, the list
// and its exports, payment status by hand, the operator's settings.
func newBillingCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "billing", Short: "Invoice customers: monthly run, list and export, payments, operator settings", Args: args(cobra.NoArgs)}
	var month string
	run := &cobra.Command{
		Use:   "run --month YYYY-MM",
		Short: "Invoice every tenant for a closed month (a month already invoiced is left as is)",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				res, err := reg.RunBilling(cmd.Context(), month, "cli")
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, res)
				}
				for _, inv := range res.Issued {
					fmt.Printf("%s  %-20s %s  %10.2f € TTC\n", inv.Number, inv.Tenant, inv.Period, inv.AmountEUR)
				}
				fmt.Printf("%d facture(s) émise(s) pour %s, %d client(s) non facturé(s) (déjà facturé, hors licence ou sans prix).\n", len(res.Issued), month, len(res.Skipped))
				return nil
			})
		},
	}
	run.Flags().StringVar(&month, "month", "", "month to invoice, YYYY-MM (closed)")
	_ = run.MarkFlagRequired("month")
	cmd.AddCommand(run, newBillingListCmd(g), newBillingPaidCmd(g), newBillingVoidCmd(g), newBillingPriceCmd(g), newBillingSettingsCmd(g))
	return cmd
}

func newBillingListCmd(g *globals) *cobra.Command {
	var f tenants.InvoiceFilter
	var format, out string
	cmd := &cobra.Command{
		Use:   "list [--tenant SLUG] [--status S] [--period YYYY-MM] [--format table|csv|xlsx] [--out FILE]",
		Short: "List customer invoices, or export them as CSV or Excel",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				list, err := reg.Invoices(f)
				if err != nil {
					return err
				}
				var b []byte
				switch format {
				case "csv":
					b, err = tenants.InvoicesCSV(list)
				case "xlsx":
					if out == "" {
						return usageError{fmt.Errorf("--format xlsx needs --out FILE")}
					}
					b, err = tenants.InvoicesXLSX(list)
				case "table", "":
					if g.JSON {
						return printJSON(os.Stdout, list)
					}
					for _, inv := range list {
						fmt.Printf("%s  %-20s %s  %10.2f €  %s\n", inv.Number, inv.Tenant, inv.Period, inv.AmountEUR, inv.Status)
					}
					return nil
				default:
					return usageError{fmt.Errorf("--format must be table, csv or xlsx, not %q", format)}
				}
				if err != nil {
					return err
				}
				if out == "" {
					_, err = os.Stdout.Write(b)
					return err
				}
				return os.WriteFile(out, b, 0o640)
			})
		},
	}
	cmd.Flags().StringVar(&f.Tenant, "tenant", "", "only this tenant")
	cmd.Flags().StringVar(&f.Status, "status", "", "only this status: issued, paid, void")
	cmd.Flags().StringVar(&f.Period, "period", "", "only this month, YYYY-MM")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or xlsx")
	cmd.Flags().StringVar(&out, "out", "", "write to FILE instead of standard output")
	return cmd
}

func newBillingPaidCmd(g *globals) *cobra.Command {
	var day string
	cmd := &cobra.Command{
		Use:   "paid NUMBER [--date YYYY-MM-DD]",
		Short: "Mark an issued invoice paid (today by default)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			at := time.Now().UTC()
			if day != "" {
				d, err := time.Parse(time.DateOnly, day)
				if err != nil {
					return domain.FieldError("paid_at", "err.billing.paid_at")
				}
				at = d
			}
			return withRegistry(g, func(reg *tenants.Registry) error { return reg.SetInvoicePaid(a[0], at, "cli") })
		},
	}
	cmd.Flags().StringVar(&day, "date", "", "payment date, YYYY-MM-DD")
	return cmd
}

func newBillingVoidCmd(g *globals) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "void NUMBER --reason TEXT",
		Short: "Void an issued invoice (its number stays used; the month may be invoiced again)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error { return reg.VoidInvoice(a[0], reason, "cli") })
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the invoice is void")
	return cmd
}

func newBillingPriceCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "price SLUG EUR",
		Short: "Set a tenant's negotiated monthly price (0: its plan's; Enterprise is sold on quote)",
		Args:  args(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, a []string) error {
			eur, err := strconv.ParseFloat(a[1], 64)
			if err != nil {
				return domain.FieldError("price_month_eur", "err.billing.price")
			}
			return withRegistry(g, func(reg *tenants.Registry) error { return reg.SetContractPrice(a[0], eur, "cli") })
		},
	}
}
