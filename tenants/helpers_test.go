package tenants_test

import (
	"errors"

	"github.com/fieldops360/fieldops/domain"
)

func asDomain(err error, target **domain.Error) bool { return errors.As(err, target) }
