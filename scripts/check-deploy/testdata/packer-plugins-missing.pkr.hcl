# Broken on purpose: the ansible provisioner's plugin is missing and qemu is not pinned.
packer {
  required_version = ">= 1.10.0"
  required_plugins {
    qemu = {
      source  = "github.com/hashicorp/qemu"
      version = ">= 1"
    }
    scaleway = {
      source  = "github.com/scaleway/scaleway"
      version = "~> 1.1.0"
    }
  }
}
