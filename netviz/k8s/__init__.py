"""Kubernetes manifests → typed objects (netviz.k8s.model), with file, document and line.

Public entry points (implemented in netviz.k8s.load):
    load_paths(paths, limits=None) -> Cluster      files, directories (recursive), "-" for stdin
    load_texts(files, limits=None) -> Cluster      [(file name, bytes or str), ...] e.g. uploads
"""

from netviz.k8s.load import Limits, load_paths, load_texts

__all__ = ["Limits", "load_paths", "load_texts"]
