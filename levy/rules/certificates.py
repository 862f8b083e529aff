"""The two kinds of disability certificate, defined once for every app (the placement grid, the
levy engine, forms and serializers), in pure Python so the rules can import it without Django.
The grades are printed on the certificates themselves, not policy: 残疾人证 1–4级, 残疾军人证 1–10级."""

from levy.rules.labelled import LabelledEnum


class CertificateKind(LabelledEnum):
    DISABILITY = "disability", "残疾人证"
    MILITARY = "military", "残疾军人证"

    @property
    def grades(self) -> range:
        return GRADES[self]


GRADES = {CertificateKind.DISABILITY: range(1, 5), CertificateKind.MILITARY: range(1, 11)}
