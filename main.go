// Command fieldops is the FieldOps360 server and its administration CLI:
// one binary hosting the control plane and every tenant (DESIGN.md §2–§3).
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fieldops360/fieldops/domain"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit codes of the CLI contract (DESIGN.md §3).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError marks command-line mistakes (exit code 2).
type usageError struct{ error }

// unhealthyError is a check that ran and found a problem (exit code 1,
// the report already printed on stdout): `backup status`.
type unhealthyError struct{ problems []string }

func (e unhealthyError) Error() string {
	return "unhealthy / en défaut: " + strings.Join(e.problems, "; ")
}

func main() {
	root := newRootCmd()
	err := root.Execute()
	os.Exit(exitCode(err))
}

func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var unhealthy unhealthyError
	if errors.As(err, &unhealthy) {
		fmt.Fprintln(os.Stderr, "fieldops:", unhealthy.Error())
		return exitFailure
	}
	var u usageError
	if errors.As(err, &u) || isCobraUsage(err) {
		fmt.Fprintln(os.Stderr, "fieldops:", err)
		fmt.Fprintln(os.Stderr, "Voir / see: fieldops --help")
		return exitUsage
	}
	fmt.Fprintln(os.Stderr, "fieldops:", domain.ErrorText(err).Bilingual())
	if domain.ErrorCode(err) == domain.EInternal {
		fmt.Fprintln(os.Stderr, "  cause:", err)
	}
	return exitFailure
}

// globals are the flags every command accepts (before or after it).
type globals struct {
	Dir    string
	Domain string
	HTTP   string
	JSON   bool
}

func newRootCmd() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:           "fieldops",
		Short:         "FieldOps360 — pilotage des équipes terrain (BTP, électricité, TP)",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return applyEnv(cmd)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.Dir, "dir", "./pb_data", "data directory (platform/ and tenants/<slug>/)")
	pf.StringVar(&g.Domain, "domain", "localhost", "base domain: tenants are served on <slug>.<domain>")
	pf.StringVar(&g.HTTP, "http", "127.0.0.1:8090", "HTTP listen address (also used to print tenant URLs)")
	pf.BoolVar(&g.JSON, "json", false, "print one JSON object (an array for list)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newServeCmd(g), newDemoCmd(g), newTenantCmd(g), newAuditCmd(g), newSuperuserCmd(g), newSecretsCmd(g), newReplicateCmd(g), newBackupCmd(g), newSchemaCmd(g), newGDPRCmd(g), newBillingCmd(g), newShardCmd(g), newProxyCmd(g))
	strictGroups(root)
	return root
}

// strictGroups makes every command group below the root (tenant, backup,
// secrets…) refuse an unknown subcommand with exit code 2 and a
// suggestion, instead of cobra's default of printing its help and exiting
// 0 (`fieldops secrets rotate` looked like it worked). A group given no
// subcommand still prints its help and exits 0. The root already refuses
// unknown commands.
func strictGroups(root *cobra.Command) {
	for _, c := range root.Commands() {
		walkGroups(c)
	}
}

func walkGroups(c *cobra.Command) {
	if !c.HasSubCommands() {
		return
	}
	for _, sub := range c.Commands() {
		walkGroups(sub)
	}
	if c.Runnable() {
		return
	}
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2
	}
	c.Args = func(cmd *cobra.Command, a []string) error {
		if len(a) == 0 {
			return nil
		}
		msg := fmt.Sprintf("unknown command %q for %q", a[0], cmd.CommandPath())
		if s := cmd.SuggestionsFor(a[0]); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, ", ") + "?"
		} else {
			msg += "; commands: " + strings.Join(subcommandNames(cmd), ", ")
		}
		return usageError{errors.New(msg)}
	}
	c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
}

func subcommandNames(c *cobra.Command) []string {
	var names []string
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			names = append(names, s.Name())
		}
	}
	return names
}

// applyEnv fills every flag not given on the command line from
// FIELDOPS_<FLAG> (upper case, dashes as underscores).
func applyEnv(cmd *cobra.Command) error {
	var err error
	visit := func(f *pflag.Flag) {
		if f.Changed || err != nil {
			return
		}
		key := "FIELDOPS_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(key); ok {
			if setErr := f.Value.Set(v); setErr != nil {
				err = usageError{fmt.Errorf("%s: %w", key, setErr)}
			}
		}
	}
	cmd.Flags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	return err
}

// isCobraUsage recognises the usage errors cobra returns without going
// through a hook we can wrap (missing required flags, unknown commands).
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"required flag", "unknown command", "unknown flag", "unknown shorthand", "invalid argument", "flag needs an argument"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// args wraps a cobra argument validator so its errors exit with code 2.
func args(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := v(cmd, a); err != nil {
			return usageError{err}
		}
		return nil
	}
}
