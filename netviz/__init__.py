"""netviz: who can talk to whom in a Kubernetes cluster, and why."""
