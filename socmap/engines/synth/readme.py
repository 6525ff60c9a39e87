"""The dataset's own README: every file, its conventions and its columns."""

from __future__ import annotations

from socmap.engines.synth.output import FileInfo
from socmap.engines.synth.types import SynthConfig

_CONVENTIONS: dict[str, str] = {
    "intel/avon_and_somerset.csv": (
        "Avon and Somerset intelligence reports. Comma-delimited. Dates `dd/mm/yyyy`, time `HH:MM` in its "
        "own "
        "column. Grading 3x5x2 in three columns (`Source Evaluation` 1-3, `Intelligence Assessment` A-E, "
        "`Handling Code` P/C); `Handling Conditions` holds the conditions text when the code is C. Up to two "
        "subjects with split surname/forename columns. Phones as `07700 900123`, VRMs as `AB12 CDE`. "
        "Record id: `URN` (`AS-IR-yy-nnnnnn`)."
    ),
    "intel/devon_and_cornwall.csv": (
        "Devon and Cornwall intelligence reports. Comma-delimited, UTF-8 with a byte-order mark. ISO dates "
        "(`created_at` is `yyyy-mm-ddTHH:MM:SS`, DOBs `yyyy-mm-dd`). Grading in one column as `2/B/C`. "
        "Names in "
        "one column (`Forename Surname`). Phones in international form `+447700900123`, VRMs without a "
        "space. "
        "`narrative` is multi-line: line breaks inside a quoted field. Record id: `report_id` "
        "(`DC-yyyy-nnnnnnn`)."
    ),
    "intel/dorset.csv": (
        "Dorset intelligence reports. **Semicolon-delimited.** Dates `d MMM yy` (`3 Mar 24`), DOBs too, so "
        "the "
        "century must be inferred. Grading 3x5x2 in `Source`/`Intelligence`/`Handling` with `Conditions`. "
        "`Name` is one column; `Alias` holds a street name when the officer knew it. Record id: `Ref` "
        "(`DORnnnnnn`)."
    ),
    "intel/gloucestershire.csv": (
        "Gloucestershire intelligence reports. Comma-delimited. Dates `dd-mm-yyyy`. Split forename/surname "
        "columns for subject and linked subject; `SubjectNickname` sometimes holds a street name; "
        "`SubjectAddressLine` is the address without postcode (postcode in `SubjectPostcode`). Phones as "
        "`07700900123`. Record id: `IntelRef` (`G/nnnnnn/yy`)."
    ),
    "intel/wiltshire.csv": (
        "Wiltshire intelligence reports from an Oracle-style export: upper case throughout, dates "
        "`DD-MON-YYYY` (`03-MAR-2024`). Nominals in one column (`FORENAME SURNAME`); address one line with "
        "postcode. `TOPIC` is a theme code (CL, MSHT, CSE, OIC, FRD, FA, OAC, GEN). Record id: `ENTRY_NO` "
        "(a number)."
    ),
    "custody.xlsx": (
        "Custody extract, one sheet `Custody`, one row per detention. `Arrest Date` and `Date of Birth` are "
        "real Excel date cells (a hand-typed impossible DOB is a text cell). `Telephone` is stored as a "
        "number, so the leading 0 is lost (`7700900123`). `Surname` is upper case. People arrested together "
        "list each other's custody numbers in `Co-accused` (`; `-separated). Record id: `Custody Number` "
        "(`PP/nnnnnn/yy`, unique across forces)."
    ),
    "anpr.csv": (
        "ANPR reads, ordered by time: `read_at` is ISO 8601 UTC (`2024-03-03T14:22:05Z`). `vrm` is the mark "
        "as read, with a space (`AB12 CDE`); a misread (a look-alike character or a lost last character) "
        "comes with a low `confidence`. `latitude`/`longitude` locate the camera. `camera_site` contains a "
        "comma (`A38 Church Road, "
        "Gloucester`), so it is quoted. Record id: `read_id` (a number)."
    ),
    "cdr.csv": (
        "Call data records. `a_number` (caller) and `b_number` (called) in international form without `+` "
        "(`447700900123`). `call_start` is `dd/mm/yyyy HH:MM:SS`; `duration_seconds` is 0 for SMS. `cell_id` "
        "is the serving cell of the A party. Numbers are recycled by networks: the same number can belong to "
        "different people at different times. Record id: `call_id`."
    ),
    "financial.jsonl": (
        "Financial intelligence feed, one JSON object per line (UTF-8). SAR-like: `sar_ref`, `submitted`, "
        "`reporter` (the bank), `glossary_codes`, `transaction_date` (ISO), `amount` (GBP), `payer` and "
        "`payee` objects (`name` upper case with title for people, `dob`, `address`, `sort_code` `nn-nn-nn`, "
        "`account_number`; companies carry `company_number` instead of `dob`), `reference`, `reason`. A few "
        "lines are cut short (invalid JSON). Record id: `sar_ref`."
    ),
    "prison.csv": (
        "Prison intelligence. Dates `dd/mm/yy`. Upper-case names; prison number `A1234BC`. Grading 3x5x2. "
        "`ASSOCIATE_NAME` and `ASSOCIATE_PHONE` name a contact outside. `EXPECTED_RELEASE` (`dd/mm/yyyy`) "
        "is the prisoner's expected release on licence. Record id: `IR_NUMBER`."
    ),
    "safeguarding.csv": (
        "Council safeguarding referrals (a partner source: Cheltenham Borough Council, Bristol City Council "
        "and others, named in `Council`). Dates `dd/mm/yyyy`. `Associated Person` names whoever the referral "
        "is concerned about, with `Associated Person Details` (street name, vehicle). Record id: `Referral "
        "ID`."
    ),
    "housing.csv": (
        "Housing tenancy records (partner source: councils and housing associations in `landlord`). ISO "
        "dates; "
        "`tenancy_end` empty while the tenancy runs. Lead tenant in split columns; `joint_tenant_name` in "
        "one "
        "column. Record id: `tenancy_ref`."
    ),
    "legacy.csv": (
        "Legacy intelligence system, entries before 2021, graded **5x5x5**: `SOURCE_EVAL` A-E, `INTEL_EVAL` "
        "1-5, `HANDLING` 1-5 (map to 3x5x2 on import and keep the original). Upper case, plain letters only "
        "(accents and curly apostrophes folded: `O'BRIEN`). `SUBJECT` and `ASSOCIATE` are "
        "`SURNAME/FORENAME`. "
        "`ENTRY_DATE` is `yyyymmdd`; `DOB` is `dd/mm/yy`. `FORCE_CODE` is the Home Office force code "
        "(50 Devon and Cornwall, 52 Avon and Somerset, 53 Gloucestershire, 54 Wiltshire, 55 Dorset). Record "
        "id: `LEGACY_ID`."
    ),
}

_TRUTH: dict[str, str] = {
    "truth/records.csv": (
        "One row per entity a source record mentions: `file`, `record_id` (the source's own id), `field` "
        "(which mention: `subject_1`, `subject_1_address`, `a_party`, `payer_account`, `vrm` …), "
        "`entity_kind` (person, address, phone, vehicle, account, company), `true_id`, `noise` (what was "
        "applied, `;`-separated) and `eligible` (the record-level noise kinds that were drawn for this "
        "mention). The measured rate of a kind is `count(noise contains k) / count(eligible contains k)`. "
        "Tags without an eligibility (`twin`, `address_changed`, `recycled_phone`, `malformed`) describe "
        "the world, not a draw."
    ),
    "truth/people.csv": (
        "Every true person: canonical name, DOB, `role` (offender, vulnerable, bystander, public), `detail` "
        "(enabler kind, vulnerability, or why a bystander is one), the OCG they were last in with their "
        "role, "
        "`linked_ocg_id` for vulnerable people, `priority_individual`, `alias` (street name), span, "
        "`household_id`, `twin_of`, and `crew_id` for a member of a family group that works in crews "
        "(`--groups families`)."
    ),
    "truth/ocgs.csv": (
        "Every OCG: theme, home force and `forces` spanned, `status` (active, split, merged, dismantled), "
        "dates, `parent_ids`/`child_ids` for splits and merges, member count, principal, vulnerable people "
        "and front companies."
    ),
    "truth/memberships.csv": (
        "Every membership: OCG, person, role (principal, lieutenant, enabler, runner), dates."
    ),
    "truth/links.csv": (
        "True links with type and dates. Person to person: `call`, `co_arrest`, `payment`, `seen_together`, "
        "`exploits` (offender to vulnerable person), `family`, `twin`; person to company `employed_by`, "
        "`director_of`; person to object `resides_at`, `uses_phone`, `uses_vehicle`, `holds_account`; "
        "company `located_at`. `ocg_id` is set when the link was the group's business."
    ),
    "truth/objects.csv": (
        "Every true object (address, phone, vehicle, account, company) with its canonical value."
    ),
    "truth/priority_individuals.csv": "Priority Individuals: serious offenders outside any recognised group.",
    "truth/malformed.csv": (
        "Every planted malformed row: `file`, `row` (the data record's number from 1, header excluded), "
        "`line` (physical line where the row starts, header = 1; for "
        "XLSX the sheet row; for JSON lines the line), `record_id`, `kind` (wrong_column_count, "
        "impossible_date, broken_quote, invalid_json), `detail`. An importer must quarantine these, not "
        "drop them."
    ),
}

_NOISE = """\
Record-level noise (one draw per eligible mention; see `truth/records.csv`):

- `typo`: one keyboard slip in the forename or surname.
- `phonetic`: a sound-alike spelling (Stephen/Steven, Catherine/Kathryn, Mohammed/Muhammad, Smith/Smyth).
- `nickname`: a short form (Robert→Bob, Elizabeth→Liz) or the person's street name for the forename.
- `surname_first`: "SURNAME, Forename" in a single name column; in split columns the two swapped.
- `whitespace_case`: stray spaces or wrong case in a name.
- `missing_field`: the DOB, address or phone of a mention left blank.
- `dob_swap`: day and month of the DOB swapped (only DOBs with day ≤ 12 and day ≠ month are eligible).
- `no_identifier`: a mention with neither date of birth nor phone, as an informant gives someone: a name and
  where they live (eligible: mentions that would have had either).
- `vrm_misread` (ANPR): a look-alike character or a lost character.
- `malformed`: rows an importer must quarantine (see `truth/malformed.csv`); every kind appears at least once
  whenever the rate is above zero.

World-level noise: `address_change` (share of people who move house), `family` (share of households that
are families sharing a surname and address), `twins` (share of people who are twins: same surname, DOB and
address, different forenames), `recycled_phone` (share of numbers later reassigned to another person),
`cp1252` (share of the text sources written as Windows-1252 with CR LF line endings).
"""


def dataset_readme(
    config: SynthConfig, records: int, sources: list[FileInfo], truth: list[FileInfo], counts: dict[str, int]
) -> str:
    """The README.md written beside the data."""
    lines = [
        "# Synthetic South West region (socmap synth)",
        "",
        "Entirely fictional data for the five South West forces (Avon and Somerset, Devon and Cornwall, "
        "Dorset,",
        "Gloucestershire, Wiltshire) and their partners. Any resemblance of a name, number, vehicle or "
        "address",
        "to a real one is chance. Regenerate with the same seed and parameters for byte-identical files.",
        "",
        f"- seed: `{config.seed}`; size: `{config.size}` (target {records} source records, "
        f"{counts['source_records']} written)",
        f"- people: {counts['people']}; OCGs: {counts['ocgs']}; Priority Individuals: "
        f"{counts['priority_individuals']}; malformed rows: {counts['malformed_rows']}",
        f"- bystander cap: each innocent bystander shares a home or phone with at most "
        f"{config.bystander_max_offenders} offender(s)",
        f"- planted group sizes: `{config.group_sizes}`",
        "- period: 2019-01-01 to 2024-12-31",
        "",
        "## Sources",
        "",
    ]
    for info in sources:
        encoding = info.encoding if info.format != "xlsx" else "XLSX"
        ending = info.extra.get("line_ending")
        endings = f", {ending} line endings" if ending else ""
        lines += [
            f"### `{info.path}` ({info.rows} records, {encoding}{endings})",
            "",
            _CONVENTIONS.get(info.path, info.description),
            "",
        ]
        columns = info.extra.get("columns")
        if isinstance(columns, list):
            lines += ["Columns: " + ", ".join(f"`{c}`" for c in columns), ""]
    lines += ["## Ground truth (`truth/`)", ""]
    for info in truth:
        lines += [f"### `{info.path}` ({info.rows} rows)", "", _TRUTH.get(info.path, info.description), ""]
    lines += ["## Noise", "", _NOISE, "## Rates used", ""]
    lines += [f"- `{name}`: {value}" for name, value in config.noise.as_dict().items()]
    lines += ["", "`manifest.json` lists every file with its SHA-256, rows, encoding and parameters.", ""]
    return "\n".join(lines)
