variable "bucket_prefix" {
  description = "Globally unique prefix of the bucket names (e.g. fieldops-prod)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,40}$", var.bucket_prefix))
    error_message = "bucket_prefix: lower case letters, digits and dashes."
  }
}

variable "project_id" {
  description = "Scaleway project of the environment."
  type        = string
}

variable "region" {
  description = "Scaleway region of the buckets."
  type        = string
  default     = "fr-par"
}

variable "replica_retention_days" {
  description = "Safety-net expiry of replica files (longer than Litestream's own retention)."
  type        = number
  default     = 35
}

variable "exports_glacier_after_days" {
  description = "Days before tenant exports move to the GLACIER class."
  type        = number
  default     = 30
}

variable "exports_retention_days" {
  description = "Days before tenant exports are deleted."
  type        = number
  default     = 365
}

variable "admin_user_ids" {
  description = "Scaleway user IDs allowed to read replicas by hand (restores)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags put on every resource."
  type        = list(string)
  default     = []
}
