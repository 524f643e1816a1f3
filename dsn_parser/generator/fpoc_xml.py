"""FPOC sheet (Fiche de Paramétrage Organisme Complémentaire) of a generated company, as XML (oc-domain.md §1.2).

One GROUPE per (contract, population): its CriteresSalaries carry the population's statut catégoriel values and
its ParametresContrats (one per option) the expected composants with their Taux or Montant.
"""
from __future__ import annotations

from datetime import datetime

from lxml import etree

from .company import Company
from .contracts import Composant
from .values import d8

#: FPOC element of each rated composant type (S21.G00.79.001).
RATED_ELEMENTS = {"10": "BrutPrev", "11": "TAPrev", "12": "T2Prev", "13": "TBPrev", "14": "TCPrev",
                  "15": "TDPrev", "16": "TD1Prev", "24": "T2UPrev"}
SPECIFIC_LABELS = {"17": "Base spécifique", "18": "Base forfaitaire", "19": "Base fictive reconstituée",
                   "20": "Montant forfaitaire", "21": "Montant libre ou exceptionnel"}


def _element(parent: etree._Element, composant: Composant) -> None:
    """Append the FPOC element expecting ``composant``."""
    if composant.code in RATED_ELEMENTS:
        node = etree.SubElement(parent, RATED_ELEMENTS[composant.code])
    else:
        node = etree.SubElement(parent, "BaseMontantSpecifique", ValeurCodeNature=composant.code,
                                LibelleCodeNature=SPECIFIC_LABELS[composant.code])
    if composant.rate is not None:
        etree.SubElement(node, "Taux").text = f"{composant.rate:.2f}"
    else:
        etree.SubElement(node, "Montant").text = f"{composant.amount:.2f}"


def fpoc_tree(company: Company, created: datetime) -> etree._Element:
    """The LotFicheParam tree describing ``company``'s contract referential."""
    referential, organisme = company.referential, company.referential.organisme
    root = etree.Element("LotFicheParam", Version="1.3.8", Norme="DSN")
    etree.SubElement(root, "IdLot").text = f"LOT{company.seed:06d}"
    issuer = etree.SubElement(root, "AssureurEmetteur")
    etree.SubElement(issuer, "SIREN").text = organisme.siren
    etree.SubElement(issuer, "Mail").text = "fpoc@organisme.exemple.fr"
    sheet = etree.SubElement(root, "FICHE", IdentifiantFiche=f"{organisme.code}-{company.siren}",
                             DateHeureCreation=created.strftime("%d%m%Y%H%M%S"), Version="1")
    etree.SubElement(sheet, "Entreprise", SIREN=company.siren, RaisonSociale=company.name,
                     NIC=" ".join(establishment.nic for establishment in company.establishments))
    etree.SubElement(sheet, "ProducteurFiche", CodeProducteur=organisme.code,
                     RaisonSocialeProducteur=organisme.name, CodePorteurDeRisque=organisme.code)
    number = 0
    for contract in referential.contracts:
        for population in contract.populations:
            number += 1
            group = etree.SubElement(sheet, "GROUPE", NumeroGrp=str(number),
                                     LibelleGrp=f"{contract.label} - {population.label}"[:60])
            for option in contract.options:
                params = etree.SubElement(group, "ParametresContrats", DateDebutValidite=d8(contract.start),
                                          Periodicite=contract.periodicity)
                if contract.end is not None:
                    params.set("DateFinValidite", d8(contract.end))
                organism = etree.SubElement(params, "Organisme", CodeOC=organisme.code)
                if organisme.delegataire:
                    organism.set("CodeDELEG", organisme.delegataire)
                etree.SubElement(params, "Contrat", ReferenceContrat=contract.reference, LibelleContrat=contract.label)
                etree.SubElement(params, "Option", CodeOption=option.code, LibelleOption=option.label)
                etree.SubElement(params, "Population", CodePopulation=population.code,
                                 LibellePopulation=population.label)
                elements = etree.SubElement(params, "ElementsDeCalculAttendus")
                for composant in contract.expected_composants(option, population):
                    _element(elements, composant)
            criteria = etree.SubElement(etree.SubElement(group, "CriteresSalaries"), "StatutCategoriel")
            for statut in population.statuts:
                etree.SubElement(criteria, "ValeursIncluses").text = statut
    return root


def fpoc_xml(company: Company, created: datetime | None = None) -> bytes:
    """The FPOC sheet as UTF-8 XML bytes (``created`` defaults to the company's first month, for determinism)."""
    when = created or datetime(company.first_month.year, company.first_month.month, 1, 9, 0, 0)
    return etree.tostring(fpoc_tree(company, when), xml_declaration=True, encoding="UTF-8", pretty_print=True)
