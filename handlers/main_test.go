package handlers_test

import (
	"os"
	"testing"
)

// afterTests run once every test of the binary is over (the shared
// Chromium of the browser tests registers its close here).
var afterTests []func()

// TestMain makes the test binary a pack of SSE viewers when the live
// fan-out benchmark starts it so (fanoutEnv), and otherwise runs the tests,
// then afterTests.
func TestMain(m *testing.M) {
	if os.Getenv(fanoutEnv) != "" {
		os.Exit(fanoutViewers())
	}
	code := m.Run()
	for _, f := range afterTests {
		f()
	}
	os.Exit(code)
}
