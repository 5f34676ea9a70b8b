variable "environment" {
  description = "Environment name (dev, staging, prod)."
  type        = string
}

variable "project_id" {
  description = "Scaleway project of the environment."
  type        = string
}

variable "region" {
  description = "Scaleway region."
  type        = string
  default     = "fr-par"
}

variable "zones" {
  description = "Zones of the node pools."
  type        = list(string)
}

variable "nodes_cidr" {
  description = "Private network of the nodes."
  type        = string
}

variable "cluster_type" {
  description = "Kapsule offer."
  type        = string
  default     = "kapsule"
}

variable "kubernetes_version" {
  description = "Kubernetes minor version."
  type        = string
}

variable "node_type" {
  description = "Instance type of the nodes."
  type        = string
}

variable "nodes_per_zone" {
  description = "Nodes per zone."
  type        = number
}

variable "max_nodes_per_zone" {
  description = "Maximum nodes per zone."
  type        = number
}

variable "replica_retention_days" {
  description = "Litestream retention of the replicas in days (the app's --retention, FIELDOPS_RETENTION: days x 24 h)."
  type        = number
  default     = 30
}

variable "replica_lock_days" {
  description = "Default object lock (governance) of every new replica object version, in days."
  type        = number
  default     = 7
}

variable "bucket_manager_principals" {
  description = "Identity OpenTofu runs as (application_id:<uuid> or user_id:<uuid>): allowed to change the replica bucket's configuration."
  type        = list(string)
  default     = []
}

variable "admin_user_ids" {
  description = "Users allowed to read replicas by hand (every version)."
  type        = list(string)
  default     = []
}

variable "dns_zone" {
  description = "Scaleway-managed DNS zone."
  type        = string
}

variable "domain" {
  description = "Base domain of the environment (helm value domain)."
  type        = string
}
