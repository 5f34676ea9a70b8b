# DNS of an environment in a Scaleway-managed zone: the platform (<domain>, admin.<domain>) and the
# wildcard for tenants (*.<domain>) point at the ingress load balancer. Custom tenant hosts are
# CNAMEs the customer creates in their own zone to <domain>.

locals {
  # Record names relative to the zone: "" is the zone apex.
  base = trimsuffix(trimsuffix(var.domain, var.zone), ".")
  names = {
    platform = local.base
    wildcard = local.base == "" ? "*" : "*.${local.base}"
  }
}

resource "scaleway_domain_record" "a" {
  for_each = local.names

  dns_zone = var.zone
  name     = each.value
  type     = "A"
  data     = var.ingress_ip
  ttl      = var.ttl
}

resource "scaleway_domain_record" "caa" {
  count = var.caa_issuer == "" ? 0 : 1

  dns_zone = var.zone
  name     = local.base
  type     = "CAA"
  data     = "0 issue \"${var.caa_issuer}\""
  ttl      = 3600
}
