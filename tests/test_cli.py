from __future__ import annotations

import pytest
from typer.testing import CliRunner

from socmap.apps.core.demo import DEMO_PASSWORD, build_demo_organisations
from socmap.apps.core.models import Organisation, Role, SharingAgreement, User
from socmap.cli import app

runner = CliRunner()


@pytest.mark.django_db
def test_demo_builds_the_south_west_with_a_login_per_role() -> None:
    logins = build_demo_organisations()
    forces = set(Organisation.objects.filter(kind="force").values_list("name", flat=True))
    assert forces == {
        "Avon and Somerset Constabulary",
        "Devon and Cornwall Police",
        "Dorset Police",
        "Gloucestershire Constabulary",
        "Wiltshire Police",
    }
    assert Organisation.objects.filter(kind="rocu").count() == 1
    assert set(Organisation.objects.filter(kind="partner").values_list("partner_type", flat=True)) >= {
        "council",
        "nhs",
        "housing",
        "fire",
        "other",
    }
    roles = {r for u in User.objects.all() for r in u.role_set()}
    assert roles == set(Role.values)
    assert {login.password for login in logins} == {DEMO_PASSWORD}
    assert User.objects.get(username="partner").check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_demo_twice_changes_nothing() -> None:
    build_demo_organisations()
    counts = (Organisation.objects.count(), User.objects.count(), SharingAgreement.objects.count())
    build_demo_organisations()
    assert (Organisation.objects.count(), User.objects.count(), SharingAgreement.objects.count()) == counts


@pytest.mark.django_db
def test_create_org_and_user_from_the_command_line() -> None:
    result = runner.invoke(
        app, ["create-org", "Dorset Council", "--kind", "partner", "--partner-type", "council"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        [
            "create-user",
            "jo",
            "--organisation",
            "dorset-council",
            "--role",
            "partner",
            "--password",
            "a-long-enough-passphrase",
        ],
    )
    assert result.exit_code == 0, result.output
    assert User.objects.get(username="jo").organisation.name == "Dorset Council"


@pytest.mark.django_db
def test_cli_bad_input_is_one_clear_message() -> None:
    result = runner.invoke(app, ["create-org", "Somewhere", "--kind", "castle"])
    assert result.exit_code == 2
    assert "Kind must be one of force, rocu, national, partner" in result.output
    assert not Organisation.objects.filter(name="Somewhere").exists()
    weak = runner.invoke(
        app, ["create-user", "x", "--organisation", "nowhere", "--role", "analyst", "--password", "pw"]
    )
    assert weak.exit_code == 2 and "No organisation called 'nowhere'" in weak.output


def test_synth_writes_the_region_and_its_truth(tmp_path: object) -> None:
    out = tmp_path / "sw"  # type: ignore[operator]
    result = runner.invoke(app, ["synth", "--out", str(out), "--seed", "4", "--size", "small"])
    assert result.exit_code == 0, result.output
    assert (out / "manifest.json").exists() and (out / "truth" / "records.csv").exists()
    assert (out / "custody.xlsx").exists()


@pytest.mark.parametrize(
    "args,message",
    [
        (["--size", "tiny"], "Unknown size 'tiny'"),
        (["--size", "-5"], "size"),
        (["--rate", "typo=2"], "between 0 and 1"),
        (["--rate", "typo"], "write NAME=VALUE"),
    ],
)
def test_synth_bad_parameters_write_nothing(tmp_path: object, args: list[str], message: str) -> None:
    out = tmp_path / "sw"  # type: ignore[operator]
    result = runner.invoke(app, ["synth", "--out", str(out), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_synth_refuses_a_folder_that_is_not_empty(tmp_path: object) -> None:
    (tmp_path / "keep.txt").write_text("mine")  # type: ignore[operator]
    result = runner.invoke(app, ["synth", "--out", str(tmp_path), "--size", "small"])
    assert result.exit_code == 2 and "not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]  # type: ignore[attr-defined]
