locals {
  name = "fieldops-${var.environment}"
  tags = ["app=fieldops", "env=${var.environment}", "managed-by=opentofu"]
}

module "network" {
  source = "../../modules/network"

  name       = local.name
  region     = var.region
  zone       = var.zones[0]
  nodes_cidr = var.nodes_cidr
  tags       = local.tags
}

module "kubernetes" {
  source = "../../modules/kubernetes"

  name               = local.name
  region             = var.region
  zones              = var.zones
  cluster_type       = var.cluster_type
  kubernetes_version = var.kubernetes_version
  private_network_id = module.network.private_network_id
  node_type          = var.node_type
  nodes_per_zone     = var.nodes_per_zone
  max_nodes_per_zone = var.max_nodes_per_zone
  tags               = local.tags
}

module "object_storage" {
  source = "../../modules/object_storage"

  bucket_prefix             = local.name
  project_id                = var.project_id
  region                    = var.region
  replica_retention_days    = var.replica_retention_days
  replica_lock_days         = var.replica_lock_days
  bucket_manager_principals = var.bucket_manager_principals
  admin_user_ids            = var.admin_user_ids
  tags                      = local.tags
}

module "dns" {
  source = "../../modules/dns"

  zone       = var.dns_zone
  domain     = var.domain
  ingress_ip = module.kubernetes.ingress_ip
}
