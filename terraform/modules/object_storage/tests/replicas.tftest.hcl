# Contract of the replica bucket (issue 13): versioning + object lock in governance mode, retention
# left to Litestream (no expiry of current objects), noncurrent versions kept retention + margin, and
# an app key that can write and add delete markers but never remove a version or change the bucket.
#   cd terraform/modules/object_storage && tofu init -backend=false && tofu test
# Needs the Scaleway provider's schema (registry, or a filesystem_mirror); resources are mocked, so
# no credentials and no API calls.

mock_provider "scaleway" {
  mock_resource "scaleway_iam_application" {
    defaults = {
      id = "55555555-5555-4555-8555-555555555555"
    }
  }
}

variables {
  bucket_prefix             = "fieldops-test"
  project_id                = "11111111-1111-4111-8111-111111111111"
  replica_retention_days    = 14
  bucket_manager_principals = ["application_id:44444444-4444-4444-8444-444444444444"]
  tags                      = ["app=fieldops", "env=test"]
}

run "replica_bucket_is_versioned_locked_and_never_expires_current_objects" {
  command = apply

  assert {
    condition     = scaleway_object_bucket.replicas.object_lock_enabled && scaleway_object_bucket.replicas.versioning[0].enabled
    error_message = "the replica bucket must be versioned with object lock enabled"
  }
  assert {
    condition     = scaleway_object_bucket_lock_configuration.replicas.rule[0].default_retention[0].mode == "GOVERNANCE" && scaleway_object_bucket_lock_configuration.replicas.rule[0].default_retention[0].days == 7
    error_message = "default retention must be GOVERNANCE, 7 days"
  }
  assert {
    condition = alltrue([for r in scaleway_object_bucket.replicas.lifecycle_rule :
    alltrue([for e in r.expiration : (e.days == null || e.days == 0) && (e.date == null || e.date == "")])])
    error_message = "no lifecycle rule may expire current replica objects (retention is Litestream's)"
  }
  assert {
    condition = [for r in scaleway_object_bucket.replicas.lifecycle_rule : r.noncurrent_version_expiration[0].noncurrent_days
    if length(r.noncurrent_version_expiration) > 0] == [21]
    error_message = "noncurrent versions must expire after retention (14) + margin (7) days"
  }
  assert {
    condition     = contains([for r in scaleway_object_bucket.replicas.lifecycle_rule : r.abort_incomplete_multipart_upload_days], 1)
    error_message = "incomplete multipart uploads must be aborted after a day"
  }
  assert {
    condition     = scaleway_object_bucket.replicas.tags == tomap({ app = "fieldops", env = "test" })
    error_message = "bucket tags must be the key=value list as a map"
  }
  assert {
    condition     = output.replica_retention == "336h"
    error_message = "the retention given to the app must be replica_retention_days x 24 h"
  }
}

run "app_key_can_write_and_mark_deleted_but_never_remove_a_version" {
  command = apply

  variables {
    admin_user_ids = ["22222222-2222-4222-8222-222222222222"]
  }

  assert {
    condition = [for s in jsondecode(scaleway_object_bucket_policy.replicas.policy).Statement : s.Sid] == [
    "app-replication", "admins-restore", "bucket-management"]
    error_message = "expected the app, admins and bucket-management statements"
  }
  assert {
    condition = alltrue([for a in ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"] :
    contains(jsondecode(scaleway_object_bucket_policy.replicas.policy).Statement[0].Action, a)])
    error_message = "the app key must list, read, write and add delete markers"
  }
  assert {
    condition = length(setintersection(jsondecode(scaleway_object_bucket_policy.replicas.policy).Statement[0].Action, [
      "*", "s3:*", "s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:PutObjectLegalHold",
      "s3:PutBucketVersioning", "s3:PutLifecycleConfiguration", "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketAcl"])) == 0
    error_message = "the app key must not remove versions, lift retention or change the bucket's configuration"
  }
  assert {
    condition     = jsondecode(scaleway_object_bucket_policy.replicas.policy).Statement[0].Principal.SCW == ["application_id:${scaleway_iam_application.app.id}"]
    error_message = "the app statement must name the app's IAM application only"
  }
  assert {
    condition = alltrue([for a in jsondecode(scaleway_object_bucket_policy.replicas.policy).Statement[1].Action :
    startswith(a, "s3:Get") || startswith(a, "s3:List")])
    error_message = "admins restore by hand: read-only, every version"
  }
  assert {
    condition = alltrue([for a in jsondecode(scaleway_object_bucket_policy.replicas.policy).Statement[2].Action :
    !startswith(a, "s3:DeleteObject") && !contains(["s3:PutObject", "s3:PutObjectRetention"], a)])
    error_message = "bucket management must not touch objects"
  }
}

run "without_admins_or_managers_only_the_app_statement" {
  command = apply

  variables {
    bucket_manager_principals = []
  }

  assert {
    condition     = length(jsondecode(scaleway_object_bucket_policy.replicas.policy).Statement) == 1
    error_message = "empty principal lists must not produce statements"
  }
}

run "retention_shorter_than_two_days_is_refused" {
  command = plan

  variables {
    replica_retention_days = 1
  }

  expect_failures = [var.replica_retention_days]
}

run "malformed_manager_principal_is_refused" {
  command = plan

  variables {
    bucket_manager_principals = ["tofu-ci"]
  }

  expect_failures = [var.bucket_manager_principals]
}
