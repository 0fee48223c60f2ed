"""`edutv users create`: any account from the command line, clear one-line errors, exit 1."""

from __future__ import annotations

import pytest


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password"
    path.write_text("correct horse battery\n", encoding="utf-8")
    return str(path)


def test_a_parent_comes_with_a_household_and_can_sign_in(run, password_file, app):
    result = run(
        "users",
        "create",
        "--email",
        "Mum@Example.com",
        "--password-file",
        password_file,
        "--role",
        "parent",
        "--household-name",
        "王家",
    )
    assert result.exit_code == 0, result.output
    assert "created parent account" in result.output and "household" in result.output
    accounts = app.extensions["edutv"].accounts
    account = accounts.sign_in("mum@example.com", "correct horse battery", network="127.0.0.1")
    assert accounts.household(account.household_id).household.name == "王家"


@pytest.mark.parametrize("role", ["operator", "reviewer", "admin"])
def test_staff_accounts_have_no_household(run, password_file, role):
    result = run(
        "users",
        "create",
        "--phone",
        "13800138000",
        "--password-file",
        password_file,
        "--role",
        role,
    )
    assert result.exit_code == 0, result.output
    assert f"created {role} account" in result.output and "household" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-email@", "--role", "parent"], "is not an e-mail address"),
        (["--role", "parent"], "exactly one of --email and --phone"),
        (["--email", "a@example.com", "--phone", "13800138000", "--role", "admin"], "exactly one"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(run, password_file, args, message):
    result = run("users", "create", "--password-file", password_file, *args)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_short_password_and_a_taken_login_are_refused(run, password_file, tmp_path):
    short = tmp_path / "short"
    short.write_text("abc\n", encoding="utf-8")
    result = run(
        "users",
        "create",
        "--email",
        "a@example.com",
        "--password-file",
        str(short),
        "--role",
        "parent",
    )
    assert result.exit_code == 1 and "8 to 128 characters" in result.output
    args = ("users", "create", "--email", "a@example.com", "--password-file", password_file)
    assert run(*args, "--role", "parent").exit_code == 0
    again = run(*args, "--role", "admin")
    assert again.exit_code == 1 and "already exists" in again.output


def test_an_unknown_role_is_a_usage_error(run, password_file):
    result = run(
        "users",
        "create",
        "--email",
        "a@example.com",
        "--password-file",
        password_file,
        "--role",
        "king",
    )
    assert result.exit_code == 2 and "king" in result.output


def test_an_unreadable_password_file_is_a_clear_error(run, tmp_path):
    missing = run(
        "users",
        "create",
        "--email",
        "a@example.com",
        "--password-file",
        str(tmp_path / "nope"),
        "--role",
        "parent",
    )
    assert missing.exit_code == 1 and "cannot read the password" in missing.output
