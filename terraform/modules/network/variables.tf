variable "name" {
  description = "Prefix of every resource name (e.g. fieldops-prod)."
  type        = string
}

variable "region" {
  description = "Scaleway region (fr-par, nl-ams, pl-waw)."
  type        = string
  default     = "fr-par"
}

variable "zone" {
  description = "Zone of the public gateway."
  type        = string
  default     = "fr-par-1"
}

variable "nodes_cidr" {
  description = "IPv4 subnet of the private network of the Kubernetes nodes."
  type        = string
  default     = "10.42.0.0/22"

  validation {
    condition     = can(cidrhost(var.nodes_cidr, 0))
    error_message = "nodes_cidr must be an IPv4 CIDR block."
  }
}

variable "gateway_type" {
  description = "Public gateway offer."
  type        = string
  default     = "VPC-GW-S"
}

variable "bastion_enabled" {
  description = "SSH bastion on the gateway (break-glass access to nodes)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags put on every resource."
  type        = list(string)
  default     = []
}
