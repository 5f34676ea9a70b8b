package resources

import (
	"strconv"
	"strings"
)

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 6, 64) }

func joinComma(s []string) string { return strings.Join(s, ", ") }
