output "cluster_id" {
  description = "ID of the Kapsule cluster."
  value       = scaleway_k8s_cluster.this.id
}

output "apiserver_url" {
  description = "URL of the Kubernetes API server."
  value       = scaleway_k8s_cluster.this.apiserver_url
}

output "kubeconfig" {
  description = "Kubeconfig of the cluster admin (store it in the CI secret store, never in git)."
  value       = scaleway_k8s_cluster.this.kubeconfig[0].config_file
  sensitive   = true
}

output "ingress_ip" {
  description = "Reserved IPv4 of the ingress load balancer."
  value       = scaleway_lb_ip.ingress.ip_address
}

output "ingress_ip_id" {
  description = "ID of the reserved IP, for the ingress-nginx Service annotation."
  value       = scaleway_lb_ip.ingress.id
}
