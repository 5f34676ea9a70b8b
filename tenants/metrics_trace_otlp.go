package tenants

import (
	"context"
	"log/slog"
)

func startOTLP(ctx context.Context, endpoint, version string, logger *slog.Logger) (*Tracing, error) {
	return &Tracing{}, nil
}
