output "kubeconfig" {
  description = "Admin kubeconfig (CI secret KUBECONFIG_<ENV>)."
  value       = module.kubernetes.kubeconfig
  sensitive   = true
}

output "ingress_ip_id" {
  description = "Reserved ingress IP ID (ingress-nginx annotation service.beta.kubernetes.io/scw-loadbalancer-ip-id)."
  value       = module.kubernetes.ingress_ip_id
}

output "replica_url" {
  description = "helm value replication.url."
  value       = module.object_storage.replica_url
}

output "replica_retention" {
  description = "helm value replication.retention (Litestream retention matching the bucket lifecycle)."
  value       = module.object_storage.replica_retention
}

output "app_access_key" {
  description = "AWS_ACCESS_KEY_ID of the pods' Secret."
  value       = module.object_storage.app_access_key
}

output "app_secret_key" {
  description = "AWS_SECRET_ACCESS_KEY of the pods' Secret."
  value       = module.object_storage.app_secret_key
  sensitive   = true
}

output "egress_ip" {
  description = "Outbound IPv4 of the nodes."
  value       = module.network.egress_ip
}

output "fqdns" {
  description = "DNS names pointing at the ingress."
  value       = module.dns.fqdns
}
