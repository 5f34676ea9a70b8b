package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/tenants"
)

// newTenantMoveCmd is `fieldops tenant move SLUG --to SHARD` (issue #21),
// run on the control plane's data directory.
func newTenantMoveCmd(g *globals) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "move SLUG --to SHARD",
		Short: "Move a tenant to another shard: freeze its writes, final sync, restore on the target, verify, flip the route (exit 0 once it serves from the target)",
		Long: `Moves a tenant between the shards of a scale-out installation, from the control
plane's data directory (the settings the control plane recorded: cluster token, proxy).
Steps: freeze the tenant's writes on its shard (other tenants keep working), sync its
replica a last time, restore it on the target from the replica with its files and
audit anchors, verify (row counts of every table, audit head, audit chain against its
signed anchors), activate it on the target, flip its route (control plane and proxy),
release the source. Exit 0 when the tenant serves from the target; on any failure the
steps done are rolled back, the tenant serves from its source and the exit is non-zero.`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				m, err := newMover(reg)
				if err != nil {
					return err
				}
				if !g.JSON {
					m.Progress = func(step string) { fmt.Fprintf(os.Stderr, "… %s\n", step) }
				}
				ctx, cancel := context.WithTimeout(cmd.Context(), 30*time.Minute)
				defer cancel()
				res, err := m.Move(ctx, a[0], to, "cli")
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, res)
				}
				fmt.Printf("Client %q déplacé de %s vers %s : écritures suspendues %d ms, %d octets, chaîne d'audit vérifiée (seq %d)\n",
					res.Tenant, res.From, res.To, res.UnavailableMS, res.Bytes, res.Fingerprint.AuditSeq)
				if res.ReleaseError != "" {
					fmt.Printf("Attention : l'ancien shard n'a pas été libéré (%s) ; aucune requête ne l'atteint.\n", res.ReleaseError)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "target shard id (required)")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

// newMover builds a Mover from the settings the control plane recorded.
func newMover(reg *tenants.Registry) (*tenants.Mover, error) {
	set, err := reg.LoadClusterSettings()
	if err != nil {
		return nil, err
	}
	if set.Token == "" {
		return nil, usageError{fmt.Errorf("no scale-out control plane here (%s): start it once with --role control", reg.Config().Dir)}
	}
	return reg.NewMover(), nil
}

func newShardCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "shard", Short: "Shards of a scale-out installation (on the control plane's data directory)", Args: args(cobra.NoArgs)}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the shards: URL, health, tenants, load",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				all, err := reg.Shards()
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, all)
				}
				tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "SHARD\tÉTAT\tSANTÉ\tCLIENTS\tOUVERTS\tBASES\tVU\tURL")
				for _, s := range all {
					health := "ok"
					if !s.Healthy {
						health = "injoignable"
					}
					state := s.State
					if s.Dedicated {
						state += " (dédié)"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d Mio\t%s\t%s\n", s.ID, state, health, s.Tenants, s.OpenTenants, s.DBBytes>>20, s.LastSeen.Format(time.RFC3339), s.URL)
				}
				return tw.Flush()
			})
		},
	}
	var dedicated bool
	setState := func(verb, state string) *cobra.Command {
		c := &cobra.Command{
			Use:   verb + " SHARD",
			Short: map[string]string{"drain": "Take no new tenants on a shard (its tenants stay until moved)", "activate": "Take new tenants on a shard again"}[verb],
			Args:  args(cobra.ExactArgs(1)),
			RunE: func(cmd *cobra.Command, a []string) error {
				return withRegistry(g, func(reg *tenants.Registry) error {
					return reg.SetShardState(a[0], state, dedicated, "cli")
				})
			},
		}
		c.Flags().BoolVar(&dedicated, "dedicated", false, "only tenants placed on it by name (a dedicated customer's node)")
		return c
	}
	cmd.AddCommand(list, setState("drain", "draining"), setState("activate", "active"))
	return cmd
}

func newProxyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "proxy", Short: "The edge proxy of a scale-out installation", Args: args(cobra.NoArgs)}
	c := tenants.HAProxyConfig{}
	render := &cobra.Command{
		Use:   "haproxy-config",
		Short: "Print an haproxy.cfg routing every tenant host to its shard (backends from the registered shards)",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				all, err := reg.Shards()
				if err != nil {
					return err
				}
				c.Shards, c.ShardsTLS = map[string]string{}, map[string]string{}
				for _, s := range all {
					u, err := url.Parse(s.URL)
					if err != nil || u.Host == "" {
						return fmt.Errorf("shard %s: URL %q has no host:port", s.ID, s.URL)
					}
					c.Shards[s.ID] = u.Host
					if c.TLSListen != "" {
						if s.TLSAddr == "" {
							return usageError{fmt.Errorf("--tls-listen: shard %s has no TLS listener (start it with --tls auto)", s.ID)}
						}
						c.ShardsTLS[s.ID] = s.TLSAddr
					}
				}
				if c.TLSListen != "" && c.ControlTLS == "" {
					return usageError{fmt.Errorf("--tls-listen needs --control-tls (the control plane's TLS host:port)")}
				}
				out, err := tenants.RenderHAProxyConfig(c)
				if err != nil {
					return usageError{err}
				}
				fmt.Print(out)
				return nil
			})
		},
	}
	f := render.Flags()
	f.StringVar(&c.Listen, "listen", ":80", "HTTP bind address")
	f.StringVar(&c.Socket, "socket", "/run/haproxy/admin.sock", "runtime API (stats socket): a path or ipv4@127.0.0.1:9999")
	f.StringVar(&c.MapFile, "map", "/etc/haproxy/fieldops-tenants.map", "placement map file (the control plane's --proxy-map)")
	f.StringVar(&c.Control, "control", "127.0.0.1:8090", "the control plane's host:port")
	f.StringVar(&c.TLSListen, "tls-listen", "", "TLS bind address (e.g. :443): TLS passed through by SNI to the shard holding each tenant (its certificates, --tls auto)")
	f.StringVar(&c.ControlTLS, "control-tls", "", "with --tls-listen: the control plane's TLS host:port")
	cmd.AddCommand(render)
	return cmd
}
