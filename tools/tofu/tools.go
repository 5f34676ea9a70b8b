//go:build tools

// Package tools pins OpenTofu's command for `go build github.com/opentofu/opentofu/cmd/tofu`.
package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
