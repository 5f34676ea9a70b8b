# Private network of an environment: a VPC, one regional private network for the Kubernetes nodes
# (no public IPs on nodes) and a public gateway for their outbound traffic (S3 replicas, ACME, SMTP).

resource "scaleway_vpc" "this" {
  name   = "${var.name}-vpc"
  region = var.region
  tags   = var.tags
}

resource "scaleway_vpc_private_network" "nodes" {
  name   = "${var.name}-nodes"
  vpc_id = scaleway_vpc.this.id
  region = var.region
  tags   = var.tags

  ipv4_subnet {
    subnet = var.nodes_cidr
  }
}

resource "scaleway_vpc_public_gateway_ip" "egress" {
  zone = var.zone
  tags = var.tags
}

resource "scaleway_vpc_public_gateway" "egress" {
  name            = "${var.name}-gw"
  type            = var.gateway_type
  zone            = var.zone
  ip_id           = scaleway_vpc_public_gateway_ip.egress.id
  bastion_enabled = var.bastion_enabled
  tags            = var.tags
}

resource "scaleway_vpc_gateway_network" "nodes" {
  gateway_id         = scaleway_vpc_public_gateway.egress.id
  private_network_id = scaleway_vpc_private_network.nodes.id
  enable_masquerade  = true
  zone               = var.zone

  ipam_config {
    push_default_route = true
  }
}
