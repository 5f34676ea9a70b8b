# Plugins of fieldops.pkr.hcl (Packer >= 1.10 ships no builder or provisioner): `packer init packer/`.
# Kept in its own file: check-deploy validates fieldops.pkr.hcl with Debian's packer 1.6.6 (builders
# built in, no required_plugins support) and checks this block's pins with scripts/check-deploy/packer-plugins.py.
packer {
  required_version = ">= 1.10.0"
  required_plugins {
    qemu = {
      source  = "github.com/hashicorp/qemu"
      version = "~> 1.1.0"
    }
    scaleway = {
      source  = "github.com/scaleway/scaleway"
      version = "~> 1.1.0"
    }
    ansible = {
      source  = "github.com/hashicorp/ansible"
      version = "~> 1.1.1"
    }
  }
}
