variable "zone" {
  description = "DNS zone managed by Scaleway (e.g. fieldops360.fr)."
  type        = string
}

variable "domain" {
  description = "Base domain of the environment (the zone itself or a subdomain of it)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9.-]+$", var.domain))
    error_message = "domain must be a DNS name."
  }
}

variable "ingress_ip" {
  description = "IPv4 of the ingress load balancer (module kubernetes)."
  type        = string
}

variable "ttl" {
  description = "TTL of the A records (short, so a load balancer change propagates fast)."
  type        = number
  default     = 300
}

variable "caa_issuer" {
  description = "CA allowed to issue certificates (CAA record), empty for none."
  type        = string
  default     = "letsencrypt.org"
}
