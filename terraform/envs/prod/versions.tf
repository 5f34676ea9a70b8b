terraform {
  required_version = ">= 1.8.0"

  required_providers {
    scaleway = {
      source  = "scaleway/scaleway"
      version = "~> 2.76"
    }
  }
}

# Credentials: SCW_ACCESS_KEY / SCW_SECRET_KEY in the environment (CI secrets), never in files.
provider "scaleway" {
  project_id = var.project_id
  region     = var.region
  zone       = var.zones[0]
}
