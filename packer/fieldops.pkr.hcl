# FieldOps360 VM image: Debian 12 + the Ansible role (binary, systemd units, firewall, backups) +
# the first boot: cloud-init answers or a console wizard, super-admin and first tenant, fieldops
# serving on 80/443 (CAP_NET_BIND_SERVICE), nftables loaded at boot, SSH host keys made per clone.
#   qemu     — qcow2 for on-prem customers (Proxmox, libvirt, VMware after conversion)
#   scaleway — an image in the hosting project (same cloud as terraform/)
# Plugins: plugins.pkr.hcl (`packer init packer/` first). check-deploy validates this file with
# Debian's packer 1.6.6, which has the builders built in and predates required_plugins, and checks
# plugins.pkr.hcl separately; scripts/check-deploy/appliance.sh boots what the provisioners build.
#
#   packer build -only=qemu.debian -var fieldops_version=0.1.0 packer/
#   packer build -only=scaleway.debian -var fieldops_version=0.1.0 packer/

variable "fieldops_version" {
  type        = string
  description = "Version stamped into the image name and the role."
  default     = "0.1.0"
}

variable "fieldops_binary" {
  type        = string
  description = "Path of the fieldops binary on the build machine (make build → bin/fieldops)."
  default     = "../bin/fieldops"
}

variable "debian_iso_url" {
  type        = string
  description = "Debian netinst ISO (mirror it internally for reproducible builds)."
  default     = "https://cdimage.debian.org/cdimage/archive/12.12.0/amd64/iso-cd/debian-12.12.0-amd64-netinst.iso"
}

# Required: "sha256:<hex>" from the SHA256SUMS file next to the ISO (pinned, no download at validate).
variable "debian_iso_checksum" {
  type        = string
  description = "sha256:<hex> of the ISO, from its SHA256SUMS."
}

variable "build_password" {
  type        = string
  description = "Temporary root password used by the build only (locked at the end)."
  default     = "packer-build-only"
  sensitive   = true
}

variable "disk_size" {
  type        = string
  description = "Disk of the qemu image."
  default     = "20G"
}

variable "accelerator" {
  type        = string
  description = "kvm on a build host with /dev/kvm, tcg otherwise."
  default     = "kvm"
}

variable "scw_project_id" {
  type        = string
  description = "Scaleway project receiving the image."
  default     = "00000000-0000-4000-8000-000000000000"
}

variable "scw_access_key" {
  type        = string
  description = "Scaleway access key (SCW_ACCESS_KEY)."
  default     = "SCWXXXXXXXXXXXXXXXXX"
  sensitive   = true
}

variable "scw_secret_key" {
  type        = string
  description = "Scaleway secret key (SCW_SECRET_KEY)."
  default     = "00000000-0000-4000-8000-000000000000"
  sensitive   = true
}

variable "scw_zone" {
  type        = string
  description = "Zone where the build instance runs."
  default     = "fr-par-1"
}

locals {
  image_name = "fieldops-${var.fieldops_version}-debian12"
  ansible_extra = [
    "--extra-vars", "fieldops_version=${var.fieldops_version}",
    "--extra-vars", "fieldops_binary_src=${var.fieldops_binary}",
    "--extra-vars", "fieldops_firstboot=true",
    "--extra-vars", "fieldops_start_service=false",
    "--extra-vars", "fieldops_service_manager=systemd",
    "--extra-vars", "fieldops_firewall_apply=false",
    "--extra-vars", "fieldops_firewall_boot=true",
    "--extra-vars", "fieldops_http=:80",
    "--extra-vars", "fieldops_tls=internal",
    "--extra-vars", "{\"fieldops_firewall_ssh_sources\": [\"0.0.0.0/0\"]}",
  ]
}

source "qemu" "debian" {
  vm_name          = "${local.image_name}.qcow2"
  output_directory = "output/${local.image_name}"
  iso_url          = var.debian_iso_url
  iso_checksum     = var.debian_iso_checksum
  accelerator      = var.accelerator
  cpus             = 2
  memory           = 2048
  disk_size        = var.disk_size
  disk_interface   = "virtio"
  net_device       = "virtio-net"
  format           = "qcow2"
  disk_compression = true
  headless         = true
  http_directory   = "http"
  boot_wait        = "5s"
  boot_command = [
    "<esc><wait>",
    "auto url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg ",
    "debian-installer=en_US.UTF-8 locale=en_US.UTF-8 keymap=fr ",
    "netcfg/get_hostname=fieldops netcfg/get_domain=localdomain ",
    "passwd/root-password=${var.build_password} passwd/root-password-again=${var.build_password} ",
    "<enter>",
  ]
  communicator     = "ssh"
  ssh_username     = "root"
  ssh_password     = var.build_password
  ssh_timeout      = "45m"
  shutdown_command = "shutdown -P now"
}

source "scaleway" "debian" {
  project_id      = var.scw_project_id
  access_key      = var.scw_access_key
  secret_key      = var.scw_secret_key
  zone            = var.scw_zone
  image           = "debian_bookworm"
  commercial_type = "PRO2-XXS"
  ssh_username    = "root"
  image_name      = local.image_name
  snapshot_name   = "${local.image_name}-snapshot"
  server_name     = "packer-${local.image_name}"
  remove_volume   = true
}

build {
  description = "FieldOps360 appliance: Debian 12, fieldops role, first-boot wizard"
  sources     = ["source.qemu.debian", "source.scaleway.debian"]

  provisioner "shell" {
    script = "scripts/base.sh"
  }

  provisioner "ansible" {
    playbook_file    = "../ansible/site.yml"
    groups           = ["fieldops"]
    user             = "root"
    extra_arguments  = local.ansible_extra
    ansible_env_vars = ["ANSIBLE_CONFIG=../ansible/ansible.cfg", "ANSIBLE_HOST_KEY_CHECKING=False"]
  }

  provisioner "shell" {
    script = "scripts/seal.sh"
  }

  post-processor "manifest" {
    output     = "output/manifest.json"
    strip_path = true
    custom_data = {
      fieldops_version = var.fieldops_version
    }
  }

  post-processor "checksum" {
    checksum_types = ["sha256"]
    output         = "output/${local.image_name}.{{.ChecksumType}}"
    only           = ["qemu.debian"]
  }
}
