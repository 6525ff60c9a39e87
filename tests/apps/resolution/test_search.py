"""People search: one row per resolved person, the right person first for typos, nicknames, swapped
names and every UK date form; a viewer sees a person only through the records they may see."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from socmap.apps.core.models import AuditAction, AuditEvent, User
from socmap.apps.intel import services as intel
from socmap.apps.intel.models import RecordEntity, Source
from socmap.apps.resolution.models import Membership
from socmap.apps.resolution.search import PeopleQuery, people_search
from socmap.errors import InvalidInput
from tests import factories
from tests.conftest import signed_in

HEADER = (
    "Referral ID,Council,Date Received,Referrer,Subject Type,Subject Forename,Subject Surname,"
    "Subject DOB,Address,Postcode,Contact Number,Concern,Associated Person,Associated Person Details,"
    "Outcome,Notes\n"
)
# (forename, surname, date of birth, postcode): John Smith is three records of one person, with
# neighbours a careless search would put first.
PEOPLE = [
    ("John", "Smith", "15/09/1957", "GL1 1AA"),
    ("John", "Smith", "15/09/1957", "GL1 1AA"),
    ("Johnny", "Smith", "15/09/1957", "GL2 2BB"),
    ("Jon", "Smith", "02/03/1960", "GL3 3CC"),
    ("Joan", "Smith", "15/09/1958", "GL4 4DD"),
    ("John", "Smyth", "01/01/1970", "GL5 5EE"),
    ("Robert", "Jones", "03/04/1981", "GL6 6FF"),
    ("Bob", "Jonas", "03/04/1982", "GL7 7GG"),
    ("Thomas", "James", "05/06/1990", "GL8 8HH"),
    ("James", "Thomas", "07/08/1991", "GL9 9JJ"),
]


@dataclass
class World:
    analyst: User
    partner: User
    john: list[str]  # the John Smith records, the partner's last
    robert: str


def _ingest(
    actor: User, name: str, rows: list[tuple[str, str, str, str]], tmp_path: Path, start: int
) -> None:
    source = Source.objects.create(
        owner=actor.organisation,
        name=name,
        title=name.title(),
        kind="safeguarding",
        mapping_name="safeguarding.yaml",
    )
    lines = [
        f'SR-{start + n},Council,03/01/2024,GP,Adult,{fore},{sur},{dob},"{n} Lane, Gloucester",{pc},'
        ",Neglect,,,None,\n"
        for n, (fore, sur, dob, pc) in enumerate(rows)
    ]
    path = tmp_path / f"{name}.csv"
    path.write_text(HEADER + "".join(lines))
    started = intel.batch_create(actor=actor, source=source, path=path, file_name=path.name)
    intel.batch_run(batch_id=started.batch.pk)


@pytest.fixture
def world(db: None, tmp_path: Path) -> World:
    police = factories.organisation("force")
    council = factories.organisation("partner")
    analyst = factories.user(police, "analyst")
    partner = factories.user(council)
    _ingest(analyst, "police-referrals", PEOPLE, tmp_path, 1)
    _ingest(partner, "council-referrals", [("John", "Smith", "15/09/1957", "GL1 1AA")], tmp_path, 100)
    people = RecordEntity.objects.filter(schema="Person").order_by("id")
    john = [e.pk for e in people if e.caption in ("John Smith", "Johnny Smith")]
    assert len(john) == 4
    # Resolution has joined the John Smith records into one person (its cache of the clusters).
    for entity_id in john:
        Membership.objects.create(entity_id=entity_id, canonical_id=john[0], schema="Person")
    robert = next(e.pk for e in people if e.caption == "Robert Jones")
    return World(analyst, partner, john, robert)


def _first(viewer: User, **query: str) -> str:
    hits = people_search(viewer=viewer, query=PeopleQuery(**query))
    assert hits, query
    return hits[0].id


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["Jonh Smiht", "john smith", "Smith John", "SMITH, John", "J Smith", "Johnny Smith"]
)
def test_the_right_person_comes_first_by_name(world: World, name: str) -> None:
    assert _first(world.analyst, name=name) == world.john[0]


@pytest.mark.django_db
def test_a_nickname_finds_the_formal_name_first(world: World) -> None:
    assert _first(world.analyst, name="Bob Jones") == world.robert


@pytest.mark.django_db
@pytest.mark.parametrize(
    "born",
    [
        "15/09/1957",
        "15-09-1957",
        "15.09.1957",
        "15/9/57",
        "15 Sep 1957",
        "15 September 1957",
        "Sept 1957",
        "09/1957",
        "1957",
        "1957-09-15",
    ],
)
def test_every_uk_date_form_finds_the_person(world: World, born: str) -> None:
    hits = people_search(viewer=world.analyst, query=PeopleQuery(birth_date=born))
    assert [h.id for h in hits] == [world.john[0]]
    with_name = people_search(viewer=world.analyst, query=PeopleQuery(name="Jonh Smiht", birth_date=born))
    assert with_name[0].id == world.john[0]


@pytest.mark.django_db
def test_one_row_per_person_with_its_records_and_sources(world: World) -> None:
    hits = people_search(viewer=world.analyst, query=PeopleQuery(name="John Smith"))
    ids = [h.id for h in hits]
    assert len(ids) == len(set(ids))
    john = hits[0]
    assert john.name == "John Smith"
    assert john.other_names == ("Johnny Smith",)
    assert john.records == 3  # the police's three; the council's is not shared with the police
    assert john.sources == ("Police-Referrals",)
    assert john.birth_dates == ("1957-09-15",)
    assert john.postcodes == ("GL1 1AA", "GL2 2BB")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Smith", "John Smith", "Jones", "J Smith"])
def test_the_people_shown_are_the_first_of_the_whole_ranked_list(
    world: World, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # People are ranked before the few shown are read whole: the first of them, in the same order
    # and with the same figures, as when every one is read.
    from socmap.apps.resolution import search

    every = people_search(viewer=world.analyst, query=PeopleQuery(name=name))
    assert len(every) >= 2
    for limit in (1, 2, len(every) - 1):
        monkeypatch.setattr(search, "PEOPLE_LIMIT", limit)
        assert people_search(viewer=world.analyst, query=PeopleQuery(name=name)) == every[:limit]


@pytest.mark.django_db
def test_a_partner_sees_a_person_only_through_its_own_records(world: World) -> None:
    hits = people_search(viewer=world.partner, query=PeopleQuery(name="John Smith"))
    assert len(hits) == 1
    (john,) = hits
    assert john.records == 1 and john.sources == ("Council-Referrals",)
    assert john.id == world.john[-1]  # never the id of a record it may not see
    assert john.other_names == () and john.postcodes == ("GL1 1AA",)
    assert people_search(viewer=world.partner, query=PeopleQuery(name="Robert Jones")) == []


@pytest.mark.django_db
def test_a_postcode_alone_finds_the_people_living_there(world: World) -> None:
    assert _first(world.analyst, postcode="gl11aa") == world.john[0]


@pytest.mark.django_db
def test_bad_input_is_refused_naming_the_field(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        people_search(viewer=world.analyst, query=PeopleQuery(birth_date="31/02/1957"))
    assert "not a real date" in caught.value.fields["birth_date"][0]
    with pytest.raises(InvalidInput) as caught:
        people_search(viewer=world.analyst, query=PeopleQuery(name="a\x00b"))
    assert "control characters" in caught.value.fields["name"][0]
    with pytest.raises(InvalidInput):
        people_search(viewer=world.analyst, query=PeopleQuery())


@pytest.mark.django_db
def test_the_search_page_lists_people_and_is_audited(world: World) -> None:
    client = signed_in(world.analyst)
    page = client.get("/search/", {"name": "Jonh Smiht", "birth_date": "15 Sep 57"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 person" in text and "in 3 records" in text and "John Smith" in text
    assert "birth_date=1957-09-15" in text  # the record search, one click away, as it takes dates
    assert "15 Sep 1957" in text and ">1957-09-15<" not in text  # shown as the house style writes dates
    event = AuditEvent.objects.filter(action=AuditAction.CONSULTATION, object_type="search").latest("id")
    assert event.object_repr == "name Jonh Smiht, born 15 Sep 57"
    bad = client.get("/search/", {"birth_date": "32/01/1957"})
    assert bad.status_code == 400 and "not a real date" in bad.content.decode()
    records = client.get("/search/records/", {"name": "John Smith"})
    assert records.status_code == 200 and "Search records" in records.content.decode()


@pytest.mark.django_db
def test_the_api_answers_people_and_hides_what_a_partner_may_not_see(world: World) -> None:
    found = signed_in(world.analyst).get("/api/v1/resolution/people", {"name": "Bob Jones"}).json()
    assert found[0]["id"] == world.robert and found[0]["records"] == 1
    theirs = signed_in(world.partner).get("/api/v1/resolution/people", {"name": "John Smith"}).json()
    assert [(h["id"], h["records"]) for h in theirs] == [(world.john[-1], 1)]
    assert (
        signed_in(world.analyst).get("/api/v1/resolution/people", {"birth_date": "soon"}).status_code == 400
    )
