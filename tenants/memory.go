package tenants

/*
#include <malloc.h>
static void fieldops_malloc_trim(void) { malloc_trim(0); }
*/
import "C"

import (
	"os"
	"syscall"
)

// trimMemory returns freed C heap (SQLite page caches of a closed tenant)
// to the OS: glibc keeps it otherwise.
func trimMemory() { C.fieldops_malloc_trim() }

// defaultMaxOpen derives the open-tenant cap from the file-descriptor
// limit: about 9 descriptors per open tenant, a quarter kept for sockets.
func defaultMaxOpen() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur == 0 {
		return 100
	}
	n := int(lim.Cur) * 3 / 4 / 9
	if n < 10 {
		n = 10
	}
	return n
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
