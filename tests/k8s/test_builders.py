"""Kustomize and Helm inputs are recognised and explained; kinds of no effect are counted once."""

from __future__ import annotations

from netviz.k8s import load_paths, load_texts

KUSTOMIZATION = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
namePrefix: dev-
resources: [deployment.yaml, policy.yaml]
patches:
- path: replicas.yaml
"""
TEMPLATE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    {{- include "web.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
"""
POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\n"


def test_a_kustomization_says_what_to_run_and_what_it_would_change():
    cluster = load_texts([("app/kustomization.yaml", KUSTOMIZATION), ("app/pod.yaml", POD)])
    (error,) = cluster.errors
    assert (error.source.file, error.source.line) == ("app/kustomization.yaml", 1)
    assert "`kubectl kustomize app`" in error.message
    assert "sets namespace 'shop' on every object" in error.message
    assert "prefixes every name with 'dev-'" in error.message
    assert "applies 1 patch(es)" in error.message
    assert [e.id for e in cluster.endpoints] == ["shop/a[Pod]"]  # the rest is still read
    assert not any("not modelled" in w.message for w in cluster.warnings)


def test_a_kustomization_that_only_lists_resources_is_a_warning():
    text = "resources:\n- deployment.yaml\n"  # no apiVersion or kind: kustomize does not need them
    cluster = load_texts([("kustomization.yml", text)])
    assert cluster.errors == ()
    (warning,) = cluster.warnings
    assert (
        "`kubectl kustomize .`" in warning.message
        and "builds from 1 resource(s)" in warning.message
    )


def test_a_kustomization_under_another_file_name_is_recognised_by_its_kind():
    (error,) = load_texts([("base.yaml", KUSTOMIZATION)]).errors
    assert "is a Kustomize build" in error.message


def test_a_helm_template_is_not_read_as_yaml_and_says_to_run_helm_template():
    cluster = load_texts([("templates/deployment.yaml", TEMPLATE), ("pod.yaml", POD)])
    (error,) = cluster.errors
    assert (error.source.file, error.source.line) == ("templates/deployment.yaml", 4)
    assert "Helm template syntax" in error.message
    assert "`helm template NAME CHART`" in error.message
    assert "YAML syntax error" not in error.message
    assert [e.id for e in cluster.endpoints] == ["shop/a[Pod]"]


def test_go_templates_inside_a_config_map_are_not_taken_for_helm():
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alerts}\n"
        "data:\n  t: '{{ .CommonLabels.alertname }}'\n"
    )
    assert load_texts([("cm.yaml", text)]).errors == ()


def test_a_chart_folder_is_named_once_and_its_templates_are_not_read(tmp_path):
    chart = tmp_path / "charts" / "web"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("replicaCount: 1\n")
    (chart / "templates" / "deployment.yaml").write_text(TEMPLATE)
    (tmp_path / "pod.yaml").write_text(POD)
    cluster = load_paths([str(tmp_path)])
    (error,) = cluster.errors
    assert error.source.file == str(chart / "Chart.yaml")
    assert f"`helm template NAME {chart}`" in error.message
    assert [e.id for e in cluster.endpoints] == ["shop/a[Pod]"]


def test_kinds_that_do_not_change_connectivity_are_counted_in_one_line():
    docs = [f"apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: sa{i}}}\n" for i in range(11)]
    docs += ["apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"] * 2
    docs += ["apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\n"]
    cluster = load_texts([("m.yaml", "---\n".join(docs + [POD]))])
    assert [w.message for w in cluster.warnings] == [
        "ignored: kind Rollout (apiVersion argoproj.io/v1alpha1) is not modelled",
        "not modelled (they do not change connectivity): 11 ServiceAccount, 2 ConfigMap",
    ]
    assert cluster.warnings[1].source.doc == 1
    assert len(cluster.ignored) == 14
