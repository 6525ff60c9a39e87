"""The person model as Splink settings: comparisons, their levels, and the blocking rules.

Written as Splink's own settings JSON (plain dicts of SQL conditions on the prepared columns of
``prepare.py``), so that the saved model is exactly what Splink loads and what an analyst can
read. Levels are tried top to bottom; the first that holds decides the pair's level.
"""

from __future__ import annotations

import re
from typing import Any

from socmap.engines.resolve.windows import TWIN_RULES, of_leads, windowed

#: Candidate-pair rules for prediction. Each is an equi-join on prepared columns, so DuckDB
#: hashes it. Chosen on the synthetic region (bench/resolve_synth.py, large: 417,776 person
#: records, 5.7 million true pairs): these 11 rules compare 20.0 million pairs and reach a
#: blocking recall of 0.9928; the 1.0 rules compared about 90 million for 0.9910, because
#: postcode alone (4,047 postcodes: 31.7 million pairs) and surname + initial (33.6 million)
#: were blocks of whole streets and families. Names that sound alike (Soundex of both names),
#: nicknames ("bob" and "robert" share the key "robert"), moves of address (date of birth),
#: typos in the date of birth (postcode with either name's sound), day-month transposition,
#: forename/surname swaps, shared phones and identifiers each have a rule.
_BETWEEN_PROFILES: tuple[str, ...] = (
    # In 1.5 a block of common names is compared within each year of birth (``prepare.block_years``),
    # and a record of such a name without a date of birth with the whole block (two rules, one per
    # side, so that each stays an equi-join with a filter on one side).
    # In 1.9 a block still larger than ``windows.WINDOW`` records is compared within sorted
    # windows of it, two rules for the two cuts (``windows.windowed``); so are the blocks of the
    # fourth and thirteenth rules.
    *windowed("l.first_sx = r.first_sx AND l.last_sx = r.last_sx AND l.name_year = r.name_year", "name"),
    *windowed("l.first_sx = r.first_sx AND l.last_sx = r.last_sx AND l.name_year IS NULL", "noyear"),
    *windowed("l.first_sx = r.first_sx AND l.last_sx = r.last_sx AND r.name_year IS NULL", "noyear"),
    # In 1.7 a large block of one date of birth (``prepare.DATE_BLOCK_CAP``) is compared within
    # each initial of either name, and across them for names given the other way round (the last
    # three rules of the list); a small one whole, as before.
    *windowed("l.birth_date = r.birth_date AND l.date_first = r.date_first", "date"),
    "l.birth_date_swapped = r.birth_date AND l.last_sx = r.last_sx",
    "l.postcode = r.postcode AND l.last_sx = r.last_sx",
    "l.postcode = r.postcode AND l.first_sx = r.first_sx",
    "l.phone = r.phone",
    "l.pnc_id = r.pnc_id",
    "l.custody_number = r.custody_number",
    "l.ni_number = r.ni_number",
    "l.first_name = r.last_name AND l.last_name = r.first_name",
    *windowed("l.first_key = r.first_key AND l.last_name = r.last_name AND l.key_year = r.key_year", "key"),
    # Added in 1.2 for records without identifiers (FEBRL4 without its identifier: blocking
    # recall 0.991 -> see bench/resolve_febrl4.py): one house, by postcode or by street, and
    # forename/surname swaps that also carry a typo.
    "l.postcode = r.postcode AND l.house_number = r.house_number",
    # In 1.4 one house by street is in one locality too: a region's street names repeat from town
    # to town, and without it this rule alone compared 4.7 million new pairs at a million source
    # rows (14% of them). Blocking recall was the same to five places on twelve synthetic regions
    # (small and medium, four seeds, noisy and clean, with and without identifiers) and on FEBRL4.
    "l.street = r.street AND l.house_number = r.house_number AND l.locality = r.locality",
    "l.first_sx = r.last_sx AND l.last_sx = r.first_sx",
    # In 1.6 one surname at one house number is one town too (its locality's first three letters,
    # which keyed slips rarely reach), and one street's forename initial goes with the surname's:
    # at a million source rows the two rules compared 8.4 million pairs no earlier rule did (a
    # third of all candidates) for 143 true pairs, found by a coincidence of house numbers. On
    # FEBRL4 without its identifier the true pairs only they find are the same eleven.
    "l.last_sx = r.last_sx AND l.house_number = r.house_number"
    " AND substr(l.locality, 1, 3) = substr(r.locality, 1, 3)",
    "l.street = r.street AND l.locality = r.locality AND l.first_initial = r.first_initial"
    " AND substr(l.last_name, 1, 1) = substr(r.last_name, 1, 1)",
    # Added in 1.3: at one postcode, a forename keyed as the other record's surname (a swap with
    # a slip in the other name, or the name shifted one field along). Two rules, one per
    # direction, so that each stays an equi-join.
    "l.postcode = r.postcode AND l.first_name = r.last_name",
    "l.postcode = r.postcode AND l.last_name = r.first_name",
    # Added in 1.7, last because Splink excludes each rule's pairs from every later rule: within
    # a small block of one date of birth their keys are empty, so they compare nothing there and
    # add no exclusion to the rules above.
    "l.birth_date = r.birth_date AND l.date_last = r.date_last",
    "l.birth_date = r.birth_date AND l.date_first = r.date_last",
    "l.birth_date = r.birth_date AND l.date_last = r.date_first",
)
#: In 1.9 the rules above compare the leads of profiles only (``windows.profiles``: records alike
#: in every compared column); the two rules placed first compare a profile's other records, its
#: twins, with its lead alone (1.10, ``windows.TWIN_RULES``; 1.9 compared every pair of them).
BLOCKING_RULES: tuple[str, ...] = (
    *TWIN_RULES,
    *(of_leads(rule) for rule in _BETWEEN_PROFILES),
)

_SIDE_COLUMN = re.compile(r"\b[lr]\.(\w+)")


def rule_columns(rule: str) -> set[str]:
    """The prepared columns a blocking rule (or one of its conjuncts) reads."""
    return set(_SIDE_COLUMN.findall(rule))


def rules_that_can_pair(rules: tuple[str, ...], empty: set[str]) -> tuple[str, ...]:
    """``rules`` without those that compare nothing where the columns in ``empty`` hold no value.

    A rule is a conjunction; a conjunct that compares a column no record has is never true, so the
    rule pairs no one (an identifier no source gave, the keys of large blocks where none is large).
    Splink would still join the whole table for it, and check it for every pair of the rules after
    it. A conjunct that tests for a missing value (``IS NULL``) keeps its rule."""
    kept = []
    for rule in rules:
        conjuncts = [] if " OR " in rule.upper() else rule.split(" AND ")
        if not any("=" in c and empty & rule_columns(c) for c in conjuncts):
            kept.append(rule)
    return tuple(kept)


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


def _level(sql: str, label: str, *, null: bool = False, tf: str | None = None) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf:
        # Agreement on a rare value weighs more than on a common one (Splink's term frequency
        # adjustment: u of the level replaced by the value's own frequency).
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    return level


def _else() -> dict[str, Any]:
    return {"sql_condition": "ELSE", "label_for_charts": "All other comparisons"}


def _jw(col: str, threshold: float) -> dict[str, Any]:
    return _level(
        f'jaro_winkler_similarity("{col}_l", "{col}_r") >= {threshold}',
        f"Jaro-Winkler >= {threshold}",
    )


#: DuckDB macros the comparisons call; ``person._db_api`` creates them on every connection.
#: ``within_one``: Damerau-Levenshtein distance at most 1 (one character wrong, missing, extra,
#: or two adjacent ones transposed), NULL where either value is. Values of one length are one
#: slip apart when they differ in at most one place (Hamming distance) or in two that a
#: transposition explains; values one character apart in length when Levenshtein allows it.
#: DuckDB's damerau_levenshtein costs about seven times its levenshtein, and hamming a fifth of
#: levenshtein, so the cheap tests come first. hamming counts bytes and refuses values of
#: different byte lengths, so it only sees ASCII (what ``prepare`` leaves of names, dates,
#: postcodes and identifiers); anything else goes to damerau_levenshtein. Written as a CASE
#: because DuckDB evaluates every operand of an OR and AND for every row, and a CASE branch only
#: for the rows that reach it: the disjunction this replaced cost four to ten times as much on
#: random pairs (0.07 s of CPU for the dates of birth of the 280,000 pairs that estimate u on
#: FEBRL4, now 0.02 s). As a macro the comparison SQL stays short: Splink parses and simplifies
#: every level's SQL with sqlglot when an EM session starts, and the spelled-out condition took
#: seconds there.
MACROS: tuple[str, ...] = (
    "CREATE OR REPLACE MACRO within_one(a, b) AS (CASE WHEN a = b THEN true "
    "WHEN abs(length(a) - length(b)) > 1 THEN false "
    "WHEN length(a) <> length(b) THEN levenshtein(a, b) <= 1 "
    "WHEN strlen(a) <> length(a) OR strlen(b) <> length(b) THEN damerau_levenshtein(a, b) <= 1 "
    "WHEN hamming(a, b) <= 1 THEN true "
    "WHEN hamming(a, b) <> 2 THEN false "
    "ELSE damerau_levenshtein(a, b) <= 1 END)",
)


def within_one(left: str, right: str) -> str:
    """SQL: the two values are at most one keying slip apart (see ``MACROS``)."""
    return f"within_one({left}, {right})"


def _typo(col: str) -> dict[str, Any]:
    return _level(within_one(f'"{col}_l"', f'"{col}_r"'), "One letter wrong, missing, extra or transposed")


def _sounds(col: str) -> dict[str, Any]:
    return _level(f'"{col}_mp_l" = "{col}_mp_r"', "Sounds alike (Metaphone)")


#: Forename and surname swapped, either of them with one keying slip ("Abby Sporn" / "Sporn
#: Abyb"): one piece of evidence, weighed by the forename comparison, neutral for the surname.
#: A CASE so that the slip is measured only where one name crossed over (see ``MACROS``).
NAMES_SWAPPED = (
    'CASE WHEN "first_name_l" = "last_name_r" THEN '
    + within_one('"last_name_l"', '"first_name_r"')
    + ' WHEN "last_name_l" = "first_name_r" THEN '
    + within_one('"first_name_l"', '"last_name_r"')
    + " ELSE false END"
)


def first_name_comparison() -> dict[str, Any]:
    return {
        "output_column_name": "first_name",
        "comparison_description": "Forename",
        "comparison_levels": [
            _level('"first_name_l" IS NULL OR "first_name_r" IS NULL', "Forename missing", null=True),
            _level('"first_name_l" = "first_name_r"', "Exact match", tf="first_name"),
            _level(NAMES_SWAPPED, "Forename and surname swapped"),
            _level('list_has_any("first_keys_l", "first_keys_r")', "Nickname, middle name or alias"),
            _typo("first_name"),
            _jw("first_name", 0.92),
            _sounds("first"),
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
                f'"last_name_l" IS NULL OR "last_name_r" IS NULL OR ({NAMES_SWAPPED})',
                "Surname missing, or swapped with the forename (weighed there)",
                null=True,
            ),
            _level('"last_name_l" = "last_name_r"', "Exact match", tf="last_name"),
            _level('list_has_any("last_keys_l", "last_keys_r")', "Alias surname"),
            _typo("last_name"),
            _jw("last_name", 0.92),
            _sounds("last"),
            _jw("last_name", 0.8),
            _else(),
        ],
    }


#: A year of birth for each side: from the date (full or partial), else estimated from an age.
_YEAR = 'try_cast(coalesce("birth_year_{s}", "approx_year_{s}") AS INTEGER)'


def birth_date_comparison() -> dict[str, Any]:
    full = 'length("birth_date_l") = 10 AND length("birth_date_r") = 10'
    year_l, year_r = _YEAR.format(s="l"), _YEAR.format(s="r")
    near = within_one('"birth_date_l"', '"birth_date_r"')
    return {
        "output_column_name": "birth_date",
        "comparison_description": "Date of birth or age",
        "comparison_levels": [
            _level(
                '("birth_date_l" IS NULL AND "approx_year_l" IS NULL) OR '
                '("birth_date_r" IS NULL AND "approx_year_r" IS NULL)',
                "Date of birth and age missing",
                null=True,
            ),
            _level(f'"birth_date_l" = "birth_date_r" AND {full}', "Exact match"),
            _level(f'"birth_date_swapped_l" = "birth_date_r" AND {full}', "Day and month transposed"),
            _level(
                '(length("birth_date_l") < 10 OR length("birth_date_r") < 10) AND '
                '(starts_with("birth_date_l", "birth_date_r") '
                'OR starts_with("birth_date_r", "birth_date_l"))',
                "Partial date agrees (year or year-month)",
            ),
            _level(
                f"{full} AND {near}",
                "Within one character",
            ),
            _level('"birth_year_l" = "birth_year_r"', "Same year"),
            _level(
                '("approx_year_l" IS NOT NULL OR "approx_year_r" IS NOT NULL) '
                f"AND abs({year_l} - {year_r}) <= 2",
                "Approximate age agrees (within two years)",
            ),
            _else(),
        ],
    }


def postcode_comparison() -> dict[str, Any]:
    # The house number is a level of the postcode, not a comparison of its own: within one
    # postcode it tells neighbours apart, and as levels of one comparison EM and random
    # sampling weigh "same postcode and house" by how often people of one postcode share a
    # house, whatever the data (FEBRL4's made-up addresses, or a test set with one household per
    # postcode). As two independent comparisons they weighed one household twice: husband and
    # wife outscored their different forenames. No term frequencies here: a postcode's frequency
    # would stand in for the house level's u and lose what the house number adds.
    same_pc = '"postcode_l" = "postcode_r"'
    both = '"house_number_l" IS NOT NULL AND "house_number_r" IS NOT NULL'
    return {
        "output_column_name": "postcode",
        "comparison_description": "Postcode and house number",
        "comparison_levels": [
            _level('"postcode_l" IS NULL OR "postcode_r" IS NULL', "Postcode missing", null=True),
            _level(f'{same_pc} AND "house_number_l" = "house_number_r"', "Same postcode and house number"),
            _level(f"{same_pc} AND {both}", "Same postcode, different house number"),
            _level(same_pc, "Same postcode"),
            _level(within_one('"postcode_l"', '"postcode_r"'), "Postcode within one character"),
            _level('"postcode_sector_l" = "postcode_sector_r"', "Same sector"),
            _level('"postcode_district_l" = "postcode_district_r"', "Same district"),
            _else(),
        ],
    }


def house_number_comparison() -> dict[str, Any]:
    # Where the postcodes agree the postcode comparison has weighed the house. Here the house
    # number speaks only where a postcode is missing or one character off (a keying slip on one
    # address); after a move it changes with the postcode, and penalising both counted one move
    # twice.
    near = within_one('"postcode_l"', '"postcode_r"')
    return {
        "output_column_name": "house_number",
        "comparison_description": "House number, where a postcode is missing or mistyped",
        "comparison_levels": [
            _level(
                '"house_number_l" IS NULL OR "house_number_r" IS NULL OR ('
                '"postcode_l" IS NOT NULL AND "postcode_r" IS NOT NULL '
                f'AND ("postcode_l" = "postcode_r" OR NOT {near}))',
                "House number missing, or weighed with the postcode",
                null=True,
            ),
            _level('"house_number_l" = "house_number_r"', "Exact match", tf="house_number"),
            _else(),
        ],
    }


def street_comparison(given_postcode: bool = True) -> dict[str, Any]:
    """The street; with ``given_postcode`` only where a postcode is missing.

    Where the street is a function of the postcode (UK data: one postcode, one street) an
    agreeing street adds nothing the postcode has not said, and weighed twice a husband and
    wife at one address outscored their different forenames. Where the two are independent
    (FEBRL4) it is evidence of its own. ``train`` measures which holds (``address_redundancy``).
    """
    null = '"street_l" IS NULL OR "street_r" IS NULL'
    if given_postcode:
        null += ' OR ("postcode_l" IS NOT NULL AND "postcode_r" IS NOT NULL)'
    return {
        "output_column_name": "street",
        "comparison_description": "Street" + (", where a postcode is missing" if given_postcode else ""),
        "comparison_levels": [
            _level(
                null,
                "Street missing" + (", or weighed with the postcode" if given_postcode else ""),
                null=True,
            ),
            _level('"street_l" = "street_r"', "Exact match", tf="street"),
            _jw("street", 0.9),
            _else(),
        ],
    }


def locality_comparison(given_postcode: bool = True) -> dict[str, Any]:
    """The town or locality; with ``given_postcode`` only where a postcode is missing."""
    null = '"locality_l" IS NULL OR "locality_r" IS NULL'
    if given_postcode:
        null += ' OR ("postcode_l" IS NOT NULL AND "postcode_r" IS NOT NULL)'
    return {
        "output_column_name": "locality",
        "comparison_description": "Town or locality"
        + (", where a postcode is missing" if given_postcode else ""),
        "comparison_levels": [
            _level(
                null,
                "Locality missing" + (", or weighed with the postcode" if given_postcode else ""),
                null=True,
            ),
            _level('"locality_l" = "locality_r"', "Exact match", tf="locality"),
            _jw("locality", 0.9),
            _else(),
        ],
    }


#: Above this share of same-postcode pairs that also share a street (or of same-district pairs
#: that share a locality), the street (locality) is taken as said by the postcode.
REDUNDANT = 0.5

#: Share of record pairs agreeing on the postcode that also agree on the street, and of those
#: agreeing on the postcode district that also agree on the locality (pairs with both values).
ADDRESS_REDUNDANCY_SQL = """
WITH s AS (
  SELECT postcode, street, count(*) AS n FROM {table}
  WHERE postcode IS NOT NULL AND street IS NOT NULL GROUP BY ALL
), l AS (
  SELECT postcode_district AS district, locality, count(*) AS n FROM {table}
  WHERE postcode_district IS NOT NULL AND locality IS NOT NULL GROUP BY ALL
)
SELECT
  (SELECT sum(n * (n - 1)) FROM s) / nullif((SELECT sum(n * (n - 1)) FROM
     (SELECT sum(n) AS n FROM s GROUP BY postcode)), 0),
  (SELECT sum(n * (n - 1)) FROM l) / nullif((SELECT sum(n * (n - 1)) FROM
     (SELECT sum(n) AS n FROM l GROUP BY district)), 0)
"""


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


IDENTIFIER_KINDS = ("pnc_id", "custody_number", "ni_number")
IDENTIFIERS_BOTH = " OR ".join(f'("{k}_l" IS NOT NULL AND "{k}_r" IS NOT NULL)' for k in IDENTIFIER_KINDS)
IDENTIFIERS_EXACT = " OR ".join(f'"{k}_l" = "{k}_r"' for k in IDENTIFIER_KINDS)
IDENTIFIERS_NEAR = " OR ".join(within_one(f'"{k}_l"', f'"{k}_r"') for k in IDENTIFIER_KINDS)

#: How often identifiers of one kind disagree for one person, measured on near-certain matches
#: (forename, surname and full date of birth agree); ``{table}`` is the prepared records.
_DISAGREE = f"({IDENTIFIERS_BOTH}) AND NOT ({IDENTIFIERS_EXACT}) AND NOT ({IDENTIFIERS_NEAR})"
_SIDES = ", ".join(f"l.{k} AS {k}_l, r.{k} AS {k}_r" for k in IDENTIFIER_KINDS)
# Our own column names and conditions only; the table name is filled in by the engine.
IDENTIFIER_DISAGREEMENT_SQL = (
    f"WITH p AS (SELECT {_SIDES} FROM {{table}} l JOIN {{table}} r "  # noqa: S608  # nosec B608 # our own column names; the table is named by the caller
    "ON l.first_name = r.first_name AND l.last_name = r.last_name AND l.birth_date = r.birth_date "
    "AND l.record_id < r.record_id WHERE length(l.birth_date) = 10) "
    f"SELECT count(*) FILTER (WHERE {IDENTIFIERS_BOTH}), count(*) FILTER (WHERE {_DISAGREE}) FROM p"
)


def identifier_comparison(m_disagree: float | None = None) -> dict[str, Any]:
    """PNC id, custody number or NI number. ``m_disagree``, when given, fixes the m of "All other
    comparisons": EM alone drove it towards zero wherever no true match in its sessions carried
    two identifiers of a kind, until Splink refused the value; ``train`` measures it instead."""
    other = _else()
    if m_disagree is not None:
        other.update({"m_probability": m_disagree, "fix_m_probability": True})
    return {
        "output_column_name": "identifiers",
        "comparison_description": "PNC id, custody number or NI number",
        "comparison_levels": [
            _level(f"NOT ({IDENTIFIERS_BOTH})", "No identifier of the same kind on both", null=True),
            _level(IDENTIFIERS_EXACT, "An identifier agrees"),
            _level(IDENTIFIERS_NEAR, "An identifier within one character"),
            other,
        ],
    }


def settings_dict(
    blocking_rules: tuple[str, ...],
    em_max_iterations: int,
    *,
    street_given_postcode: bool = True,
    locality_given_postcode: bool = True,
    identifier_m_disagree: float | None = None,
) -> dict[str, Any]:
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
            house_number_comparison(),
            street_comparison(street_given_postcode),
            locality_comparison(locality_given_postcode),
            phone_comparison(),
            identifier_comparison(identifier_m_disagree),
        ],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "max_iterations": em_max_iterations,
        "em_convergence": 0.0001,
        "additional_columns_to_retain": [],
        "sql_dialect": "duckdb",
    }
