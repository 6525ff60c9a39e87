"""Parameters and results of the synthetic South West region generator.

The generator is configured by a seed, a size and a set of noise rates. Everything a run needs
arrives here as plain data; nothing is read from settings or the environment.
"""

from __future__ import annotations

import math
import pathlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields

from socmap.errors import InvalidInput

#: Named sizes and the approximate number of source records each writes.
SIZES: dict[str, int] = {"small": 5_000, "medium": 100_000, "large": 1_000_000}

#: Planted group-size distributions: ``standard`` groups of 5-40 people (the demo's); ``wide`` groups of
#: 3-150, heavy-tailed (most small, a few very large); ``families`` the same, with about half of the
#: groups of 40 or more run as a family whose members work in two to four crews, and the first group
#: always a family of 150 in three crews.
GROUP_SIZES: tuple[str, ...] = ("standard", "wide", "families")

#: Below this a run cannot show every source, every planted threat and every noise kind.
MIN_RECORDS = 1_000
#: Above this generation would no longer fit the memory and time budget of one machine.
MAX_RECORDS = 20_000_000

#: ``progress(stage, done, total)``: called now and then, never per row.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class NoiseRates:
    """How often each kind of noise that entity resolution must beat is planted (each 0..1).

    Record-level rates apply to each eligible mention of a person or object in a source record;
    world-level rates shape the population itself (who moves house, who is a twin, which phone
    numbers are reused). The dataset README gives the exact denominator of each.
    """

    # Record level: one draw per eligible mention.
    typo: float = 0.05
    phonetic: float = 0.04
    nickname: float = 0.05
    surname_first: float = 0.05
    missing_field: float = 0.08
    dob_swap: float = 0.03
    whitespace_case: float = 0.06
    vrm_misread: float = 0.01
    malformed: float = 0.002
    #: Mentions with no date of birth and no phone: a name and an address only.
    no_identifier: float = 0.1
    # World level: one draw per person, phone or file.
    address_change: float = 0.15
    family: float = 0.35
    twins: float = 0.01
    recycled_phone: float = 0.03
    cp1252: float = 0.4

    def as_dict(self) -> dict[str, float]:
        """The rates by name, in declaration order."""
        return asdict(self)

    @classmethod
    def names(cls) -> list[str]:
        """Every rate's name, in declaration order."""
        return [f.name for f in fields(cls)]


@dataclass(frozen=True)
class SynthConfig:
    """One generation run: the seed, the size and the noise rates.

    ``size`` is a named size (``SIZES``) or a target count of source records; the output is
    within a few per cent of it. ``bystander_max_offenders`` caps how many offenders one innocent
    bystander shares an address or phone with.
    """

    seed: int = 0
    size: str | int = "small"
    noise: NoiseRates = field(default_factory=NoiseRates)
    bystander_max_offenders: int = 2
    group_sizes: str = "standard"

    @property
    def records(self) -> int:
        """The target count of source records (call after ``validate``)."""
        if isinstance(self.size, str):
            return SIZES[self.size]
        return int(self.size)

    def problems(self, out_dir: pathlib.Path | None = None, *, force: bool = False) -> dict[str, list[str]]:
        """Every problem with this configuration (and output folder), by field; empty when fine."""
        found: dict[str, list[str]] = {}

        def add(name: str, message: str) -> None:
            found.setdefault(name, []).append(message)

        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            add("seed", f"The seed must be a whole number, not {self.seed!r}.")
        size = self.size
        if isinstance(size, bool) or not isinstance(size, str | int):
            add("size", f"The size must be one of {', '.join(SIZES)} or a number of records, not {size!r}.")
        elif isinstance(size, str):
            if size not in SIZES:
                add("size", f"Unknown size {size!r}: use one of {', '.join(SIZES)} or a number of records.")
        elif size <= 0:
            add("size", f"The size must be a positive number of records, not {size}.")
        elif size < MIN_RECORDS:
            add(
                "size",
                f"The size must be at least {MIN_RECORDS} records so every source and noise kind can appear.",
            )
        elif size > MAX_RECORDS:
            add("size", f"The size must be at most {MAX_RECORDS} records.")
        for name, value in self.noise.as_dict().items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                add(f"rate.{name}", f"The {name} rate must be a number between 0 and 1, not {value!r}.")
            elif not 0.0 <= float(value) <= 1.0:
                add(f"rate.{name}", f"The {name} rate must be between 0 and 1, not {value}.")
        cap = self.bystander_max_offenders
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
            add(
                "bystander_max_offenders",
                f"The bystander cap must be a whole number of at least 1, not {cap!r}.",
            )
        if self.group_sizes not in GROUP_SIZES:
            add(
                "group_sizes",
                f"Unknown group-size distribution {self.group_sizes!r}: use one of {', '.join(GROUP_SIZES)}.",
            )
        if out_dir is not None:
            if out_dir.exists() and not out_dir.is_dir():
                add("out", f"{out_dir} exists and is not a folder.")
            elif out_dir.is_dir() and any(out_dir.iterdir()) and not force:
                add("out", f"{out_dir} is not empty: choose an empty folder or pass force to overwrite.")
        return found

    def validate(self, out_dir: pathlib.Path | None = None, *, force: bool = False) -> None:
        """Raise one ``InvalidInput`` listing every problem, or return quietly."""
        found = self.problems(out_dir, force=force)
        if found:
            self._raise(found)

    @classmethod
    def from_cli(
        cls,
        seed: int,
        size: str,
        rates: dict[str, str] | None = None,
        *,
        bystander_max_offenders: int = 2,
        group_sizes: str = "standard",
    ) -> SynthConfig:
        """Build a configuration from command-line text: ``size`` ("small", "5000") and ``NAME=VALUE`` rates.

        Raises one ``InvalidInput`` naming every size or rate that cannot be parsed or is out of range.
        """
        found: dict[str, list[str]] = {}
        parsed_size: str | int = size
        text = size.strip().replace("_", "").replace(",", "")
        if text.lower() in SIZES:
            parsed_size = text.lower()
        elif text.lstrip("+-").isdigit():
            parsed_size = int(text)
        else:
            found["size"] = [f"Unknown size {size!r}: use one of {', '.join(SIZES)} or a number of records."]
        known = NoiseRates.names()
        values: dict[str, float] = {}
        for name, raw in (rates or {}).items():
            key = name.strip().lower().replace("-", "_")
            if key not in known:
                found.setdefault(f"rate.{name}", []).append(
                    f"Unknown rate {name!r}: the rates are {', '.join(known)}."
                )
                continue
            try:
                value = float(raw.strip().rstrip("%")) / (100.0 if raw.strip().endswith("%") else 1.0)
            except ValueError:
                found.setdefault(f"rate.{key}", []).append(f"The {key} rate {raw!r} is not a number.")
                continue
            values[key] = value
        config = cls(
            seed=seed,
            size=parsed_size,
            noise=NoiseRates(**values),
            bystander_max_offenders=bystander_max_offenders,
            group_sizes=group_sizes.strip().lower(),
        )
        for name, messages in config.problems().items():
            if name not in found:
                found[name] = messages
        if found:
            cls._raise(found)
        return config

    @staticmethod
    def _raise(found: dict[str, list[str]]) -> None:
        count = sum(len(messages) for messages in found.values())
        noun = "problem" if count == 1 else "problems"
        summary = "; ".join(message for messages in found.values() for message in messages)
        raise InvalidInput(
            f"Cannot generate synthetic data: {count} {noun}: {summary}", code="invalid_synth", fields=found
        )


@dataclass(frozen=True)
class SynthResult:
    """What a run wrote: every file with its hash and row count, the counts, and the manifest."""

    out_dir: pathlib.Path
    files: list[tuple[str, str, int]]
    counts: dict[str, int]
    manifest_path: pathlib.Path
    seconds: float = 0.0
