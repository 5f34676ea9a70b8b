output "vpc_id" {
  description = "ID of the VPC."
  value       = scaleway_vpc.this.id
}

output "private_network_id" {
  description = "ID of the private network of the nodes."
  value       = scaleway_vpc_private_network.nodes.id
}

output "egress_ip" {
  description = "Public IPv4 of outbound traffic (allow-list it at S3/SMTP providers if needed)."
  value       = scaleway_vpc_public_gateway_ip.egress.address
}
