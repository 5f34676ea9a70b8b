# tflint configuration: the bundled "terraform" ruleset with every rule (no plugin download; the
# Scaleway ruleset is not installable here). Run: tflint --chdir=<module> --config=$PWD/.tflint.hcl
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}
