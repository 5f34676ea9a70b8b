package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
)

// newTenantPlanCmd changes a tenant's licence (issue #19): plan, seats,
// modules, start and end dates, trial and grace period. Running servers
// apply it within seconds, without restart.
func newTenantPlanCmd(g *globals) *cobra.Command {
	var (
		in                       tenants.LicenceInput
		seats, grace             int
		expires, starts, modules string
		trial                    bool
	)
	cmd := &cobra.Command{
		Use:   "plan SLUG [--plan P] [--seats N] [--expires YYYY-MM-DD|none] [--starts YYYY-MM-DD] [--trial] [--grace-days N] [--modules a,b]",
		Short: "Change a tenant's plan and licence (seats, modules, expiry, trial, grace period)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			f := cmd.Flags()
			if f.Changed("seats") {
				in.Seats = &seats
			}
			if f.Changed("grace-days") {
				in.GraceDays = &grace
			}
			if f.Changed("trial") {
				in.Trial = &trial
			}
			if f.Changed("expires") {
				d, err := licenceDate("expires", expires)
				if err != nil {
					return err
				}
				in.Expires, in.SetExpires = d, true
			}
			if f.Changed("starts") {
				d, err := licenceDate("starts", starts)
				if err != nil {
					return err
				}
				in.Starts = &d
			}
			if f.Changed("modules") {
				mods := []string{}
				for _, m := range strings.Split(modules, ",") {
					if m = strings.TrimSpace(m); m != "" {
						mods = append(mods, m)
					}
				}
				in.Modules = &mods
			}
			return withRegistry(g, func(reg *tenants.Registry) error {
				t, err := reg.SetLicence(a[0], in, "cli")
				if err != nil {
					return err
				}
				return printInfo(g, t)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Plan, "plan", "", "plan: starter, pro or enterprise (unchanged when empty)")
	f.IntVar(&seats, "seats", 0, "active users allowed (0: the plan's)")
	f.StringVar(&expires, "expires", "", "last day of the licence, YYYY-MM-DD (none: no end)")
	f.StringVar(&starts, "starts", "", "first day of the licence, YYYY-MM-DD")
	f.BoolVar(&trial, "trial", false, "the licence is a trial")
	f.IntVar(&grace, "grace-days", 0, "days of writing after expiry before read-only (0: 14)")
	f.StringVar(&modules, "modules", "", "modules instead of the plan's, comma-separated (empty: the plan's)")
	return cmd
}

// licenceDate parses a licence date: the end of that day in UTC for an
// expiry ("none" clears it).
func licenceDate(flag, v string) (time.Time, error) {
	if v == "none" || v == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, domain.FieldError(flag, "err.tenant.licence_date", v)
	}
	if flag == "expires" {
		d = d.Add(24*time.Hour - time.Second)
	}
	return d, nil
}

// newTenantSectorCmd enables a sector for a tenant: its reference data
// pack (work types, skills, clearances, checklists, site templates) is
// added where the tenant lacks it (issue #19).
func newTenantSectorCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "sector SLUG SECTOR",
		Short: "Enable a sector (btp, elec, tp) for a tenant and add its reference data pack",
		Args:  args(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				res, err := reg.EnableSector(cmd.Context(), a[0], a[1], "cli")
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, res)
				}
				fmt.Printf("Secteur %s activé pour %s : %d éléments de référence ajoutés (%d types d'intervention, %d compétences, %d habilitations, %d check-lists, %d modèles de chantier)\n",
					a[1], a[0], res.Added(), res.WorkTypes, res.Skills, res.ClearanceKinds, res.Checklists, res.SiteTemplates)
				return nil
			})
		},
	}
}
