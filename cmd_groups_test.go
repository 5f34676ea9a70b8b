package main

import (
	"strings"
	"testing"
)

// TestCLIUnknownSubcommandIsAUsageError checks every command group (found
// from the real command tree, so groups added later are covered): an
// unknown subcommand exits 2 naming it, a near miss suggests the real
// command, and the group alone still prints its help and exits 0.
func TestCLIUnknownSubcommandIsAUsageError(t *testing.T) {
	var groups []string
	for _, c := range newRootCmd().Commands() {
		if c.HasSubCommands() {
			groups = append(groups, c.Name())
		}
	}
	if len(groups) < 5 {
		t.Fatalf("found only the groups %v", groups)
	}
	dir := "--dir=" + t.TempDir()
	for _, g := range groups {
		r := run(t, nil, g, "no-such-command", dir)
		if r.code != 2 || !strings.Contains(r.stderr, `unknown command "no-such-command" for "fieldops `+g+`"`) {
			t.Errorf("%s no-such-command: exit %d, stderr %q", g, r.code, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("%s no-such-command printed on stdout: %q", g, r.stdout)
		}
		r = run(t, nil, g, dir)
		if r.code != 0 || !strings.Contains(r.stdout, "Available Commands") {
			t.Errorf("%s alone: exit %d, stdout %q", g, r.code, r.stdout)
		}
	}
	// the runbook's old spelling
	r := run(t, nil, "secrets", "rotate", dir)
	if r.code != 2 || !strings.Contains(r.stderr, "did you mean rotate-session-keys?") {
		t.Errorf("secrets rotate: exit %d, stderr %q", r.code, r.stderr)
	}
	r = run(t, nil, "tenant", "lst", dir)
	if r.code != 2 || !strings.Contains(r.stderr, "did you mean list?") {
		t.Errorf("tenant lst: exit %d, stderr %q", r.code, r.stderr)
	}
	// subcommands and their own arguments are unaffected
	r = run(t, nil, "tenant", "list", "--json", dir)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("tenant list: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = run(t, nil, "tenant", "show", "a", "b", dir)
	if r.code != 2 {
		t.Errorf("tenant show a b: exit %d, want 2", r.code)
	}
}
