# Remote state in a versioned Scaleway Object Storage bucket (created once by hand, see
# docs/deployment.md), one key per environment, S3-native locking (use_lockfile).
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY = a Scaleway API key with access to that bucket.
terraform {
  backend "s3" {
    bucket                      = "fieldops360-tfstate"
    key                         = "envs/staging/terraform.tfstate"
    region                      = "fr-par"
    use_lockfile                = true
    skip_credentials_validation = true
    skip_region_validation      = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_s3_checksum            = true

    endpoints = {
      s3 = "https://s3.fr-par.scw.cloud"
    }
  }
}
