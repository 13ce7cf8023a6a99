"""netviz: who can talk to whom in a Kubernetes cluster, and why."""

__version__ = "0.1.0"
