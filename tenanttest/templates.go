package tenanttest

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
)

// templates is the template cache shared by every registry of this test
// binary: tenants are copied from one template per sector, built once,
// instead of being migrated per test.
var templates struct {
	once sync.Once
	dir  string
}

// templateDir returns this process's template cache directory,
// <tmp>/fieldops-tenanttest/<pid>, created once. The directories of test
// processes that have exited are removed on the way.
func templateDir() string {
	templates.once.Do(func() {
		base := filepath.Join(os.TempDir(), "fieldops-tenanttest")
		entries, _ := os.ReadDir(base)
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err == nil && pid != os.Getpid() && syscall.Kill(pid, 0) == syscall.ESRCH {
				_ = os.RemoveAll(filepath.Join(base, e.Name()))
			}
		}
		templates.dir = filepath.Join(base, strconv.Itoa(os.Getpid()))
		// NB: on failure, provisioning reports the directory error.
		_ = os.MkdirAll(templates.dir, 0o750)
	})
	return templates.dir
}
