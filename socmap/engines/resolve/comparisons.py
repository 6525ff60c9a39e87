"""The person model as Splink settings: comparisons, their levels, and the blocking rules.

Written as Splink's own settings JSON (plain dicts of SQL conditions on the prepared columns of
``prepare.py``), so that the saved model is exactly what Splink loads and what an analyst can
read. Levels are tried top to bottom; the first that holds decides the pair's level.
"""

from __future__ import annotations

from typing import Any

#: Candidate-pair rules for prediction. Each is an equi-join on prepared columns, so DuckDB
#: hashes it. Chosen on the synthetic region (bench/resolve_synth.py, large: 417,776 person
#: records, 5.7 million true pairs): these 11 rules compare 20.0 million pairs and reach a
#: blocking recall of 0.9928; the 1.0 rules compared about 90 million for 0.9910, because
#: postcode alone (4,047 postcodes: 31.7 million pairs) and surname + initial (33.6 million)
#: were blocks of whole streets and families. Names that sound alike (Soundex of both names),
#: nicknames ("bob" and "robert" share the key "robert"), moves of address (date of birth),
#: typos in the date of birth (postcode with either name's sound), day-month transposition,
#: forename/surname swaps, shared phones and identifiers each have a rule.
BLOCKING_RULES: tuple[str, ...] = (
    "l.first_sx = r.first_sx AND l.last_sx = r.last_sx",
    "l.birth_date = r.birth_date",
    "l.birth_date_swapped = r.birth_date AND l.last_sx = r.last_sx",
    "l.postcode = r.postcode AND l.last_sx = r.last_sx",
    "l.postcode = r.postcode AND l.first_sx = r.first_sx",
    "l.phone = r.phone",
    "l.pnc_id = r.pnc_id",
    "l.custody_number = r.custody_number",
    "l.ni_number = r.ni_number",
    "l.first_name = r.last_name AND l.last_name = r.first_name",
    "l.first_key = r.first_key AND l.last_name = r.last_name",
)

#: One EM session per rule. A session cannot learn m for the comparisons its rule uses, so the
#: two rules between them estimate every comparison at least once. No session blocks on
#: postcode or address: households (same surname, same address, different people) dominate
#: such blocks and EM then learns that a different forename and birth date are normal for a
#: match (measured: pairwise precision fell to 0.45 on the synthetic set).
EM_BLOCKING_RULES: tuple[str, ...] = (
    "l.birth_date = r.birth_date",
    "l.last_name = r.last_name AND l.first_name = r.first_name",
)

#: Rules expected to admit almost no false matches, used to estimate the prior
#: (probability that two random records match), with ``ResolveConfig.prior_recall``.
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.first_name = r.first_name AND l.last_name = r.last_name AND l.birth_date = r.birth_date",
    "l.pnc_id = r.pnc_id",
    "l.ni_number = r.ni_number",
)


def _level(sql: str, label: str, *, null: bool = False) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    return level


def _else() -> dict[str, Any]:
    return {"sql_condition": "ELSE", "label_for_charts": "All other comparisons"}


def _jw(col: str, threshold: float) -> dict[str, Any]:
    return _level(
        f'jaro_winkler_similarity("{col}_l", "{col}_r") >= {threshold}',
        f"Jaro-Winkler >= {threshold}",
    )


def first_name_comparison() -> dict[str, Any]:
    return {
        "output_column_name": "first_name",
        "comparison_description": "Forename",
        "comparison_levels": [
            _level('"first_name_l" IS NULL OR "first_name_r" IS NULL', "Forename missing", null=True),
            _level('"first_name_l" = "first_name_r"', "Exact match"),
            _level(
                '"first_name_l" = "last_name_r" AND "last_name_l" = "first_name_r"',
                "Forename and surname swapped",
            ),
            _level('list_has_any("first_keys_l", "first_keys_r")', "Nickname, middle name or alias"),
            _jw("first_name", 0.92),
            _jw("first_name", 0.8),
            _level(
                'left("first_name_l", 1) = left("first_name_r", 1) '
                'AND (length("first_name_l") = 1 OR length("first_name_r") = 1)',
                "Initial agrees",
            ),
            _else(),
        ],
    }


def last_name_comparison() -> dict[str, Any]:
    return {
        "output_column_name": "last_name",
        "comparison_description": "Surname",
        "comparison_levels": [
            # A swap is one piece of evidence, weighed once by the forename comparison; the
            # surname then stays neutral (weighed twice, swapped names outscored exact ones).
            _level(
                '"last_name_l" IS NULL OR "last_name_r" IS NULL OR '
                '("first_name_l" = "last_name_r" AND "last_name_l" = "first_name_r")',
                "Surname missing, or swapped with the forename (weighed there)",
                null=True,
            ),
            _level('"last_name_l" = "last_name_r"', "Exact match"),
            _level('list_has_any("last_keys_l", "last_keys_r")', "Alias surname"),
            _jw("last_name", 0.92),
            _jw("last_name", 0.8),
            _else(),
        ],
    }


def birth_date_comparison() -> dict[str, Any]:
    full = 'length("birth_date_l") = 10 AND length("birth_date_r") = 10'
    return {
        "output_column_name": "birth_date",
        "comparison_description": "Date of birth",
        "comparison_levels": [
            _level('"birth_date_l" IS NULL OR "birth_date_r" IS NULL', "Date of birth missing", null=True),
            _level(f'"birth_date_l" = "birth_date_r" AND {full}', "Exact match"),
            _level(f'"birth_date_swapped_l" = "birth_date_r" AND {full}', "Day and month transposed"),
            _level(
                '(length("birth_date_l") < 10 OR length("birth_date_r") < 10) AND '
                '(starts_with("birth_date_l", "birth_date_r") '
                'OR starts_with("birth_date_r", "birth_date_l"))',
                "Partial date agrees (year or year-month)",
            ),
            _level(
                f'{full} AND damerau_levenshtein("birth_date_l", "birth_date_r") <= 1',
                "Within one character",
            ),
            _level('"birth_year_l" = "birth_year_r"', "Same year"),
            _else(),
        ],
    }


def postcode_comparison() -> dict[str, Any]:
    # Where someone lives, weighed once. The full address contains the postcode, so comparing
    # both as if independent counted one fact twice (about 9 bits): a husband and wife at one
    # address outscored their different forenames. Here the address only tells the house apart
    # within a postcode; ``address_comparison`` takes over only where a postcode is missing.
    same_pc = '"postcode_l" = "postcode_r"'
    return {
        "output_column_name": "postcode",
        "comparison_description": "Postcode and house",
        "comparison_levels": [
            _level('"postcode_l" IS NULL OR "postcode_r" IS NULL', "Postcode missing", null=True),
            _level(
                f'{same_pc} AND ("address_l" = "address_r" OR "house_numbers_l" = "house_numbers_r")',
                "Same address",
            ),
            _level(
                f'{same_pc} AND "house_numbers_l" <> "house_numbers_r"',
                "Same postcode, different house number",
            ),
            _level(same_pc, "Same postcode"),
            # A mistyped postcode on the same address (FEBRL4 keeps them apart: its address
            # text has no postcode, so a postcode typo would otherwise lose the address too).
            _level('"address_l" = "address_r"', "Same address, postcode differs"),
            _level(
                'damerau_levenshtein("postcode_l", "postcode_r") <= 1',
                "Postcode within one character",
            ),
            _jw("address", 0.92),
            _level('"postcode_sector_l" = "postcode_sector_r"', "Same sector"),
            _level('"postcode_district_l" = "postcode_district_r"', "Same district"),
            _else(),
        ],
    }


def address_comparison() -> dict[str, Any]:
    # Jaro-Winkler on the normalised address: token-overlap measures (list_intersect) cost
    # about twenty times more per pair in DuckDB and scored no better on FEBRL4.
    both_pc = '"postcode_l" IS NOT NULL AND "postcode_r" IS NOT NULL'
    return {
        "output_column_name": "address",
        "comparison_description": "Address, where a postcode is missing",
        "comparison_levels": [
            _level(
                f'"address_l" IS NULL OR "address_r" IS NULL OR ({both_pc})',
                "Address missing, or weighed with the postcode",
                null=True,
            ),
            _level('"address_l" = "address_r"', "Exact match (normalised)"),
            _jw("address", 0.92),
            _jw("address", 0.8),
            _else(),
        ],
    }


def phone_comparison() -> dict[str, Any]:
    return {
        "output_column_name": "phone",
        "comparison_description": "Phone",
        "comparison_levels": [
            _level('"phone_l" IS NULL OR "phone_r" IS NULL', "Phone missing", null=True),
            _level('"phone_l" = "phone_r"', "Exact match"),
            _else(),
        ],
    }


def identifier_comparison() -> dict[str, Any]:
    kinds = ("pnc_id", "custody_number", "ni_number")
    both = " OR ".join(f'("{k}_l" IS NOT NULL AND "{k}_r" IS NOT NULL)' for k in kinds)
    exact = " OR ".join(f'"{k}_l" = "{k}_r"' for k in kinds)
    near = " OR ".join(f'damerau_levenshtein("{k}_l", "{k}_r") <= 1' for k in kinds)
    return {
        "output_column_name": "identifiers",
        "comparison_description": "PNC id, custody number or NI number",
        "comparison_levels": [
            _level(f"NOT ({both})", "No identifier of the same kind on both", null=True),
            _level(exact, "An identifier agrees"),
            _level(near, "An identifier within one character"),
            _else(),
        ],
    }


def settings_dict(blocking_rules: tuple[str, ...], em_max_iterations: int) -> dict[str, Any]:
    """Untrained Splink settings for the person model."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "record_id",
        "probability_two_random_records_match": 1e-4,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in blocking_rules
        ],
        "comparisons": [
            first_name_comparison(),
            last_name_comparison(),
            birth_date_comparison(),
            postcode_comparison(),
            address_comparison(),
            phone_comparison(),
            identifier_comparison(),
        ],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "max_iterations": em_max_iterations,
        "em_convergence": 0.0001,
        "additional_columns_to_retain": [],
        "sql_dialect": "duckdb",
    }
