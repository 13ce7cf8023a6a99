"""Calico resources (projectcalico.org/v3 and crd.projectcalico.org/v1) read into typed objects."""
