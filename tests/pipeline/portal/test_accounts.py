"""Accounts, activation, login throttle, bearer tokens, habilitations and the audit log, on both engines."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from dsn_parser.generator.company import make_company
from pipeline.portal import accounts
from pipeline.portal.errors import Conflict, Forbidden, Gone, Invalid, NotAuthenticated, NotFound, Throttled
from pipeline.portal.habilitations import authorize, grant_company, load_caller
from pipeline.portal.passwords import verify_password
from pipeline.portal.tokens import issue_token, revoke_token, token_user, use_activation
from pipeline.store.schema_portal import portal_activations, portal_audit, portal_tokens, portal_users

from .conftest import activation_secrets, store_sheet

PASSWORD = "motdepasse-2026"
SIREN, OTHER = "552100554", "732829320"


@pytest.fixture
def admin_id(engine) -> str:
    with engine.begin() as conn:
        return accounts.create_admin(conn, "Admin@Exemple.fr", SIREN, PASSWORD, "Alice Admin")


def caller_of(engine, user_id):
    with engine.connect() as conn:
        return load_caller(conn, user_id)


def test_passwords_are_stored_as_argon2id_hashes_only(engine, admin_id):
    with engine.connect() as conn:
        stored = conn.execute(sa.select(portal_users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert verify_password(stored, PASSWORD) and not verify_password(stored, PASSWORD + "x")


def test_weak_passwords_and_second_admin_are_refused(engine, admin_id):
    with engine.begin() as conn, pytest.raises(Invalid):
        accounts.create_operator(conn, "op@exemple.fr", "court1")
    with engine.begin() as conn, pytest.raises(Conflict):
        accounts.create_admin(conn, "autre@exemple.fr", SIREN, PASSWORD)


def test_login_issues_an_expiring_token_and_logout_revokes_it(engine, admin_id, now):
    with engine.begin() as conn:
        user_id = accounts.authenticate(conn, " admin@exemple.fr", PASSWORD)
        issued = issue_token(conn, user_id, timedelta(hours=1))
    assert user_id == admin_id and issued.token_type == "bearer" and issued.expires_in == 3600
    with engine.connect() as conn:
        stored = conn.execute(sa.select(portal_tokens.c.token_hash)).scalar_one()
        assert stored != issued.access_token and len(stored) == 64
        now.now += timedelta(minutes=59)
        assert token_user(conn, issued.access_token) == admin_id
        now.now += timedelta(minutes=1)
        with pytest.raises(NotAuthenticated) as expired:
            token_user(conn, issued.access_token)
    assert expired.value.code == "jeton_expire"
    with engine.begin() as conn:
        other = issue_token(conn, admin_id)
        revoke_token(conn, other.access_token)
        with pytest.raises(NotAuthenticated) as revoked:
            token_user(conn, other.access_token)
    assert revoked.value.code == "jeton_revoque"


def test_wrong_passwords_lock_the_account_for_a_while(engine, admin_id, now):
    for _ in range(accounts.MAX_FAILURES):
        with engine.begin() as conn:
            assert accounts.authenticate(conn, "admin@exemple.fr", "mauvais-2026") is None
    with engine.begin() as conn, pytest.raises(Throttled):
        accounts.authenticate(conn, "admin@exemple.fr", PASSWORD)  # even the right password
    now.now += accounts.LOCK_DURATION + timedelta(seconds=1)
    with engine.begin() as conn:
        assert accounts.authenticate(conn, "admin@exemple.fr", PASSWORD) == admin_id
        actions = conn.execute(sa.select(portal_audit.c.action)).scalars().all()
    assert "verrouillage connexion" in actions


def test_password_change_revokes_every_token(engine, admin_id):
    with engine.begin() as conn:
        tokens = [issue_token(conn, admin_id).access_token for _ in range(2)]
        with pytest.raises(Invalid):
            accounts.change_password(conn, admin_id, "pas-le-bon-1", "nouveau-mot-2027")
    with engine.begin() as conn:
        assert accounts.change_password(conn, admin_id, PASSWORD, "nouveau-mot-2027") == 2
        for token in tokens:
            with pytest.raises(NotAuthenticated):
                token_user(conn, token)
        assert accounts.authenticate(conn, "admin@exemple.fr", "nouveau-mot-2027") == admin_id


def test_a_created_user_activates_once_within_seven_days(engine, admin_id, mailer, now):
    admin = caller_of(engine, admin_id)
    with engine.begin() as conn:
        created = accounts.create_company_user(conn, admin, SIREN, "bob@exemple.fr", "Bob", "user",
                                               {"dsn": "read"}, mailer)
        late = accounts.create_company_user(conn, admin, SIREN, "carl@exemple.fr", "Carl", "user", {}, mailer)
    assert created.account.active is False and created.activation_expires_at == now.now + timedelta(days=7)
    [secret] = activation_secrets(mailer, "bob@exemple.fr")
    [late_secret] = activation_secrets(mailer, "carl@exemple.fr")
    with engine.connect() as conn:
        assert secret not in conn.execute(sa.select(portal_activations.c.token_hash)).scalars().all()
        assert accounts.authenticate(conn, "bob@exemple.fr", PASSWORD) is None  # not active yet
    now.now += timedelta(days=7) - timedelta(seconds=1)
    with engine.begin() as conn:
        accounts.activate(conn, use_activation(conn, secret), PASSWORD)
    with engine.begin() as conn:
        assert accounts.authenticate(conn, "bob@exemple.fr", PASSWORD) == created.account.id
        with pytest.raises(Gone) as reused:
            use_activation(conn, secret)
        with pytest.raises(NotFound):
            use_activation(conn, secret + "x")
    assert reused.value.code == "activation_utilisee"
    now.now += timedelta(seconds=1)
    with engine.begin() as conn, pytest.raises(Gone) as expired:
        use_activation(conn, late_secret)
    assert expired.value.code == "activation_expiree"


def test_habilitations_decide_per_company_and_domain(engine, admin_id, mailer):
    admin = caller_of(engine, admin_id)
    with engine.begin() as conn:
        reader = accounts.create_company_user(conn, admin, SIREN, "r@exemple.fr", "R", "user",
                                              {"dsn": "read", "cotisation": "write"}, mailer).account.id
        tiers = accounts.create_company_user(conn, admin, SIREN, "t@exemple.fr", "T", "tiers",
                                             {"affiliation": "read"}, mailer).account.id
        grant_company(conn, None, tiers, OTHER, {"dsn": "write"})
        for user_id in (reader, tiers):
            conn.execute(portal_users.update().where(portal_users.c.id == user_id).values(active=True))
    r, t = caller_of(engine, reader), caller_of(engine, tiers)
    assert r.companies == {SIREN: {"dsn": "read", "cotisation": "write"}}
    assert t.companies == {SIREN: {"affiliation": "read"}, OTHER: {"dsn": "write"}}
    authorize(r, SIREN, "dsn", "read")
    authorize(r, SIREN, "cotisation", "write")
    authorize(t, OTHER, "dsn", "write")
    authorize(admin, SIREN, "arret_travail", "write")
    for caller, siren, domain, access, error in [
            (r, SIREN, "dsn", "write", Forbidden), (r, SIREN, "arret_travail", "read", Forbidden),
            (r, OTHER, "dsn", "read", NotFound), (t, SIREN, "dsn", "read", Forbidden),
            (admin, OTHER, None, None, NotFound), (r, SIREN, "admin", None, Forbidden),
            (None, SIREN, "dsn", "read", NotAuthenticated)]:
        with pytest.raises(error):
            authorize(caller, siren, domain, access)
    with engine.connect() as conn:
        audited = conn.execute(sa.select(portal_audit.c.action, portal_audit.c.siren, portal_audit.c.target,
                                         portal_audit.c.detail).where(portal_audit.c.target == tiers)).all()
    assert ("habilitations", OTHER, tiers, "dsn:write") in [tuple(a) for a in audited]


def test_an_existing_tiers_declarant_gets_the_company_added(engine, admin_id, mailer):
    with engine.begin() as conn:
        other_admin = accounts.create_admin(conn, "admin2@exemple.fr", OTHER, PASSWORD)
    with engine.begin() as conn:
        first = accounts.create_company_user(conn, caller_of(engine, admin_id), SIREN, "t@exemple.fr", "T",
                                             "tiers", {"dsn": "read"}, mailer)
        again = accounts.create_company_user(conn, caller_of(engine, other_admin), OTHER, "T@exemple.fr", "T",
                                             "tiers", {"dsn": "write"}, mailer)
        with pytest.raises(Conflict):
            accounts.create_company_user(conn, caller_of(engine, other_admin), OTHER, "t@exemple.fr", "T",
                                         "user", {}, mailer)
    assert again.account.id == first.account.id and again.activation_expires_at is None
    assert again.account.companies == {OTHER: {"dsn": "write"}}  # the other company's rights not shown
    assert len(activation_secrets(mailer, "t@exemple.fr")) == 1


def test_a_company_registers_with_its_siret_adherent_and_contract(engine, mailer):
    company = make_company(seed=5, employees=2, months=1, start_month=date(2025, 1, 1))
    with engine.begin() as conn:
        fields = store_sheet(conn, company)
    siret, adherent, contract = fields["siret"], fields["adherent"], fields["contract"]
    with engine.begin() as conn:
        for wrong in [(siret, adherent, "AUTRE-CONTRAT"), (siret, "AUTRE", contract),
                      (company.siren + "99999", adherent, contract), ("123", adherent, contract)]:
            with pytest.raises(Invalid):
                accounts.register_company(conn, *wrong, "Dana", "dana@exemple.fr", mailer)
        created = accounts.register_company(conn, siret, adherent, contract, "Dana", "dana@exemple.fr", mailer)
    assert created.account.role == "admin" and created.account.companies == {company.siren: {}}
    assert len(activation_secrets(mailer, "dana@exemple.fr")) == 1
    with engine.begin() as conn, pytest.raises(Conflict):
        accounts.register_company(conn, siret, adherent, contract, "Eve", "eve@exemple.fr", mailer)
