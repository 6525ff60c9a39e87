"""Fixed reference data for the synthetic South West: forces, towns, postcodes, names and businesses.

Everything here is plain tuples so the generator can sample it with its own seeded random
number generator; nothing in this module draws a random number itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Force:
    """One of the five South West police forces served by SW ROCU."""

    slug: str
    name: str
    code: int  # Home Office force code, used by the legacy system
    areas: tuple[str, ...]  # postcode areas mostly inside the force


@dataclass(frozen=True)
class Town:
    """A town with its force, postcode districts, rough centre and relative population."""

    name: str
    force: str
    districts: tuple[str, ...]
    lat: float
    lon: float
    weight: float
    council: str  # the council that receives safeguarding referrals


FORCES: tuple[Force, ...] = (
    Force("avon_and_somerset", "Avon and Somerset Constabulary", 52, ("BS", "BA", "TA")),
    Force("devon_and_cornwall", "Devon and Cornwall Police", 50, ("EX", "PL", "TQ", "TR")),
    Force("dorset", "Dorset Police", 55, ("BH", "DT")),
    Force("gloucestershire", "Gloucestershire Constabulary", 53, ("GL",)),
    Force("wiltshire", "Wiltshire Police", 54, ("SN", "SP")),
)
FORCE_BY_SLUG: dict[str, Force] = {force.slug: force for force in FORCES}


def _districts(area: str, numbers: tuple[int, ...]) -> tuple[str, ...]:
    return tuple(f"{area}{n}" for n in numbers)


TOWNS: tuple[Town, ...] = (
    # Avon and Somerset
    Town("Bristol", "avon_and_somerset", _districts("BS", (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16)),
         51.4545, -2.5879, 46.0, "Bristol City Council"),
    Town("Bath", "avon_and_somerset", _districts("BA", (1, 2)), 51.3811, -2.3590, 9.4,
         "Bath and North East Somerset Council"),
    Town("Taunton", "avon_and_somerset", _districts("TA", (1, 2, 3)), 51.0153, -3.1068, 6.0, "Somerset Council"),
    Town("Weston-super-Mare", "avon_and_somerset", _districts("BS", (22, 23, 24)), 51.3460, -2.9770, 8.2,
         "North Somerset Council"),
    Town("Bridgwater", "avon_and_somerset", _districts("TA", (5, 6, 7)), 51.1280, -3.0036, 4.1, "Somerset Council"),
    Town("Yeovil", "avon_and_somerset", _districts("BA", (20, 21, 22)), 50.9421, -2.6336, 4.5, "Somerset Council"),
    # Devon and Cornwall
    Town("Exeter", "devon_and_cornwall", _districts("EX", (1, 2, 3, 4)), 50.7184, -3.5339, 13.0,
         "Devon County Council"),
    Town("Plymouth", "devon_and_cornwall", _districts("PL", (1, 2, 3, 4, 5, 6, 7, 9)), 50.3755, -4.1427, 26.4,
         "Plymouth City Council"),
    Town("Torquay", "devon_and_cornwall", _districts("TQ", (1, 2)), 50.4619, -3.5253, 6.5, "Torbay Council"),
    Town("Paignton", "devon_and_cornwall", _districts("TQ", (3, 4)), 50.4353, -3.5625, 4.9, "Torbay Council"),
    Town("Truro", "devon_and_cornwall", _districts("TR", (1, 2, 3, 4)), 50.2632, -5.0510, 2.0, "Cornwall Council"),
    Town("Newquay", "devon_and_cornwall", _districts("TR", (7, 8)), 50.4129, -5.0757, 2.0, "Cornwall Council"),
    Town("Penzance", "devon_and_cornwall", _districts("TR", (18, 20)), 50.1186, -5.5371, 2.1, "Cornwall Council"),
    Town("Barnstaple", "devon_and_cornwall", _districts("EX", (31, 32)), 51.0802, -4.0582, 2.4,
         "Devon County Council"),
    # Dorset
    Town("Bournemouth", "dorset", _districts("BH", (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)), 50.7192, -1.8808, 18.3,
         "Bournemouth, Christchurch and Poole Council"),
    Town("Poole", "dorset", _districts("BH", (12, 13, 14, 15, 16, 17)), 50.7150, -1.9872, 15.1,
         "Bournemouth, Christchurch and Poole Council"),
    Town("Dorchester", "dorset", _districts("DT", (1, 2)), 50.7154, -2.4367, 2.0, "Dorset Council"),
    Town("Weymouth", "dorset", _districts("DT", (3, 4)), 50.6144, -2.4576, 5.3, "Dorset Council"),
    # Gloucestershire
    Town("Gloucester", "gloucestershire", _districts("GL", (1, 2, 3, 4)), 51.8642, -2.2382, 13.2,
         "Gloucestershire County Council"),
    Town("Cheltenham", "gloucestershire", _districts("GL", (50, 51, 52, 53)), 51.8994, -2.0783, 11.6,
         "Cheltenham Borough Council"),
    Town("Stroud", "gloucestershire", _districts("GL", (5, 6)), 51.7457, -2.2178, 3.3,
         "Gloucestershire County Council"),
    Town("Tewkesbury", "gloucestershire", _districts("GL", (20,)), 51.9925, -2.1580, 2.0,
         "Tewkesbury Borough Council"),
    Town("Cinderford", "gloucestershire", _districts("GL", (14,)), 51.8225, -2.4989, 1.0,
         "Forest of Dean District Council"),
    # Wiltshire
    Town("Swindon", "wiltshire", _districts("SN", (1, 2, 3, 4, 5, 25)), 51.5558, -1.7797, 22.2,
         "Swindon Borough Council"),
    Town("Salisbury", "wiltshire", _districts("SP", (1, 2)), 51.0688, -1.7945, 4.1, "Wiltshire Council"),
    Town("Chippenham", "wiltshire", _districts("SN", (14, 15)), 51.4585, -2.1161, 3.7, "Wiltshire Council"),
    Town("Trowbridge", "wiltshire", _districts("BA", (14,)), 51.3196, -2.2086, 3.4, "Wiltshire Council"),
    Town("Devizes", "wiltshire", _districts("SN", (10,)), 51.3500, -1.9949, 1.2, "Wiltshire Council"),
)

#: Letters used in the inward code of a real postcode (C, I, K, M, O and V are never used).
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

STREET_STEMS: tuple[str, ...] = (
    "Church", "Station", "Mill", "Victoria", "Albert", "Queen", "King", "Park", "Grove", "Manor", "Orchard",
    "Chapel", "School", "Meadow", "Bridge", "Castle", "North", "South", "West", "East", "High", "New",
    "Windsor", "York", "Richmond", "Springfield", "Highfield", "Fairfield", "Beech", "Oak", "Ash", "Elm",
    "Willow", "Cedar", "Holly", "Hawthorn", "Rosemary", "Primrose", "Clarence", "Belmont", "Stanley",
    "Cromwell", "Nelson", "Wellington", "Trafalgar", "Marlborough", "Brunel", "Cabot", "Drake", "Raleigh",
    "Severn", "Avon", "Exe", "Tamar", "Frome", "Kennet", "Mendip", "Quantock", "Cotswold", "Dartmoor",
    "Purbeck", "Portland", "Lansdown", "Clifton", "Redland", "Southville", "Bedminster", "Hartcliffe",
    "Knowle", "Lockleaze", "Filton", "Stoke", "Heavitree", "Pennsylvania", "Alphington", "Devonport",
    "Stonehouse", "Keyham", "Mutley", "Barton", "Tredworth", "Matson", "Podsmead", "Hesters", "Whaddon",
    "Hester", "Penhill", "Pinehurst", "Gorse Hill", "Moredon", "Boscombe", "Winton", "Kinson", "Hamworthy",
    "Littledown", "Bemerton", "Harnham", "Foxglove", "Bluebell", "Heather", "Lavender", "Lilac", "Juniper",
)
STREET_SUFFIXES: tuple[str, ...] = (
    "Road", "Road", "Road", "Street", "Street", "Lane", "Close", "Close", "Avenue", "Crescent", "Drive", "Way",
    "Gardens", "Terrace", "Place", "Grove", "Walk", "Hill", "Court", "Row", "Mews", "Square", "Park", "Rise",
    "View",
)
FLAT_PREFIXES: tuple[str, ...] = ("Flat", "Flat", "Flat", "Apartment", "Room")

# Names beyond Faker's en_GB lists: British names with accents or curly apostrophes (all in cp1252,
# so a Windows-1252 file can hold them), and surnames common in the region's communities.
EXTRA_FORENAMES_F: tuple[str, ...] = ("Zoë", "Siân", "Chloë", "Renée", "Anaïs", "Niamh", "Aoife", "Rhiannon",
                                       "Amira", "Fatima", "Aisha", "Priya", "Precious", "Blessing")
EXTRA_FORENAMES_M: tuple[str, ...] = ("Seán", "Eóin", "José", "Joël", "Noël", "Rhodri", "Dafydd", "Iwan",
                                       "Kwame", "Tariq", "Imran", "Hamza", "Kofi", "Ravi", "Muhammad")
EXTRA_SURNAMES: tuple[str, ...] = ("O’Brien", "O’Connor", "O’Neill", "O’Sullivan", "D’Arcy", "Müller",
                                   "Núñez", "Khan", "Patel", "Ali", "Hussain", "Begum", "Ahmed", "Singh",
                                   "Kaur", "Okafor", "Mensah", "Osei", "Campbell", "Francis", "Thompson-Reid")
# People trafficked for labour or sex, and some recruiters: names as a UK system would record them,
# folded to the letters the system accepts.
FOREIGN_NAMES: tuple[tuple[str, str, str], ...] = (
    ("M", "Ionut", "Popescu"), ("M", "Andrei", "Ionescu"), ("F", "Elena", "Dumitru"), ("M", "Florin", "Stan"),
    ("M", "Arben", "Hoxha"), ("M", "Ilir", "Krasniqi"), ("F", "Mirela", "Gashi"), ("M", "Besnik", "Berisha"),
    ("M", "Van Minh", "Nguyen"), ("F", "Thi Lan", "Tran"), ("M", "Duc Anh", "Pham"), ("F", "Thi Hoa", "Le"),
    ("M", "Piotr", "Kowalski"), ("M", "Tomasz", "Nowak"), ("F", "Agnieszka", "Wisniewska"),
    ("M", "Marek", "Horvath"), ("F", "Zuzana", "Kovacova"), ("M", "Samuel", "Tesfay"),
    ("M", "Dawit", "Haile"), ("F", "Ana-Maria", "Rusu"), ("M", "Bogdan", "Lungu"), ("M", "Gjergj", "Leka"),
)

#: Forename -> nicknames and short forms people are recorded under.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob", "Bobby", "Robbie"), "William": ("Bill", "Will", "Billy", "Liam"),
    "Elizabeth": ("Liz", "Beth", "Lizzie", "Betty"), "Richard": ("Rich", "Dick", "Richie"),
    "James": ("Jim", "Jimmy", "Jamie"), "Michael": ("Mike", "Mick", "Mikey"), "Christopher": ("Chris", "Kit"),
    "Anthony": ("Tony", "Ant"), "Antony": ("Tony", "Ant"), "Thomas": ("Tom", "Tommy"),
    "Daniel": ("Dan", "Danny"), "Matthew": ("Matt", "Matty"), "Mathew": ("Matt",), "Joseph": ("Joe", "Joey"),
    "Samuel": ("Sam", "Sammy"), "Benjamin": ("Ben", "Benny"), "Alexander": ("Alex", "Al", "Sandy"),
    "Andrew": ("Andy", "Drew"), "Jonathan": ("Jon", "Jonny"), "Nicholas": ("Nick", "Nicky"),
    "Stephen": ("Steve", "Stevie"), "Steven": ("Steve", "Stevie"), "David": ("Dave", "Davey"),
    "Edward": ("Ed", "Eddie", "Ted"), "Charles": ("Charlie", "Chas"), "Henry": ("Harry", "Hal"),
    "Margaret": ("Maggie", "Peggy", "Meg"), "Catherine": ("Kate", "Cath", "Katie"),
    "Katherine": ("Kate", "Kath", "Katie"), "Kathryn": ("Kate", "Kath"), "Jennifer": ("Jen", "Jenny"),
    "Rebecca": ("Becky", "Becca"), "Victoria": ("Vicky", "Tori"), "Samantha": ("Sam", "Sammy"),
    "Alexandra": ("Alex", "Lexi"), "Deborah": ("Debbie", "Deb"), "Debra": ("Debbie",),
    "Susan": ("Sue", "Suzy"), "Patricia": ("Pat", "Trish"), "Jacqueline": ("Jackie",),
    "Christine": ("Chris", "Chrissie"), "Abigail": ("Abbie", "Abby"), "Jessica": ("Jess", "Jessie"),
    "Charlotte": ("Charlie", "Lottie"), "Eleanor": ("Ellie", "Nell"), "Kenneth": ("Ken", "Kenny"),
    "Lawrence": ("Larry", "Laurie"), "Terence": ("Terry", "Tel"), "Peter": ("Pete",), "Gareth": ("Gaz",),
    "Gary": ("Gaz",), "Garry": ("Gaz",), "Darren": ("Daz",), "Barry": ("Baz",), "Sharon": ("Shaz",),
    "Kevin": ("Kev",), "Nathan": ("Nate",), "Timothy": ("Tim", "Timmy"), "Frederick": ("Fred", "Freddie"),
    "Leonard": ("Len", "Lenny"), "Raymond": ("Ray",), "Ronald": ("Ron", "Ronnie"), "Donald": ("Don",),
    "Gerald": ("Gerry",), "Mohammed": ("Mo",), "Muhammad": ("Mo",), "Mohammad": ("Mo",), "Mohamed": ("Mo",),
    "Joshua": ("Josh",), "Jacob": ("Jake",), "Callum": ("Cal",), "Bradley": ("Brad",), "Patrick": ("Pat", "Paddy"),
    "Francis": ("Frank", "Fran"), "Douglas": ("Doug", "Dougie"), "Gregory": ("Greg",), "Philip": ("Phil",),
    "Phillip": ("Phil",), "Simon": ("Si",), "Geoffrey": ("Geoff",), "Jeffrey": ("Jeff",), "Louise": ("Lou",),
    "Natalie": ("Nat",), "Natasha": ("Tash", "Tasha"), "Stephanie": ("Steph",), "Jodie": ("Jo",),
    "Joanne": ("Jo",), "Joanna": ("Jo",), "Nicola": ("Nicky", "Nic"), "Danielle": ("Dani",),
    "Georgina": ("Georgie", "Gina"), "Kimberley": ("Kim",), "Pamela": ("Pam",), "Valerie": ("Val",),
    "Beverley": ("Bev",), "Melanie": ("Mel",), "Melissa": ("Mel", "Missy"), "Amanda": ("Mandy",),
    "Frances": ("Fran",), "Francesca": ("Fran", "Frankie"), "Josephine": ("Jo", "Josie"),
    "Dominic": ("Dom",), "Nigel": ("Nige",), "Marcus": ("Marc",), "Kieran": ("Kez",), "Leslie": ("Les",),
}

#: Spelling families: the same name heard and typed differently.
PHONETIC_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Stephen", "Steven", "Stefan"), ("Catherine", "Kathryn", "Katherine", "Cathryn"),
    ("Mohammed", "Muhammad", "Mohammad", "Mohamed", "Mohamad"), ("Sean", "Shaun", "Shawn", "Seán"),
    ("Philip", "Phillip", "Phillipe"), ("Geoffrey", "Jeffrey", "Jeffery"), ("Claire", "Clare", "Clair"),
    ("Ann", "Anne"), ("Rebecca", "Rebekah"), ("Zoe", "Zoë", "Zoey"), ("Sian", "Siân", "Sharn"),
    ("Chloe", "Chloë"), ("Jon", "John"), ("Mathew", "Matthew"), ("Marc", "Mark"), ("Karl", "Carl"),
    ("Elliot", "Elliott", "Eliot"), ("Glen", "Glenn"), ("Leigh", "Lee"), ("Martin", "Martyn"),
    ("Tracy", "Tracey"), ("Kerry", "Kerri"), ("Hayley", "Haley", "Hailey"), ("Lindsey", "Lindsay"),
    ("Leanne", "Lianne"), ("Kayleigh", "Kaleigh", "Kayley"), ("Jodie", "Jodi"), ("Ashleigh", "Ashley"),
    ("Ryan", "Rian"), ("Connor", "Conor"), ("Reece", "Rhys", "Reese"), ("Iain", "Ian"), ("Graham", "Graeme"),
    ("Stewart", "Stuart"), ("Allan", "Alan", "Allen"), ("Brian", "Bryan"), ("Damian", "Damien"),
    ("Denis", "Dennis"), ("Jayne", "Jane"), ("Rachel", "Rachael"), ("Lynn", "Lynne"), ("Carol", "Carole"),
    ("Smith", "Smyth", "Smithe"), ("Thompson", "Thomson", "Tompson"), ("Clarke", "Clark"),
    ("Browne", "Brown"), ("Reid", "Reed", "Read"), ("Matthews", "Mathews"), ("Phillips", "Philips"),
    ("MacDonald", "McDonald"), ("Davies", "Davis", "Davies"), ("Stephens", "Stevens"),
    ("Harris", "Harriss"), ("Gray", "Grey"), ("Lloyd", "Loyd"), ("Jeffries", "Jefferies", "Jeffreys"),
    ("Hughes", "Hewes"), ("Moore", "More", "Moor"), ("Shaw", "Shore"), ("O’Brien", "OBrien", "O'Brian"),
    ("Khan", "Kahn"), ("Hussain", "Hussein", "Husain"), ("Ahmed", "Ahmad"), ("Nguyen", "Nguyn"),
)

#: Street names offenders go by; the ones keyed by surname are the old British pairings.
STREET_NAMES: tuple[str, ...] = (
    "Tiny", "Spider", "Blade", "Shadow", "K-Dog", "Lil Man", "Ghost", "Snoop", "Rocco", "Bugsy", "Taz",
    "Biscuit", "Dinky", "Moose", "Dutch", "Scouse", "Brummie", "Wolfie", "Red", "Skinz", "Ginge", "Skinny",
    "Big Man", "Youngs", "Trigger", "Smokey", "Kilo", "Nines", "Mouse", "Ratty", "Bones", "Digger", "Chops",
)
SURNAME_STREET_NAMES: dict[str, str] = {
    "Smith": "Smudger", "White": "Chalky", "Miller": "Dusty", "Rhodes": "Dusty", "Clark": "Nobby",
    "Clarke": "Nobby", "Murphy": "Spud", "Bell": "Dinger", "Martin": "Pincher", "Wood": "Chippy",
    "Brown": "Buster", "Taylor": "Tailor", "Parker": "Nosey", "Jones": "Jonah", "Williams": "Bungy",
}

#: Front businesses by threat theme: the kind of business, and words that make their names.
FRONT_BUSINESSES: dict[str, tuple[str, ...]] = {
    "county_lines": ("Takeaway", "Barbers", "Vape Shop", "Phone Repairs", "Mini Mart"),
    "modern_slavery": ("Hand Car Wash", "Nail Bar", "Car Valeting", "Recruitment Services"),
    "cse": ("Takeaway", "Taxis", "Shisha Lounge"),
    "oic": ("Hand Car Wash", "Construction Services", "Recruitment Services", "Nail Bar"),
    "fraud": ("Consultancy Ltd", "Trading Ltd", "Lettings", "Property Services"),
    "firearms": ("Scrap Metal", "Motor Repairs", "Barbers"),
    "acquisitive": ("Motor Repairs", "Scrap Metal", "Used Cars", "Plant Hire"),
}
BUSINESS_WORDS: tuple[str, ...] = (
    "Sparkle", "Luxe", "Golden", "Kutz", "Cloud Nine", "Premier", "Royal", "Diamond", "Elite", "Star",
    "Express", "City", "Westcountry", "Severn", "Crystal", "Platinum", "Supreme", "Prestige", "Coastal",
    "Ace", "Best", "Kings", "Lucky", "Orient", "Bay", "Quayside",
)
LEGIT_BUSINESSES: tuple[str, ...] = (
    "Plumbing", "Electrical", "Builders", "Cafe", "Florist", "Bakery", "Garage", "Dental Care", "Pharmacy",
    "Estate Agents", "Cleaning Services", "Landscaping", "Printing", "Opticians", "Butchers",
)

THEMES: tuple[str, ...] = (
    "county_lines", "modern_slavery", "cse", "oic", "fraud", "firearms", "acquisitive",
)
#: How often each theme is drawn for a new group: county lines dominate the South West picture.
THEME_WEIGHTS: tuple[float, ...] = (0.34, 0.13, 0.08, 0.08, 0.13, 0.07, 0.17)
THEME_LABELS: dict[str, str] = {
    "county_lines": "Drugs supply - county lines", "modern_slavery": "Modern slavery and human trafficking",
    "cse": "Organised child sexual exploitation", "oic": "Organised immigration crime", "fraud": "Fraud",
    "firearms": "Firearms", "acquisitive": "Organised acquisitive crime",
}
ENABLER_KINDS: dict[str, tuple[str, ...]] = {
    "county_lines": ("money_launderer", "driver", "line_holder"),
    "modern_slavery": ("gangmaster", "money_launderer", "document_forger"),
    "cse": ("driver", "venue_provider"),
    "oic": ("document_forger", "transporter", "money_launderer"),
    "fraud": ("money_launderer", "accountant", "mule_herder"),
    "firearms": ("armourer", "money_launderer"),
    "acquisitive": ("fence", "driver", "money_launderer"),
}

VEHICLE_MAKES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Ford", ("Fiesta", "Focus", "Transit", "Kuga")), ("Vauxhall", ("Corsa", "Astra", "Insignia")),
    ("Volkswagen", ("Golf", "Polo", "Passat", "Transporter")), ("BMW", ("1 Series", "3 Series", "X5", "M4")),
    ("Audi", ("A3", "A4", "Q5", "RS3")), ("Mercedes-Benz", ("A Class", "C Class", "Sprinter")),
    ("Toyota", ("Yaris", "Corolla", "Prius")), ("Nissan", ("Qashqai", "Micra", "Juke")),
    ("Peugeot", ("208", "308", "3008")), ("Land Rover", ("Range Rover Sport", "Discovery", "Evoque")),
    ("Kia", ("Sportage", "Ceed", "Picanto")), ("Honda", ("Civic", "Jazz")), ("Seat", ("Leon", "Ibiza")),
)
VEHICLE_COLOURS: tuple[str, ...] = ("Black", "White", "Silver", "Grey", "Blue", "Red", "Green", "Orange", "Yellow")
#: DVLA memory tags by region; the South West's are W (West of England) and part of C (Wales border).
VRM_MEMORY_TAGS: tuple[str, ...] = (
    "WA", "WB", "WD", "WE", "WF", "WG", "WH", "WJ", "WK", "WL", "WM", "WN", "WO", "WP", "WR", "WU", "WV", "WX",
    "WY", "HF", "HG", "HJ", "HK", "CA", "CB", "LB", "LC", "MA", "YA", "BD",
)
VRM_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"  # I, Q and Z are not issued in the random part

#: First digits of sort codes of the high-street banks that hold most accounts.
BANKS: tuple[tuple[str, str], ...] = (
    ("20", "Barclays Bank UK PLC"), ("40", "HSBC UK Bank plc"), ("30", "Lloyds Bank plc"),
    ("60", "National Westminster Bank plc"), ("09", "Santander UK plc"), ("07", "Nationwide Building Society"),
    ("04", "Monzo Bank Ltd"), ("08", "The Co-operative Bank plc"), ("11", "Bank of Scotland plc"),
    ("23", "Revolut Ltd"),
)
#: SAR glossary-style reason codes: what made the reporter suspicious.
SAR_CODES: dict[str, tuple[str, ...]] = {
    "county_lines": ("XXDRUXX", "XXV2XX"), "modern_slavery": ("XXMSHTXX", "XXV2XX"), "cse": ("XXV2XX",),
    "oic": ("XXOICXX", "XXMSHTXX"), "fraud": ("XXFRAUDXX", "XXMULEXX"), "firearms": ("XXFIREXX",),
    "acquisitive": ("XXPROPXX",), "none": ("XXS99XX", "XXGPSXX"),
}
PRISONS: tuple[tuple[str, str], ...] = (
    ("HMP Bristol", "avon_and_somerset"), ("HMP Leyhill", "avon_and_somerset"),
    ("HMP Shepton Mallet", "avon_and_somerset"), ("HMP Exeter", "devon_and_cornwall"),
    ("HMP Dartmoor", "devon_and_cornwall"), ("HMP Channings Wood", "devon_and_cornwall"),
    ("HMP The Verne", "dorset"), ("HMP Guys Marsh", "dorset"), ("HMYOI Portland", "dorset"),
    ("HMP Eastwood Park", "gloucestershire"), ("HMP Erlestoke", "wiltshire"),
)
CUSTODY_SUITES: dict[str, tuple[str, ...]] = {
    "avon_and_somerset": ("Patchway", "Keynsham", "Bridgwater", "Yeovil"),
    "devon_and_cornwall": ("Exeter", "Charles Cross", "Torquay", "Camborne", "Barnstaple", "Newquay"),
    "dorset": ("Poole", "Weymouth"),
    "gloucestershire": ("Compass House", "Cheltenham"),
    "wiltshire": ("Gablecross", "Melksham"),
}
HOUSING_LANDLORDS: dict[str, tuple[str, ...]] = {
    "avon_and_somerset": ("Bristol City Council", "Curo", "Sovereign Network Group", "Aster Group",
                          "Abri", "Alliance Homes"),
    "devon_and_cornwall": ("Plymouth Community Homes", "LiveWest", "Westward Housing", "Clarion Housing",
                           "Exeter City Council", "Coastline Housing"),
    "dorset": ("Sovereign Network Group", "Abri", "Aster Group", "BCP Homes"),
    "gloucestershire": ("Cheltenham Borough Homes", "GreenSquareAccord", "Two Rivers Housing",
                        "Gloucester City Homes", "Bromford"),
    "wiltshire": ("GreenSquareAccord", "Aster Group", "Swindon Borough Council", "Stonewater", "Selwood Housing"),
}

#: Everyday offences that bring the general population into custody.
BACKGROUND_OFFENCES: tuple[str, ...] = (
    "Theft from shop", "Common assault", "Drink driving", "Criminal damage", "Breach of the peace",
    "Assault occasioning actual bodily harm", "Burglary dwelling", "Possession of cannabis",
    "Public order offence", "Driving while disqualified", "Harassment", "Fail to appear",
)
THEME_OFFENCES: dict[str, tuple[str, ...]] = {
    "county_lines": ("Possession with intent to supply Class A", "Being concerned in the supply of Class A",
                     "Possession of an offensive weapon", "Money laundering"),
    "modern_slavery": ("Holding a person in slavery or servitude", "Arranging travel with a view to exploitation",
                       "Money laundering"),
    "cse": ("Sexual activity with a child", "Arranging child sex offence", "Controlling a child for sexual exploitation"),
    "oic": ("Assisting unlawful immigration", "Possession of false identity documents"),
    "fraud": ("Fraud by false representation", "Conspiracy to defraud", "Money laundering"),
    "firearms": ("Possession of a prohibited firearm", "Possession of ammunition without certificate",
                 "Transfer of a prohibited weapon"),
    "acquisitive": ("Burglary dwelling", "Theft of motor vehicle", "Handling stolen goods",
                    "Conspiracy to commit burglary"),
}
