# Deliberately broken module: `tofu fmt -check` (bad formatting) and tflint (untyped, undocumented,
# unused variable; missing required_version / required_providers) must reject it.
variable "unused" {}
resource "scaleway_object_bucket" "b" {
name = "x"
}
