output "replicas_bucket" {
  description = "Name of the replica bucket."
  value       = scaleway_object_bucket.replicas.name
}

output "files_bucket" {
  description = "Name of the files bucket."
  value       = scaleway_object_bucket.files.name
}

output "s3_endpoint" {
  description = "S3 endpoint of the region."
  value       = "https://s3.${var.region}.scw.cloud"
}

output "replica_url" {
  description = "Value for the chart's replication.url ({color}/{shard} filled in by the chart)."
  value       = "s3://${scaleway_object_bucket.replicas.name}/{color}/shard-{shard}?endpoint=https://s3.${var.region}.scw.cloud&region=${var.region}"
}

output "replica_retention" {
  description = "Litestream retention matching the bucket's lifecycle: the chart's replication.retention / FIELDOPS_RETENTION."
  value       = "${var.replica_retention_days * 24}h"
}

output "app_access_key" {
  description = "Access key of the pods' IAM application (AWS_ACCESS_KEY_ID)."
  value       = scaleway_iam_api_key.app.access_key
}

output "app_secret_key" {
  description = "Secret key of the pods' IAM application (AWS_SECRET_ACCESS_KEY)."
  value       = scaleway_iam_api_key.app.secret_key
  sensitive   = true
}
