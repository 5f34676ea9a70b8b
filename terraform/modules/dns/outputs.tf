output "fqdns" {
  description = "Names served by the ingress."
  value       = [for k, r in scaleway_domain_record.a : r.fqdn]
}
