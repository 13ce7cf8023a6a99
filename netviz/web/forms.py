"""Forms: uploads, edit actions and the connection filter kept in the query string."""

from __future__ import annotations

from django import forms

from netviz.k8s.model import PROTOCOLS
from netviz.web.filters import OTHER_PROTOCOLS, valid_port
from netviz.web.services import PASTED_NAME, Upload, clean_name

ACCEPT = ".yaml,.yml,.json"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        # An empty file beside others is kept as uploaded (the reader skips it); FilesForm
        # refuses only an upload whose every file is empty.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class FilesForm(forms.Form):
    """Files and/or pasted YAML; at least one of them."""

    files = MultipleFileField(required=False, label="Files (.yaml, .yml, .json)")
    text = forms.CharField(
        required=False,
        strip=False,
        label="Or paste YAML",
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )
    pods = forms.BooleanField(
        required=False,
        label="Show pods one by one (instead of one endpoint per workload)",
    )

    def clean(self) -> dict:
        data = super().clean()
        files, text = data.get("files") or [], (data.get("text") or "").strip()
        if not files and not text:
            raise forms.ValidationError("Choose or drop at least one file, or paste some YAML.")
        empty = [f.name for f in files if not f.size]
        if files and len(empty) == len(files) and not text:
            names = ", ".join(empty)
            raise forms.ValidationError(
                f"The submitted file is empty: {names}."
                if len(empty) == 1
                else f"The submitted files are empty: {names}."
            )
        return data

    def uploads(self) -> list[Upload]:
        """The files in the order given, then the pasted text as `pasted.yaml`."""
        out = [
            Upload(clean_name(f.name, f"file-{i + 1}.yaml"), f.read())
            for i, f in enumerate(self.cleaned_data["files"])
        ]
        text = self.cleaned_data.get("text") or ""
        if text.strip():
            out.append(Upload(PASTED_NAME, text.encode("utf-8")))
        return out


class UploadForm(FilesForm):
    title = forms.CharField(max_length=200, required=False, label="Title (optional)")
    field_order = ["title", "files", "text", "pods"]


class RevisionForm(FilesForm):
    mode = forms.ChoiceField(
        choices=[
            ("replace", "Replace all files with these"),
            ("add", "Add these files (same name replaces)"),
        ],
        initial="replace",
        widget=forms.RadioSelect,
    )


class RenameForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(label="Yes, delete this review and all its files")


class ConnectionFilter(forms.Form):
    """Filters of the connection list; read from GET so a copied URL reopens the same view."""

    ns = forms.MultipleChoiceField(required=False, label="Namespaces")
    q = forms.CharField(required=False, label="Search")
    protocol = forms.ChoiceField(
        required=False, choices=[("", "any")] + [(p, p) for p in PROTOCOLS], label="Protocol"
    )
    port = forms.IntegerField(required=False, min_value=0, max_value=65535, label="Port")
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data, namespaces: list[str], other_protocols: bool = False) -> None:
        """`other_protocols`: the revision models ICMP, ICMPv6 and UDPLite (docs/protocols.md);
        the port is then an ICMP type with ICMP and ICMPv6."""
        super().__init__(data)
        self.fields["ns"].choices = [(n, n) for n in namespaces]
        if other_protocols:
            self.fields["protocol"].choices += [(p, p) for p in OTHER_PROTOCOLS]

    def clean(self) -> dict:
        data = super().clean()
        port = data.get("port")
        if port is not None and valid_port(data.get("protocol") or None, port) is None:
            self.add_error("port", "not a port (or ICMP type) of this protocol")
        return data

    def values(self) -> dict:
        """Cleaned values, with invalid ones dropped rather than failing the page.

        Namespaces are taken as given: one the revision does not have simply matches nothing.
        """
        self.is_valid()
        out = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        out["ns"] = [n for n in self.data.getlist("ns") if n] if self.data else []
        return out
