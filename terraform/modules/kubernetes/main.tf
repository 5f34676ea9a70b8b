# Managed Kubernetes (Scaleway Kapsule) on the private network, one node pool per zone so that the
# chart's topology spread puts shards in different zones, and a reserved IP for the ingress load
# balancer (the DNS wildcard points at it; ingress-nginx takes it with the annotation
# service.beta.kubernetes.io/scw-loadbalancer-ip-id).

resource "scaleway_k8s_cluster" "this" {
  name                        = var.name
  type                        = var.cluster_type
  version                     = var.kubernetes_version
  cni                         = "cilium"
  region                      = var.region
  private_network_id          = var.private_network_id
  delete_additional_resources = false
  tags                        = var.tags

  auto_upgrade {
    enable                        = var.auto_upgrade
    maintenance_window_start_hour = var.maintenance_hour
    maintenance_window_day        = var.maintenance_day
  }

  autoscaler_config {
    disable_scale_down               = false
    scale_down_delay_after_add       = "10m"
    scale_down_unneeded_time         = "10m"
    estimator                        = "binpacking"
    expander                         = "least_waste"
    ignore_daemonsets_utilization    = true
    balance_similar_node_groups      = true
    expendable_pods_priority_cutoff  = -10
    scale_down_utilization_threshold = 0.5
    max_graceful_termination_sec     = 120
  }
}

resource "scaleway_k8s_pool" "zone" {
  for_each = toset(var.zones)

  cluster_id             = scaleway_k8s_cluster.this.id
  name                   = "${var.name}-${each.key}"
  zone                   = each.key
  region                 = var.region
  node_type              = var.node_type
  size                   = var.nodes_per_zone
  min_size               = var.nodes_per_zone
  max_size               = var.max_nodes_per_zone
  autoscaling            = var.max_nodes_per_zone > var.nodes_per_zone
  autohealing            = true
  container_runtime      = "containerd"
  public_ip_disabled     = true
  root_volume_type       = "sbs_volume"
  root_volume_size_in_gb = var.root_volume_gb
  tags                   = concat(var.tags, ["zone=${each.key}"])

  upgrade_policy {
    max_surge       = 1
    max_unavailable = 0
  }

  # The cluster must be attached to the gateway's network before nodes without public IPs boot.
  depends_on = [scaleway_k8s_cluster.this]
}

resource "scaleway_lb_ip" "ingress" {
  zone = var.zones[0]
  tags = concat(var.tags, ["ingress"])
}
