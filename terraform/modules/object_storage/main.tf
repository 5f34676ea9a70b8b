# Object storage of an environment:
#   <prefix>-replicas — Litestream replicas of every SQLite database (continuous backup, PITR);
#   <prefix>-files    — uploaded files (photos, documents), exports and generated reports.
# Private buckets, an IAM application with an API key limited to object storage for the pods
# (its key pair goes into the Kubernetes Secret named by the chart's secret.existingSecret).

# Buckets take tags as a map ("app=fieldops" -> app = "fieldops"); IAM resources take the list.
locals {
  bucket_tags = { for t in var.tags : split("=", t)[0] => join("=", slice(split("=", t), 1, length(split("=", t)))) }
}

# Replica bucket: versioned, with S3 Object Lock (governance mode): no object version can be removed
# during its first replica_lock_days unless a principal allowed to lift governance retention does so
# on purpose (never the app key). Retention is Litestream's (`fieldops replicate
# --retention`, replica_retention_days here): it deletes snapshots older than the retention and the
# LTX files they make unnecessary. Those deletes only add delete markers (the app key cannot remove
# a version, see the bucket policy); the noncurrent versions they leave behind expire
# replica_noncurrent_margin_days after the retention. There is no expiry rule on current objects: a
# tenant that nobody writes to keeps a restorable replica for as long as it exists (the replicator
# snapshots every database, open or not, at least daily).
#
# Object lock can only be enabled when a bucket is created (ForceNew): an existing environment's
# bucket gets it from Scaleway support first, or a new bucket is created (docs/deployment.md,
# "Replica bucket"). A plan that replaces a bucket holding replicas fails at the delete
# (force_destroy = false, locked versions): nothing is lost, but do not apply such a plan.
resource "scaleway_object_bucket" "replicas" {
  name                = "${var.bucket_prefix}-replicas"
  region              = var.region
  force_destroy       = false
  object_lock_enabled = true
  tags                = local.bucket_tags

  versioning {
    enabled = true
  }

  lifecycle_rule {
    id                                     = "abort-multipart"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 1
  }

  # Versions deleted by Litestream's retention (or overwritten) stay recoverable this long.
  lifecycle_rule {
    id      = "expire-noncurrent-versions"
    enabled = true

    noncurrent_version_expiration {
      noncurrent_days = var.replica_retention_days + var.replica_noncurrent_margin_days
    }
  }

  # Delete markers whose noncurrent versions have all expired (keeps listings short).
  lifecycle_rule {
    id      = "expire-delete-markers"
    enabled = true

    expiration {
      expired_object_delete_marker = true
    }
  }
}

resource "scaleway_object_bucket_lock_configuration" "replicas" {
  bucket = scaleway_object_bucket.replicas.id
  region = var.region

  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = var.replica_lock_days
    }
  }
}

resource "scaleway_object_bucket" "files" {
  name          = "${var.bucket_prefix}-files"
  region        = var.region
  force_destroy = false
  tags          = local.bucket_tags

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

# The project-wide permission sets the pods need (objects read/write/delete, buckets read). What the
# key may do on the replica bucket is narrowed by its bucket policy below: Scaleway applies a bucket
# policy on top of IAM, and an action the policy does not allow is refused.
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

# Bucket policy (version 2023-04-17: only what a statement allows is permitted, to principals IAM
# also allows; Deny statements have no effect, so "cannot" below means "not listed").
# - the app key (replication identity): list, read, write, and DeleteObject, which on this
#   versioned bucket only adds a delete marker. It cannot delete a version
#   (s3:DeleteObjectVersion), change retention or legal holds (s3:PutObjectRetention,
#   s3:PutObjectLegalHold: there is nothing else to bypass governance mode with), versioning,
#   lifecycle rules or the object lock configuration; bucket policies are IAM-only
#   (ObjectStorageBucketPolicy* permission sets, not granted to the app).
# - admin_user_ids (restores by hand): read every version, including those behind delete markers.
# - bucket_manager_principals (the identity OpenTofu runs as, break-glass admins): the bucket's
#   configuration. Without them, once this policy exists, plans that change the lifecycle rules,
#   versioning or lock configuration are refused.
locals {
  replicas_bucket  = scaleway_object_bucket.replicas.name
  replicas_objects = "${scaleway_object_bucket.replicas.name}/*"
  replica_readers  = [for u in var.admin_user_ids : "user_id:${u}"]
}

resource "scaleway_object_bucket_policy" "replicas" {
  bucket = scaleway_object_bucket.replicas.id
  region = var.region
  policy = jsonencode({
    Version = "2023-04-17"
    Id      = "fieldops-replicas"
    Statement = concat(
      [{
        Sid       = "app-replication"
        Effect    = "Allow"
        Principal = { SCW = ["application_id:${scaleway_iam_application.app.id}"] }
        Action = [
          "s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject",
          "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
        ]
        Resource = [local.replicas_bucket, local.replicas_objects]
      }],
      [for readers in [local.replica_readers] : {
        Sid       = "admins-restore"
        Effect    = "Allow"
        Principal = { SCW = readers }
        Action = [
          "s3:ListBucket", "s3:ListBucketVersions", "s3:GetObject", "s3:GetObjectVersion",
          "s3:GetObjectRetention", "s3:GetObjectLegalHold", "s3:GetBucketVersioning",
          "s3:GetBucketObjectLockConfiguration", "s3:GetLifecycleConfiguration",
        ]
        Resource = [local.replicas_bucket, local.replicas_objects]
      } if length(readers) > 0],
      [for managers in [var.bucket_manager_principals] : {
        Sid       = "bucket-management"
        Effect    = "Allow"
        Principal = { SCW = managers }
        Action = [
          "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketAcl", "s3:PutBucketAcl",
          "s3:GetBucketCORS", "s3:PutBucketCORS", "s3:GetBucketLocation", "s3:GetBucketTagging",
          "s3:PutBucketTagging", "s3:GetBucketVersioning", "s3:PutBucketVersioning",
          "s3:GetBucketWebsite", "s3:DeleteBucketWebsite", "s3:GetLifecycleConfiguration",
          "s3:PutLifecycleConfiguration", "s3:GetBucketObjectLockConfiguration",
          "s3:PutBucketObjectLockConfiguration",
        ]
        Resource = [local.replicas_bucket]
      } if length(managers) > 0],
    )
  })
}
