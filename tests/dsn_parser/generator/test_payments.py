"""Amounts are coherent: base 31 / 059, OC payments per contract and periodicity, URSSAF bordereau, DGFIP."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from dsn_parser.generator.contracts import composant_bases, pmss

from .helpers import build_tree


def establishments(records):
    return [e for envoi in build_tree(records) for e in envoi.all("S21.G00.11")]


def oc_payment(establishment, organisme):
    payments = [p for p in establishment.all("S21.G00.20") if p.get("001") == organisme]
    return payments[0] if payments else None


def base31_by_contract(establishment):
    """Σ 059 per contract reference, checking base 31 invariants on the way."""
    adhesion = {a.get("005"): a.get("001") for a in establishment.all("S21.G00.15")}
    totals = defaultdict(Decimal)
    for person in establishment.all("S21.G00.30"):
        affiliations = {a.get("012"): a for a in person.all("S21.G00.70")}
        bases = [b for b in person.all("S21.G00.78") if b.get("001") == "31"]
        assert sorted(b.get("005") for b in bases) == sorted(affiliations)
        for base in bases:
            assert base.get("004") == "0.00"
            start, end = base.get("002"), base.get("003")  # within one calendar month (SIG-11)
            assert start[2:] == end[2:] and start[:2] <= end[:2]
            cotisations = [c for c in base.children if c.block == "S21.G00.81"]
            assert [c.get("001") for c in cotisations] == ["059"]
            totals[adhesion[affiliations[base.get("005")].get("013")]] += cotisations[0].amount("004")
    return totals


def test_base31_amount_is_composants_times_rate(company, series):
    for records in series:
        for establishment in establishments(records):
            for base in establishment.all("S21.G00.78"):
                if base.get("001") != "31":
                    continue
                cotisation = base.all("S21.G00.81")[0]
                rate = cotisation.amount("007")
                expected = sum(c.amount("004") if c.get("001") == "20" else c.amount("004") * rate / 100
                               for c in base.all("S21.G00.79"))
                assert cotisation.amount("004") == expected.quantize(Decimal("0.01"))


def test_tranches_follow_gross_and_pmss(series):
    for records in series:
        for establishment in establishments(records):
            for person in establishment.all("S21.G00.30"):
                gross = next(r.amount("013") for r in person.all("S21.G00.51") if r.get("011") == "001")
                year = int(person.all("S21.G00.50")[0].get("001")[4:])
                bases = composant_bases(gross, year)
                for composant in person.all("S21.G00.79"):
                    if composant.get("001") in bases:
                        assert composant.amount("004") == bases[composant.get("001")]
                assert bases["11"] == min(gross, pmss(year))


def test_oc_payment_per_contract(company, series):
    referential = company.referential
    code = referential.organisme.code
    due_by_month = [base31_by_contract(establishments(records)[0]) for records in series]
    for index, records in enumerate(series):
        establishment = establishments(records)[0]
        payment = oc_payment(establishment, code)
        parts = payment.all("S21.G00.55")
        assert payment.amount("005") == sum(p.amount("001") for p in parts)
        assert payment.get("010") == "05"
        assert payment.get("008") == referential.organisme.delegataire
        month = company.months[index]
        for part in parts:
            contract = referential.contract(part.get("003"))
            assert part.get("004") == contract.period_code(month)
            covered = [company.months.index(m) for m in contract.paid_months(month)]
            assert part.amount("001") == sum(due_by_month[i].get(contract.reference, Decimal(0)) for i in covered)
        assert {p.get("003") for p in parts} == {c.reference for c in referential.contracts if c.is_due(month)}


def test_quarterly_contract_paid_only_in_quarter_end(company, series):
    quarterly = [c for c in company.referential.contracts if c.periodicity == "Trimestriel"]
    assert quarterly
    for month, records in zip(company.months, series):
        refs = {p.get("003") for p in establishments(records)[0].all("S21.G00.55")}
        for contract in quarterly:
            assert (contract.reference in refs) == (month.month % 3 == 0)


def test_adhesions_and_affiliations_link(series):
    for records in series:
        for establishment in establishments(records):
            ids = {a.get("005") for a in establishment.all("S21.G00.15")}
            assert len(ids) == len(establishment.all("S21.G00.15"))
            for person in establishment.all("S21.G00.30"):
                idents = [a.get("012") for a in person.all("S21.G00.70")]
                assert len(idents) == len(set(idents))
                assert {a.get("013") for a in person.all("S21.G00.70")} <= ids


def test_urssaf_and_dgfip(company, two_sites):
    for generated in (company, two_sites):
        for records in generated.series():
            for establishment in establishments(records):
                urssaf = generated.company.urssaf_siret
                bordereau = establishment.all("S21.G00.22")
                assert len(bordereau) == 1
                lines = bordereau[0].all("S21.G00.23")
                assert bordereau[0].amount("005") == sum(line.amount("005") for line in lines)
                assert oc_payment(establishment, urssaf).amount("005") == bordereau[0].amount("005")
                individual = sum(c.amount("004") for base in establishment.all("S21.G00.78")
                                 if base.get("001") in ("02", "03", "04") for c in base.all("S21.G00.81"))
                assert bordereau[0].amount("005") == individual
                pas = sum(v.amount("009") for v in establishment.all("S21.G00.50"))
                assert oc_payment(establishment, "DGFIP").amount("005") == pas


def test_two_establishments_each_pay_their_own(two_sites):
    for records in two_sites.series():
        envoi = build_tree(records)[0]
        assert len(envoi.all("S20.G00.05")) == 2
        for establishment in establishments(records):
            payment = oc_payment(establishment, two_sites.referential.organisme.code)
            due = base31_by_contract(establishment)
            for part in payment.all("S21.G00.55"):
                contract = two_sites.referential.contract(part.get("003"))
                if contract.periodicity == "Mensuel":
                    assert part.amount("001") == due.get(contract.reference, Decimal(0))
