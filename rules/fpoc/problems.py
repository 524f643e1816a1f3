"""Problems found while loading an FPOC referential, and the result of a load."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rules.fpoc.model import Referential


class Severity(StrEnum):
    """An ERROR rejects the sheet that contains it; a WARNING does not."""

    ERROR = "error"
    WARNING = "warning"


class ProblemCode(Enum):
    """Stable FPOC-REF codes with their severity and French message template."""

    MALFORMED = ("FPOC-REF-01", Severity.ERROR, "Document mal formé : {detail}")
    UNREADABLE = ("FPOC-REF-02", Severity.ERROR, "Fichier illisible : {detail}")
    UNEXPECTED_STRUCTURE = ("FPOC-REF-03", Severity.ERROR, "Structure inattendue : {detail}")
    MISSING_ELEMENT = ("FPOC-REF-04", Severity.ERROR, "Élément obligatoire absent : {name}")
    MISSING_ATTRIBUTE = ("FPOC-REF-05", Severity.ERROR, "Valeur obligatoire absente : {name}")
    UNKNOWN_ELEMENT = ("FPOC-REF-06", Severity.WARNING, "Élément inconnu, ignoré : {name}")
    REPEATED_ELEMENT = (
        "FPOC-REF-07",
        Severity.ERROR,
        "Élément répété, une seule occurrence est admise : {name}",
    )
    TOO_LONG = (
        "FPOC-REF-08",
        Severity.ERROR,
        "Valeur trop longue pour {name} : {length} caractères, {maximum} au plus",
    )
    BAD_CODE_OC = (
        "FPOC-REF-09",
        Severity.ERROR,
        "Code organisme invalide : attendu P + 4 chiffres, A + 5 caractères, "
        "9 chiffres ou 9 caractères dont une lettre",
    )
    BAD_CODE_DELEG = (
        "FPOC-REF-10",
        Severity.ERROR,
        "Code délégataire invalide : attendu D ou G suivi de 5 caractères",
    )
    BAD_COMPANY_ID = (
        "FPOC-REF-11",
        Severity.ERROR,
        "Identifiant d'entreprise invalide pour {name} : {expected}",
    )
    BAD_GROUP_NUMBER = (
        "FPOC-REF-12",
        Severity.ERROR,
        "Numéro de groupe invalide : 1 à 6 caractères alphanumériques attendus",
    )
    BAD_DATE = ("FPOC-REF-13", Severity.ERROR, "Date invalide pour {name} : format attendu {expected}")
    BAD_VALIDITY = (
        "FPOC-REF-14",
        Severity.ERROR,
        "Période de validité incohérente : la date de fin {end} précède la date de début {start}",
    )
    BAD_PERIODICITY = (
        "FPOC-REF-15",
        Severity.ERROR,
        "Périodicité invalide : valeurs admises Mensuel, Trimestriel, Semestriel, Annuel",
    )
    BAD_CHANGE = (
        "FPOC-REF-16",
        Severity.ERROR,
        "Code changement invalide : valeurs admises 01 à 05 et 99",
    )
    BAD_RATE = (
        "FPOC-REF-17",
        Severity.ERROR,
        "Taux invalide : nombre décimal (point, 4 décimales au plus) strictement "
        "compris entre 0 et 100 attendu",
    )
    BAD_AMOUNT = (
        "FPOC-REF-18",
        Severity.ERROR,
        "Montant invalide : nombre décimal (point, 2 décimales au plus) strictement "
        "compris entre 0 et 1 000 000 000 attendu",
    )
    BAD_NATURE = (
        "FPOC-REF-19",
        Severity.ERROR,
        "Code nature de base spécifique invalide : valeurs admises 17 à 21",
    )
    SPECIFIC_BASE_VALUE = (
        "FPOC-REF-20",
        Severity.ERROR,
        "Base spécifique : un taux ou un montant est attendu, et un seul",
    )
    CRITERION_CHOICE = (
        "FPOC-REF-21",
        Severity.ERROR,
        "Critère {name} : des valeurs incluses ou des valeurs exclues sont attendues, "
        "pas les deux",
    )
    BAD_RANGE = ("FPOC-REF-22", Severity.ERROR, "Critère {name} : {detail}")
    DUPLICATE_COMPOSANT = (
        "FPOC-REF-23",
        Severity.ERROR,
        "Élément de calcul en double dans la même ligne de contrat : {name}",
    )
    OVERLAPPING_LINES = (
        "FPOC-REF-24",
        Severity.WARNING,
        "Lignes de contrat en double : {name} déjà paramétré ligne {other_line} "
        "sur une période qui se chevauche",
    )

    def __init__(self, code: str, severity: Severity, template: str) -> None:
        self.code = code
        self.severity = severity
        self.template = template


@dataclass(frozen=True)
class Where:
    """Location of a value: 1-based line, element path (XML) or key path (YAML), attribute."""

    line: int | None
    element: str | None
    attribute: str | None = None


@dataclass(frozen=True)
class ReferentialProblem:
    """One problem found in a referential file."""

    code: str
    severity: Severity
    message_fr: str
    file: str
    line: int | None
    element: str | None
    attribute: str | None
    value: str | None

    @classmethod
    def make(
        cls, kind: ProblemCode, file: str, where: Where, value: str | None = None, **details: object
    ) -> ReferentialProblem:
        """Build a problem from its catalogue entry and the template's details."""
        return cls(
            code=kind.code,
            severity=kind.severity,
            message_fr=kind.template.format(**details),
            file=file,
            line=where.line,
            element=where.element,
            attribute=where.attribute,
            value=value,
        )


@dataclass(frozen=True)
class LoadResult:
    """A loaded referential (only its error-free sheets) and every problem found."""

    referential: Referential
    problems: tuple[ReferentialProblem, ...]

    @property
    def errors(self) -> tuple[ReferentialProblem, ...]:
        """Problems of severity ERROR."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)
