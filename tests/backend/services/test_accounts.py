"""Accounts rules that need no database: logins, networks, user codes, tokens."""

from __future__ import annotations

import pytest

from tv_backend.services.accounts import InvalidAccount, Login, network_of, sha256
from tv_backend.services.device_flow import (
    USER_CODE_ALPHABET,
    OAuthError,
    check_client,
    format_user_code,
    normalise_user_code,
)


@pytest.mark.parametrize(
    ("typed", "email", "phone"),
    [
        ("Mum@Example.COM ", "mum@example.com", None),
        ("138 0013 8000", None, "13800138000"),
        ("+86 138-0013-8000", None, "13800138000"),
        ("(010) 6552 9988", None, "01065529988"),
        ("+44 20 7946 0958", None, "+442079460958"),
    ],
)
def test_logins_are_normalised(typed, email, phone):
    assert Login.parse(typed) == Login(email=email, phone=phone)


@pytest.mark.parametrize("typed", ["", "mum@", "@example.com", "12345", "mum at example", "a@b"])
def test_bad_logins_are_refused(typed):
    with pytest.raises(InvalidAccount):
        Login.parse(typed)


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::ffff", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_networks_are_an_ipv4_address_or_an_ipv6_64(address, network):
    assert network_of(address) == network


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("BCDF-GHJK", "BCDFGHJK"),
        ("bcdfghjk", "BCDFGHJK"),
        (" bcdf ghjk ", "BCDFGHJK"),
        ("BCDF-GHJ", None),
        ("ABCD-GHJK", None),  # vowels are never in a code
        ("BCDF-GHJ0", None),
        ("", None),
    ],
)
def test_user_codes_are_accepted_in_any_case_with_or_without_the_dash(typed, stored):
    assert normalise_user_code(typed) == stored


def test_the_alphabet_has_no_vowels_and_codes_show_as_two_groups():
    assert not set("AEIOUY") & set(USER_CODE_ALPHABET) and len(USER_CODE_ALPHABET) == 20
    assert format_user_code("BCDFGHJK") == "BCDF-GHJK"


@pytest.mark.parametrize(
    ("client_id", "error", "status"),
    [(None, "invalid_request", 400), ("", "invalid_request", 400), ("x", "invalid_client", 401)],
)
def test_only_the_tv_client_is_known(client_id, error, status):
    with pytest.raises(OAuthError) as raised:
        check_client(client_id)
    assert (raised.value.error, raised.value.status) == (error, status)
    assert check_client("edutv-tv") == "edutv-tv"


def test_tokens_are_kept_as_sha256_hex():
    assert sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
