# Object storage of an environment:
#   <prefix>-replicas — Litestream replicas of every SQLite database (continuous backup, PITR);
#   <prefix>-files    — uploaded files (photos, documents), exports and generated reports.
# Private buckets, an IAM application with an API key limited to object storage for the pods
# (its key pair goes into the Kubernetes Secret named by the chart's secret.existingSecret).

resource "scaleway_object_bucket" "replicas" {
  name          = "${var.bucket_prefix}-replicas"
  region        = var.region
  force_destroy = false
  tags          = var.tags

  # Litestream prunes its own snapshots and LTX files; this rule is the safety net for files it
  # no longer tracks (e.g. an abandoned colour or shard prefix).
  lifecycle_rule {
    id                                     = "expire-stale-replica-files"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 1

    expiration {
      days = var.replica_retention_days
    }
  }
}

resource "scaleway_object_bucket" "files" {
  name          = "${var.bucket_prefix}-files"
  region        = var.region
  force_destroy = false
  tags          = var.tags

  versioning {
    enabled = true
  }

  lifecycle_rule {
    id                                     = "abort-multipart"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 1
  }

  lifecycle_rule {
    id      = "exports-to-glacier-then-expire"
    enabled = true
    prefix  = "exports/"

    transition {
      days          = var.exports_glacier_after_days
      storage_class = "GLACIER"
    }

    expiration {
      days = var.exports_retention_days
    }
  }

  lifecycle_rule {
    id      = "tmp-uploads"
    enabled = true
    prefix  = "tmp/"

    expiration {
      days = 1
    }
  }
}

resource "scaleway_object_bucket_acl" "replicas" {
  bucket = scaleway_object_bucket.replicas.id
  region = var.region
  acl    = "private"
}

resource "scaleway_object_bucket_acl" "files" {
  bucket = scaleway_object_bucket.files.id
  region = var.region
  acl    = "private"
}

resource "scaleway_iam_application" "app" {
  name        = "${var.bucket_prefix}-app"
  description = "FieldOps360 pods: Litestream replicas and uploaded files"
  tags        = var.tags
}

resource "scaleway_iam_policy" "app_object_storage" {
  name           = "${var.bucket_prefix}-app-object-storage"
  description    = "Object storage only, in the environment's project"
  application_id = scaleway_iam_application.app.id

  rule {
    project_ids          = [var.project_id]
    permission_set_names = ["ObjectStorageObjectsRead", "ObjectStorageObjectsWrite", "ObjectStorageObjectsDelete", "ObjectStorageBucketsRead"]
  }
}

resource "scaleway_iam_api_key" "app" {
  application_id     = scaleway_iam_application.app.id
  description        = "FieldOps360 pods (${var.bucket_prefix}); rotate with docs/runbooks/rotate-secrets.md"
  default_project_id = var.project_id
}

resource "scaleway_object_bucket_policy" "replicas" {
  bucket = scaleway_object_bucket.replicas.id
  region = var.region
  policy = jsonencode({
    Version = "2023-04-17"
    Id      = "fieldops-replicas"
    Statement = [
      {
        Sid       = "app-and-admins"
        Effect    = "Allow"
        Principal = { SCW = concat(["application_id:${scaleway_iam_application.app.id}"], [for u in var.admin_user_ids : "user_id:${u}"]) }
        Action    = ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource  = [scaleway_object_bucket.replicas.name, "${scaleway_object_bucket.replicas.name}/*"]
      },
    ]
  })
}
