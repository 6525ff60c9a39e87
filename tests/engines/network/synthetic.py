"""Helpers: the synthetic region's true links as network-engine input (tests and bench)."""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

PERSON_PREFIX = "P"


def region_inputs(
    out_dir: pathlib.Path, *, drop: float = 0.0, noise: float = 0.0, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and edges from ``truth/`` of a generated region, optionally degraded.

    ``drop`` removes that share of links; ``noise`` adds that share of random person-person
    ``associate`` links (seeded), to simulate imperfect intelligence.
    """
    truth = out_dir / "truth"
    people = pd.read_csv(truth / "people.csv", dtype=str, keep_default_na=False)
    objects = pd.read_csv(truth / "objects.csv", dtype=str, keep_default_na=False)
    links = pd.read_csv(truth / "links.csv", dtype=str, keep_default_na=False)
    # Known offenders as the police know them: the planted offenders, and anyone arrested with
    # someone (the app marks both ends of a co-arrest the same way, socmap/model/linkmap.yaml).
    arrested = links[links["link_type"].isin(["co_arrest", "co_arrested"])]
    known = set(arrested["from_id"]) | set(arrested["to_id"])
    nodes = pd.concat(
        [
            pd.DataFrame(
                {
                    "id": people["person_id"],
                    "kind": "person",
                    "offender": people["role"].eq("offender") | people["person_id"].isin(known),
                    "themes": people["theme"],
                }
            ),
            pd.DataFrame(
                {"id": objects["object_id"], "kind": objects["kind"], "offender": False, "themes": ""}
            ),
        ],
        ignore_index=True,
    )
    edges = pd.DataFrame(
        {
            "source_id": links["from_id"],
            "target_id": links["to_id"],
            "link_type": links["link_type"],
            "grading": "2B",
            "observed_on": pd.to_datetime(
                links["end"].where(links["end"] != "", links["start"]), errors="coerce"
            ),
            "evidence_id": links["link_id"],
            "started_on": pd.to_datetime(links["start"], errors="coerce"),
        }
    )
    rng = np.random.default_rng(seed)
    if drop:
        edges = edges[rng.random(len(edges)) >= drop]
    if noise:
        ids = people["person_id"].to_numpy()
        k = int(noise * len(edges))
        extra = pd.DataFrame(
            {
                "source_id": rng.choice(ids, k),
                "target_id": rng.choice(ids, k),
                "link_type": "associate",
                "grading": "3C",
                "observed_on": edges["observed_on"].max(),
                "evidence_id": [f"NOISE{i:07d}" for i in range(k)],
            }
        )
        edges = pd.concat([edges, extra], ignore_index=True)
    return nodes, edges.reset_index(drop=True)


def region_truth(out_dir: pathlib.Path) -> tuple[dict[str, str], set[str]]:
    """Planted group of every group member (the last group they were in) and the true PIs."""
    people = pd.read_csv(out_dir / "truth" / "people.csv", dtype=str, keep_default_na=False)
    members = people[people["ocg_id"] != ""]
    pis = pd.read_csv(out_dir / "truth" / "priority_individuals.csv", dtype=str, keep_default_na=False)
    return dict(zip(members["person_id"], members["ocg_id"], strict=True)), set(pis["person_id"])


def region_people(out_dir: pathlib.Path) -> pd.DataFrame:
    """``truth/people.csv`` of a generated region, every column as text."""
    return pd.read_csv(out_dir / "truth" / "people.csv", dtype=str, keep_default_na=False)
