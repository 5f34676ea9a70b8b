package layouts

import "strconv"

// bellCount writes the bell's count, capped at 99+.
func bellCount(n int) string {
	if n > 99 {
		return "99+"
	}
	return strconv.Itoa(n)
}
