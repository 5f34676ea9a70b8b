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
  description = "Safety-net expiry of replica files."
  type        = number
  default     = 35
}

variable "admin_user_ids" {
  description = "Users allowed to read replicas by hand."
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
