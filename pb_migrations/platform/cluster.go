package platform

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// clusterExpand (issue #21, scale-out) adds the placement tables of a
// control plane serving several shards: the shards that registered (their
// URL, health and load, reported by heartbeat) and the tenant moves
// between shards (one row per move: its steps, outcome and the tenant's
// measured unavailability). A tenant's shard is tenants.shard (empty: the
// control plane's own process, a single-node install). An older binary
// ignores both.
func clusterExpand(app core.App) error {
	steps := []*pbm.Builder{
		pbm.NewBase(app, "shards").Add(
			pbm.Text("shard", true, 63),
			pbm.Text("url", true, 500),
			pbm.Text("tls_addr", false, 300),
			pbm.Select("state", true, "active", "draining", "down"),
			pbm.Bool("dedicated"),
			&core.DateField{Name: "last_seen"},
			pbm.Int("tenants_count", false),
			pbm.Int("open_tenants", false),
			pbm.Int("db_bytes", false),
			pbm.Number("load", false, nil, nil),
			pbm.Text("version", false, 64),
		).Index(true, "shard"),
		pbm.NewBase(app, "tenant_moves").Add(
			pbm.Text("tenant", true, 63),
			pbm.Text("from_shard", true, 63),
			pbm.Text("to_shard", true, 63),
			pbm.Select("state", true, "running", "done", "failed"),
			pbm.Text("step", false, 32),
			pbm.Text("error", false, 2000),
			pbm.Text("actor", false, 200),
			&core.DateField{Name: "started"},
			&core.DateField{Name: "finished"},
			pbm.Int("unavailable_ms", false),
			pbm.JSON("detail"),
		).Index(false, "tenant").Index(false, "state"),
	}
	for _, s := range steps {
		if err := s.Save(); err != nil {
			return err
		}
	}
	return nil
}
