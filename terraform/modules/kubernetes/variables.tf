variable "name" {
  description = "Cluster name (e.g. fieldops-prod)."
  type        = string
}

variable "region" {
  description = "Scaleway region."
  type        = string
  default     = "fr-par"
}

variable "zones" {
  description = "Zones with a node pool each (the first also holds the ingress IP)."
  type        = list(string)
  default     = ["fr-par-1"]

  validation {
    condition     = length(var.zones) > 0
    error_message = "At least one zone is needed."
  }
}

variable "cluster_type" {
  description = "kapsule (shared control plane) or kapsule-dedicated-4/8/16 (dedicated control plane, SLA)."
  type        = string
  default     = "kapsule"
}

variable "kubernetes_version" {
  description = "Kubernetes minor version (native sidecars need 1.29 or later; the chart is tested against 1.37)."
  type        = string
  default     = "1.34"
}

variable "private_network_id" {
  description = "Private network of the nodes (module network)."
  type        = string
}

variable "node_type" {
  description = "Instance type of the nodes."
  type        = string
  default     = "PRO2-S"
}

variable "nodes_per_zone" {
  description = "Nodes per zone (minimum when autoscaling)."
  type        = number
  default     = 1
}

variable "max_nodes_per_zone" {
  description = "Maximum nodes per zone (autoscaling is on when greater than nodes_per_zone)."
  type        = number
  default     = 1
}

variable "root_volume_gb" {
  description = "Root volume of each node, GB."
  type        = number
  default     = 40
}

variable "auto_upgrade" {
  description = "Patch upgrades of Kubernetes during the maintenance window."
  type        = bool
  default     = true
}

variable "maintenance_hour" {
  description = "Start hour (UTC) of the maintenance window."
  type        = number
  default     = 2
}

variable "maintenance_day" {
  description = "Day of the maintenance window (monday…sunday, any)."
  type        = string
  default     = "sunday"
}

variable "tags" {
  description = "Tags put on every resource."
  type        = list(string)
  default     = []
}
