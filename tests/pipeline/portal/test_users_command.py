"""``dsn users create-admin`` / ``create-operator``: accounts from the command line, mistakes as exit 2."""
from __future__ import annotations

import sqlalchemy as sa

from pipeline.cli import main
from pipeline.ingest import store_engine
from pipeline.portal.passwords import verify_password
from pipeline.store.schema_portal import portal_portfolios, portal_users

PASSWORD = "motdepasse-2026"


def test_accounts_are_created_from_a_password_file(store_url, tmp_path, capsys):
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\nignored\n")
    assert main(["users", "create-admin", "--email", "Chef@Exemple.fr", "--siren", "552100554",
                 "--password-file", str(secret), "--db", store_url]) == 0
    assert main(["users", "create-operator", "--email", "op@exemple.fr", "--password-file", str(secret),
                 "--db", store_url]) == 0
    assert "compte créé : op@exemple.fr" in capsys.readouterr().out
    engine = store_engine(store_url)
    with engine.connect() as conn:
        rows = {r.email: r for r in conn.execute(sa.select(portal_users))}
        portfolio = conn.execute(sa.select(portal_portfolios.c.siren, portal_portfolios.c.state)).all()
    engine.dispose()
    assert {e: (r.role, r.active) for e, r in rows.items()} == {"chef@exemple.fr": ("admin", True),
                                                               "op@exemple.fr": ("operator", True)}
    assert verify_password(rows["chef@exemple.fr"].password_hash, PASSWORD)
    assert [tuple(p) for p in portfolio] == [("552100554", "granted")]


def test_mistakes_are_one_french_line_and_exit_2(store_url, tmp_path, capsys):
    weak, empty = tmp_path / "weak", tmp_path / "empty"
    weak.write_text("court\n")
    empty.write_text("")
    for argv, words in [
            (["create-operator", "--email", "op@exemple.fr", "--password-file", str(weak)], "12 caractères"),
            (["create-operator", "--email", "op@exemple.fr", "--password-file", str(empty)], "fichier vide"),
            (["create-operator", "--email", "op@exemple.fr", "--password-file", str(tmp_path / "none")],
             "lecture impossible"),
            (["create-admin", "--email", "a@exemple.fr", "--siren", "12345", "--password-file", str(weak)],
             "SIREN invalide")]:
        assert main(["users", *argv, "--db", store_url]) == 2
        err = capsys.readouterr().err
        assert words in err and len(err.strip().splitlines()) == 1, err
