package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
)

// MarginSource is what the FinOps series reads (tenants.Registry): each
// tenant's margin of the month in progress, in euros.
type MarginSource interface {
	Margins() (map[string]float64, error)
}

var marginDesc = prometheus.NewDesc("fieldops_tenant_margin_eur",
	"A tenant's margin of the month in progress (revenue − cost, €, FinOps cost model); negative when it costs more than it pays.",
	[]string{"tenant"}, nil)

// AttachMargins exports fieldops_tenant_margin_eur, one series per tenant
// that is not deleted (bounded by the tenant count), computed at scrape.
func (m *Metrics) AttachMargins(src MarginSource) {
	m.reg.MustRegister(prometheus.CollectorFunc(func(ch chan<- prometheus.Metric) {
		margins, err := src.Margins()
		if err != nil {
			return
		}
		for slug, v := range margins {
			ch <- prometheus.MustNewConstMetric(marginDesc, prometheus.GaugeValue, v, slug)
		}
	}))
}
