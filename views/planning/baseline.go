package planning

import (
	"context"
	"fmt"
	"strings"

	"github.com/fieldops360/fieldops/views/i18n"
)

// slipText formats a slip in working days: "à l'heure", "+2 j", "−1 j".
func slipText(ctx context.Context, n int) string {
	switch {
	case n == 0:
		return i18n.T(ctx, "plan.baseline.on_time")
	case n > 0:
		return fmt.Sprintf("+%d %s", n, i18n.T(ctx, "plan.baseline.days"))
	}
	return fmt.Sprintf("−%d %s", -n, i18n.T(ctx, "plan.baseline.days"))
}

func joinTitles(ts []string) string { return strings.Join(ts, ", ") }
