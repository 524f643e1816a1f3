"""Loads FPOC XML files (LotFicheParam with FICHE children, or a bare FICHE) into a Referential."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from os import PathLike

from lxml import etree

from rules.fpoc.building import Field, SheetBuilder
from rules.fpoc.formats import JJMMAAAA
from rules.fpoc.model import (
    COMPOSANT_TYPES,
    RANGE_CRITERIA,
    SPECIFIC_BASE,
    VALUE_CRITERIA,
    ContractParameters,
    Criteria,
    ExpectedComposant,
    Group,
    Referential,
    Sheet,
)
from rules.fpoc.problems import LoadResult, ProblemCode, ReferentialProblem, Where

LOT = "LotFicheParam"
SHEET = "FICHE"
#: Known elements the referential does not use: read past silently.
IGNORED = {
    LOT: {"IdLot", "CodeReponse", "MailsAEnvoyer", "AssureurEmetteur"},
    SHEET: {"ContactTechniqueFiche", "ContactGestionnaireFiche", "Message"},
    "GROUPE": {"Compatibilites"},
}


def load_fpoc_xml(path: str | PathLike[str]) -> LoadResult:
    """Load an FPOC XML file; never raises, every problem is returned in the result."""
    file = str(path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True)
    try:
        tree = etree.parse(file, parser)
    except etree.XMLSyntaxError as exc:
        problem = ReferentialProblem.make(ProblemCode.MALFORMED, file, Where(exc.lineno, None), detail=exc.msg)
        return LoadResult(Referential(), (problem,))
    except OSError as exc:
        problem = ReferentialProblem.make(ProblemCode.UNREADABLE, file, Where(None, None), detail=str(exc))
        return LoadResult(Referential(), (problem,))
    return _XmlReader(file, tree).read()


class _XmlReader:
    """Walks one parsed document; one SheetBuilder per FICHE."""

    def __init__(self, file: str, tree: etree._ElementTree) -> None:
        self.file = file
        self.tree = tree
        self.paths = element_paths(tree.getroot())

    def read(self) -> LoadResult:
        root = self.tree.getroot()
        envelope = SheetBuilder(self.file, JJMMAAAA)
        if root.tag == LOT:
            self._check_children(envelope, root, {SHEET})
            fiches = list(_children(root, SHEET))
            if not fiches:
                envelope.report(ProblemCode.MISSING_ELEMENT, self._where(root), name=SHEET)
        elif root.tag == SHEET:
            fiches = [root]
        else:
            envelope.report(
                ProblemCode.UNEXPECTED_STRUCTURE,
                self._where(root),
                str(root.tag),
                detail=f"élément racine {LOT} ou {SHEET} attendu",
            )
            fiches = []
        problems = list(envelope.problems)
        sheets: list[Sheet] = []
        for fiche in fiches:
            builder = SheetBuilder(self.file, JJMMAAAA)
            sheet = self._sheet(builder, fiche)
            problems.extend(builder.problems)
            if sheet is not None:
                sheets.append(sheet)
        return LoadResult(Referential(tuple(sheets)), tuple(problems))

    # --- locations and raw values ----------------------------------------------------------------

    def _where(self, element: etree._Element, attribute: str | None = None) -> Where:
        return Where(element.sourceline, self.paths.get(element), attribute)

    def _attr(self, element: etree._Element | None, name: str) -> Field:
        if element is None:
            return Field(name, None, Where(None, None, name), reported=True)
        return Field(name, element.get(name), self._where(element, name))

    def _text(self, element: etree._Element) -> Field:
        return Field(str(element.tag), (element.text or "").strip() or None, self._where(element))

    def _check_children(self, b: SheetBuilder, element: etree._Element, known: set[str]) -> None:
        allowed = known | IGNORED.get(element.tag, set())
        for child in _elements(element):
            if child.tag not in allowed:
                b.report(ProblemCode.UNKNOWN_ELEMENT, self._where(child), name=child.tag)

    def _single(
        self, b: SheetBuilder, parent: etree._Element, tag: str, required: bool = False
    ) -> etree._Element | None:
        found = list(_children(parent, tag))
        if not found:
            if required:
                b.report(ProblemCode.MISSING_ELEMENT, self._where(parent), name=tag)
            return None
        for extra in found[1:]:
            b.report(ProblemCode.REPEATED_ELEMENT, self._where(extra), name=tag)
        return found[0]

    # --- tree ------------------------------------------------------------------------------------

    def _sheet(self, b: SheetBuilder, fiche: etree._Element) -> Sheet | None:
        self._check_children(b, fiche, {"Entreprise", "ProducteurFiche", "GROUPE"})
        company = self._single(b, fiche, "Entreprise", required=True)
        producer_element = self._single(b, fiche, "ProducteurFiche")
        producer = None
        if producer_element is not None:
            producer = b.producer(
                self._attr(producer_element, "CodeProducteur"),
                self._attr(producer_element, "RaisonSocialeProducteur"),
                self._attr(producer_element, "CodePorteurDeRisque"),
            )
        groups = list(_children(fiche, "GROUPE"))
        if not groups:
            b.report(ProblemCode.MISSING_ELEMENT, self._where(fiche), name="GROUPE")
        lines = [line for group in groups for line in self._group(b, group)]
        return b.sheet(
            identifier=self._attr(fiche, "IdentifiantFiche"),
            created_at=self._attr(fiche, "DateHeureCreation"),
            siren=self._attr(company, "SIREN"),
            nic=self._attr(company, "NIC"),
            company_name=self._attr(company, "RaisonSociale"),
            producer=producer,
            lines=lines,
        )

    def _group(self, b: SheetBuilder, element: etree._Element) -> list[tuple[Where, ContractParameters]]:
        self._check_children(b, element, {"ParametresContrats", "CriteresSalaries"})
        criteria_element = self._single(b, element, "CriteresSalaries")
        criteria = self._criteria(b, criteria_element) if criteria_element is not None else None
        group = b.group(self._attr(element, "NumeroGrp"), self._attr(element, "LibelleGrp"), criteria)
        parameters = list(_children(element, "ParametresContrats"))
        if not parameters:
            b.report(ProblemCode.MISSING_ELEMENT, self._where(element), name="ParametresContrats")
        lines = []
        for parameter in parameters:
            line = self._parameters(b, parameter, group)
            if line is not None:
                lines.append((self._where(parameter), line))
        return lines

    def _parameters(
        self, b: SheetBuilder, element: etree._Element, group: Group | None
    ) -> ContractParameters | None:
        self._check_children(
            b, element, {"Organisme", "Contrat", "Option", "Population", "ElementsDeCalculAttendus"}
        )
        organisme_element = self._single(b, element, "Organisme", required=True)
        contract_element = self._single(b, element, "Contrat", required=True)
        option_element = self._single(b, element, "Option")
        population_element = self._single(b, element, "Population")
        composants_element = self._single(b, element, "ElementsDeCalculAttendus")
        organisme = None
        if organisme_element is not None:
            organisme = b.organisme(
                *(self._attr(organisme_element, a) for a in ("CodeOC", "CodeDELEG", "AncienCodeOC", "AncienCodeDELEG"))
            )
        contract = None
        if contract_element is not None:
            contract = b.contract(
                *(
                    self._attr(contract_element, a)
                    for a in ("ReferenceContrat", "LibelleContrat", "AncienneReferenceContrat")
                )
            )
        option = None
        if option_element is not None:
            option = b.option(
                *(self._attr(option_element, a) for a in ("CodeOption", "LibelleOption", "AncienCodeOption"))
            )
        population = None
        if population_element is not None:
            population = b.population(
                *(
                    self._attr(population_element, a)
                    for a in ("CodePopulation", "LibellePopulation", "AncienCodePopulation")
                )
            )
        composants = self._composants(b, composants_element) if composants_element is not None else ()
        terms = b.terms(
            *(self._attr(element, a) for a in ("DateDebutValidite", "DateFinValidite", "Periodicite", "Changement"))
        )
        return b.parameters(group, organisme, contract, terms, option, population, composants)

    def _composants(self, b: SheetBuilder, element: etree._Element) -> tuple[ExpectedComposant, ...]:
        self._check_children(b, element, set(COMPOSANT_TYPES) | {SPECIFIC_BASE})
        items: list[tuple[Where, ExpectedComposant | None]] = []
        for child in _elements(element):
            if child.tag in COMPOSANT_TYPES:
                self._check_children(b, child, {"Taux"})
                rate = self._single(b, child, "Taux")
                composant = b.composant(child.tag, self._text(rate) if rate is not None else None)
                items.append((self._where(child), composant))
            elif child.tag == SPECIFIC_BASE:
                self._check_children(b, child, {"Taux", "Montant"})
                rate = self._single(b, child, "Taux")
                amount = self._single(b, child, "Montant")
                composant = b.specific_composant(
                    self._where(child),
                    nature=self._attr(child, "ValeurCodeNature"),
                    label=self._attr(child, "LibelleCodeNature"),
                    rate=self._text(rate) if rate is not None else None,
                    amount=self._text(amount) if amount is not None else None,
                )
                items.append((self._where(child), composant))
        return b.composants(items)

    def _criteria(self, b: SheetBuilder, element: etree._Element) -> Criteria:
        self._check_children(b, element, set(VALUE_CRITERIA) | set(RANGE_CRITERIA))
        values = []
        ranges = []
        for child in _elements(element):
            name = str(child.tag)
            if name in VALUE_CRITERIA:
                self._check_children(b, child, {"ValeursIncluses", "ValeursExclues"})
                criterion = b.value_criterion(
                    name,
                    self._where(child),
                    [self._text(v) for v in _children(child, "ValeursIncluses")],
                    [self._text(v) for v in _children(child, "ValeursExclues")],
                )
                if criterion is not None:
                    values.append(criterion)
            elif name in RANGE_CRITERIA:
                self._check_children(b, child, set())
                unit = RANGE_CRITERIA[name]
                ranges.append(
                    b.range_criterion(
                        name,
                        self._where(child),
                        self._attr(child, unit) if unit else None,
                        self._attr(child, "BorneINF"),
                        self._attr(child, "BorneSUP"),
                    )
                )
        return Criteria(tuple(values), tuple(ranges))


def element_paths(root: etree._Element) -> dict[etree._Element, str]:
    """Every element's XPath, spelled as ``getpath`` spells it, in one pass over the document.

    ``getpath`` counts an element's siblings on each call, which made the locations of a sheet of n elements
    cost O(n²); here each parent's children are counted once.
    """
    paths = {root: "/" + _step_name(root)}
    for parent in root.iter():
        if parent not in paths:  # not an element (entity reference…)
            continue
        children = list(_elements(parent))
        totals = Counter(_sibling_key(child) for child in children)
        seen: Counter = Counter()
        for position, child in enumerate(children, start=1):
            key, step = _sibling_key(child), _step_name(child)
            if key is None:  # default namespace: ``*``, numbered among all element siblings
                step = f"*[{position}]" if len(children) > 1 else "*"
            elif totals[key] > 1:
                seen[key] += 1
                step = f"{step}[{seen[key]}]"
            paths[child] = f"{paths[parent]}/{step}"
    return paths


def _step_name(element: etree._Element) -> str:
    qname = etree.QName(element)
    if qname.namespace is None:
        return qname.localname
    return f"{element.prefix}:{qname.localname}" if element.prefix else "*"


def _sibling_key(element: etree._Element) -> tuple[str, str | None] | None:
    """What ``getpath`` compares to number same-named siblings; None for a default-namespace element."""
    qname = etree.QName(element)
    if qname.namespace is not None and not element.prefix:
        return None
    return qname.localname, element.prefix


def _elements(parent: etree._Element) -> Iterator[etree._Element]:
    return (child for child in parent if isinstance(child.tag, str))


def _children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    return (child for child in _elements(parent) if child.tag == tag)
