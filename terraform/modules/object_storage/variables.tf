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
  description = "Litestream retention of the replicas in days: the app's `fieldops replicate --retention` (FIELDOPS_RETENTION) must be this many days (720h for 30)."
  type        = number
  default     = 30

  validation {
    condition     = var.replica_retention_days >= 2 && floor(var.replica_retention_days) == var.replica_retention_days
    error_message = "replica_retention_days: a whole number of days, at least 2 (longer than the daily snapshot interval)."
  }
}

variable "replica_noncurrent_margin_days" {
  description = "Days a replica object version deleted or overwritten by the app stays recoverable beyond the retention (noncurrent versions expire after retention + margin)."
  type        = number
  default     = 7

  validation {
    condition     = var.replica_noncurrent_margin_days >= 1
    error_message = "replica_noncurrent_margin_days must be at least 1."
  }
}

variable "replica_lock_days" {
  description = "Default S3 Object Lock retention (governance mode) of every new replica object version, in days."
  type        = number
  default     = 7

  validation {
    condition     = var.replica_lock_days >= 1 && var.replica_lock_days <= 30
    error_message = "replica_lock_days: between 1 and 30 days (longer locks keep deleted L0 files, and their cost, as long)."
  }
}

variable "bucket_manager_principals" {
  description = "Principals allowed to change the replica bucket's configuration through its bucket policy (lifecycle, versioning, lock): the identity OpenTofu runs as, e.g. \"application_id:<uuid>\" or \"user_id:<uuid>\"."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.bucket_manager_principals : can(regex("^(application_id|user_id):[0-9a-f-]{36}$", p))])
    error_message = "bucket_manager_principals: \"application_id:<uuid>\" or \"user_id:<uuid>\"."
  }
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
  description = "Scaleway user IDs allowed to read replicas by hand, every version included (restores)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags put on every resource, as \"key=value\" (the buckets get them as a map)."
  type        = list(string)
  default     = []
}
