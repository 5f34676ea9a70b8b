# Deliberately broken Packer template: `packer validate` must reject it (unknown attribute,
# missing required settings of the qemu builder, reference to an undefined variable).
source "qemu" "broken" {
  iso_url      = var.undefined_iso
  disk_size    = 20
  no_such_knob = true
}

build {
  sources = ["source.qemu.broken"]
}
