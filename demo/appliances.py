"""Demo tables: large appliances, air conditioners and small appliances."""

from __future__ import annotations

import random

from demo.base import DemoProduct, lek, spec, thousands

FRIDGE_KINDS = {
    "kombi": (
        "Frigorifer kombi",
        "Fridge Freezer",
        "me ngrirësin poshtë",
        "with the freezer at the bottom",
    ),
    "dy-dyer": (
        "Frigorifer me dy dyer",
        "Top Freezer Fridge",
        "me ngrirësin sipër",
        "with the freezer on top",
    ),
    "side": (
        "Frigorifer Side by Side",
        "Side by Side Fridge Freezer",
        "me dy dyer anësore dhe shumë hapësirë",
        "with two side doors and plenty of room",
    ),
    "nje-dere": (
        "Frigorifer me një derë",
        "Larder Fridge",
        "pa ngrirës, vetëm për ftohje",
        "with no freezer, for chilled food only",
    ),
}

# fmt: off
# brand, model, kind, fridge l, freezer l, height cm, frost system, energy, dB, price
FRIDGES: list[tuple[str, str, str, int, int, int, str, str, int, int]] = [
    ("Samsung", "RB34C600ESA", "kombi", 230, 114, 185, "No Frost", "E", 35, 72_000),
    ("Samsung", "RB38C775CS9", "kombi", 273, 114, 203, "No Frost", "C", 35, 108_000),
    ("Samsung", "RT38CG6624S9", "dy-dyer", 295, 98, 171, "No Frost", "E", 36, 69_000),
    ("Samsung", "RS68A8840S9", "side", 409, 225, 178, "No Frost", "F", 37, 169_000),
    ("Samsung", "RR39M7130WW", "nje-dere", 385, 0, 186, "All-around Cooling", "F", 37, 64_000),
    ("LG", "GBB72PZEFN", "kombi", 277, 107, 203, "Total No Frost", "E", 36, 89_000),
    ("LG", "GBV3100DEP", "kombi", 234, 110, 186, "Total No Frost", "D", 35, 79_000),
    ("LG", "GSLV50PZXE", "side", 405, 230, 179, "Total No Frost", "F", 38, 159_000),
    ("Beko", "RCNA406I40XB", "kombi", 252, 110, 202, "NeoFrost", "E", 39, 62_000),
    ("Beko", "B1RCNA364XB", "kombi", 221, 95, 186, "NeoFrost", "E", 39, 52_000),
    ("Beko", "RDSA240K30WN", "dy-dyer", 169, 54, 146, "Statik", "F", 40, 31_000),
    ("Beko", "GN163140ZGBN", "side", 370, 210, 179, "NeoFrost", "F", 41, 129_000),
    ("Bosch", "KGN39VLCT", "kombi", 260, 103, 203, "NoFrost", "C", 35, 104_000),
    ("Bosch", "KGN36VLDD", "kombi", 237, 89, 186, "NoFrost", "D", 38, 86_000),
    ("Bosch", "KDN55NLF0", "dy-dyer", 338, 115, 186, "NoFrost", "E", 40, 84_000),
    ("Whirlpool", "W7X 94T KS", "kombi", 255, 112, 202, "Total No Frost", "E", 37, 74_000),
    ("Whirlpool", "WT70I 831 X", "dy-dyer", 319, 104, 193, "No Frost", "F", 40, 66_000),
    ("Gorenje", "NRK6192AXL4", "kombi", 204, 96, 185, "NoFrost Plus", "E", 38, 58_000),
    ("Gorenje", "RF4141PW4", "dy-dyer", 165, 41, 143, "Statik", "F", 40, 28_000),
    ("Gorenje", "R619EEW5", "nje-dere", 398, 0, 185, "Statik", "E", 38, 48_000),
    ("Electrolux", "LNT5ME32U1", "kombi", 231, 99, 185, "TwinTech No Frost", "E", 38, 66_000),
    ("Candy", "CCE4T618EX", "kombi", 235, 106, 185, "Total No Frost", "E", 40, 49_000),
    ("Indesit", "LI9 S1E W", "kombi", 252, 119, 201, "Low Frost", "F", 39, 44_000),
    ("Hisense", "RB440N4ACE", "kombi", 234, 102, 185, "Total No Frost", "E", 39, 47_000),
]
# fmt: on


def fridges(rng: random.Random) -> list[DemoProduct]:
    products = []
    for brand, model, kind, fridge, freezer, height, frost, energy, db, price in FRIDGES:
        noun_sq, noun_en, layout_sq, layout_en = FRIDGE_KINDS[kind]
        total = fridge + freezer
        specifications = [
            spec("Kapaciteti total", "Total capacity", f"{total} l"),
            spec("Kapaciteti i frigoriferit", "Fridge capacity", f"{fridge} l"),
        ]
        if freezer:
            specifications.append(
                spec("Kapaciteti i ngrirësit", "Freezer capacity", f"{freezer} l")
            )
        specifications += [
            spec("Sistemi i ftohjes", "Cooling system", frost),
            spec("Lartësia", "Height", f"{height} cm"),
            spec("Klasa energjetike", "Energy class", energy),
            spec("Zhurma", "Noise level", f"{db} dB"),
        ]
        products.append(
            DemoProduct(
                category="frigorifere",
                brand=brand,
                name_sq=f"{noun_sq} {brand} {total} l {model}",
                name_en=f"{brand} {total} l {noun_en} {model}",
                description_sq=(
                    f"{noun_sq} {layout_sq}, me kapacitet total {total} litra dhe lartësi "
                    f"{height} cm. "
                    + (
                        f"Sistemi {frost} qarkullon ajrin e ftohtë në mënyrë të njëtrajtshme, "
                        f"ndaj nuk ka nevojë ta shkrini akullin me dorë. "
                        if "Frost" in frost
                        else "Ushqimet ruhen të freskëta më gjatë falë ftohjes së njëtrajtshme. "
                    )
                    + f"Klasa energjetike {energy} dhe vetëm {db} dB zhurmë."
                ),
                description_en=(
                    f"{noun_en} {layout_en}, with a total capacity of {total} litres and a "
                    f"height of {height} cm. "
                    + (
                        f"{frost} circulates cold air evenly, so you never have to defrost by "
                        f"hand. "
                        if "Frost" in frost
                        else "Even cooling keeps food fresh for longer. "
                    )
                    + f"Energy class {energy} and only {db} dB of noise."
                ),
                price=lek(rng, price),
                specifications=specifications,
            )
        )
    return products


# fmt: off
# brand, model, wash kg, dry kg (0: washer only), rpm, energy, programmes, price
WASHERS: list[tuple[str, str, int, int, int, str, int, int]] = [
    ("Samsung", "WW70TA046AE", 7, 0, 1400, "B", 12, 44_000),
    ("Samsung", "WW80CGC04DAE", 8, 0, 1400, "A", 14, 55_000),
    ("Samsung", "WW90T534DAW", 9, 0, 1400, "A", 14, 62_000),
    ("Samsung", "WW11BB944DGB", 11, 0, 1400, "A", 22, 98_000),
    ("Samsung", "WD90T534DBW", 9, 6, 1400, "E", 14, 84_000),
    ("LG", "F2WV3S7S0E", 7, 0, 1200, "A", 14, 46_000),
    ("LG", "F4WR509SBW", 9, 0, 1400, "A", 14, 69_000),
    ("LG", "F4DR509S1W", 9, 6, 1400, "D", 14, 92_000),
    ("Beko", "WUE8612XSW", 8, 0, 1200, "C", 15, 37_000),
    ("Beko", "WTV8712XW", 8, 0, 1400, "B", 15, 42_000),
    ("Beko", "B3WFU59415W", 9, 0, 1400, "A", 15, 49_000),
    ("Bosch", "WAJ24006BY", 7, 0, 1200, "C", 15, 49_000),
    ("Bosch", "WAN28282BY", 8, 0, 1400, "C", 15, 62_000),
    ("Bosch", "WGG14402BY", 9, 0, 1400, "A", 14, 79_000),
    ("Whirlpool", "FFB 8258 BV EE", 8, 0, 1200, "B", 14, 46_000),
    ("Whirlpool", "W6 W945WB EE", 9, 0, 1400, "A", 16, 66_000),
    ("Gorenje", "WNEI84APS", 8, 0, 1400, "A", 16, 54_000),
    ("Gorenje", "WNHEI74SAS", 7, 0, 1400, "A", 16, 47_000),
    ("Electrolux", "EW6FN448W", 8, 0, 1400, "B", 14, 58_000),
    ("Electrolux", "EW7F249PS", 9, 0, 1400, "A", 14, 76_000),
    ("Candy", "CS4 1172DE/1-S", 7, 0, 1100, "D", 16, 31_000),
    ("Candy", "RO 1486DWMCE/1-S", 8, 0, 1400, "A", 16, 43_000),
    ("Indesit", "MTWE 71252 W EE", 7, 0, 1200, "E", 16, 33_000),
    ("Indesit", "BWE 81484X W EE", 8, 0, 1400, "D", 16, 39_000),
    ("Midea", "MF100W80B/W", 8, 0, 1400, "A", 16, 38_000),
]
# fmt: on


def washers(rng: random.Random) -> list[DemoProduct]:
    products = []
    for brand, model, wash, dry, rpm, energy, programmes, price in WASHERS:
        if dry:
            name_sq = f"Lavatriçe-tharëse {brand} {wash}/{dry} kg {rpm} rpm {model}"
            name_en = f"{brand} {wash}/{dry} kg {rpm} rpm Washer Dryer {model}"
            extra_sq = f" Than deri në {dry} kg rroba, pa pasur nevojë për tharëse më vete."
            extra_en = f" Dries up to {dry} kg of laundry, so you need no separate dryer."
        else:
            name_sq = f"Lavatriçe {brand} {wash} kg {rpm} rpm {model}"
            name_en = f"{brand} {wash} kg {rpm} rpm Washing Machine {model}"
            extra_sq = extra_en = ""
        products.append(
            DemoProduct(
                category="lavatrice",
                brand=brand,
                name_sq=name_sq,
                name_en=name_en,
                description_sq=(
                    f"Lavatriçe me kapacitet {wash} kg dhe centrifugë {rpm} rrotullime në minutë, "
                    f"me {programmes} programe larjeje, përfshirë programin e shpejtë dhe atë "
                    f"për rrobat delikate. Motori inverter punon qetë dhe kursen energji "
                    f"(klasa {energy}).{extra_sq}"
                ),
                description_en=(
                    f"{wash} kg washing machine with a {rpm} rpm spin and {programmes} "
                    f"programmes, including a quick wash and a delicates cycle. The inverter "
                    f"motor runs quietly and saves energy (class {energy}).{extra_en}"
                ),
                price=lek(rng, price),
                specifications=[
                    spec("Kapaciteti i larjes", "Washing capacity", f"{wash} kg"),
                    *(
                        [spec("Kapaciteti i tharjes", "Drying capacity", f"{dry} kg")]
                        if dry
                        else []
                    ),
                    spec("Shpejtësia e centrifugës", "Spin speed", f"{rpm} rpm"),
                    spec("Klasa energjetike", "Energy class", energy),
                    spec("Numri i programeve", "Programmes", programmes),
                    spec("Dimensionet (Gj × Th × L)", "Dimensions (W × D × H)", "60 × 55 × 85 cm"),
                ],
            )
        )
    return products


# fmt: off
# brand, line, model, built-in, width cm, place settings, energy, dB, litres of water, price
DISHWASHERS: list[tuple[str, str, str, bool, int, int, str, int, float, int]] = [
    ("Bosch", "Serie 2", "SMS2HTI72E", False, 60, 12, "E", 48, 11.7, 54_000),
    ("Bosch", "Serie 4", "SMS4HVI33E", False, 60, 13, "D", 44, 9.5, 69_000),
    ("Bosch", "Serie 4", "SMV4HVX31E", True, 60, 13, "D", 44, 9.5, 76_000),
    ("Bosch", "Serie 2", "SPS2IKW04E", False, 45, 9, "E", 48, 9.5, 46_000),
    ("Beko", "", "DVN05320W", False, 60, 13, "E", 49, 11.0, 36_000),
    ("Beko", "", "BDFN15430X", False, 60, 14, "D", 44, 9.5, 47_000),
    ("Beko", "", "DFS05012W", False, 45, 10, "E", 49, 9.5, 33_000),
    ("Samsung", "", "DW60A6092FW", False, 60, 14, "D", 44, 9.5, 52_000),
    ("Whirlpool", "", "WFC 3C26 P", False, 60, 14, "E", 46, 9.5, 42_000),
    ("Gorenje", "", "GS642E90W", False, 60, 13, "E", 49, 11.0, 38_000),
    ("Electrolux", "", "ESM48210SX", False, 60, 14, "D", 44, 10.5, 63_000),
    ("Candy", "", "CF 3C7L0W", False, 60, 13, "E", 49, 11.0, 31_000),
    ("Indesit", "", "DFE 1B19 14", False, 60, 13, "F", 49, 11.0, 29_000),
    ("LG", "QuadWash", "DF243FWS", False, 60, 14, "E", 43, 9.6, 59_000),
]
# fmt: on


def dishwashers(rng: random.Random) -> list[DemoProduct]:
    products = []
    for brand, line, model, built_in, width, settings, energy, db, water, price in DISHWASHERS:
        series = f"{line} " if line else ""
        kind_sq = "Pjatalarëse inkaso" if built_in else "Pjatalarëse"
        kind_en = "Built-in Dishwasher" if built_in else "Dishwasher"
        litres = f"{water:g}"
        products.append(
            DemoProduct(
                category="pjatalarese",
                brand=brand,
                name_sq=f"{kind_sq} {brand} {series}{model}, {width} cm, {settings} servise",
                name_en=f"{brand} {series}{kind_en} {model}, {width} cm, {settings} place settings",
                description_sq=(
                    f"{kind_sq} {width} cm me vend për {settings} servise. Lan enët e një "
                    f"familjeje të tërë me vetëm {litres.replace('.', ',')} litra ujë për cikël "
                    f"dhe punon aq qetë ({db} dB) sa mund ta ndizni edhe natën."
                ),
                description_en=(
                    f"{width} cm {kind_en.lower()} with room for {settings} place settings. It "
                    f"washes a whole family's dishes with only {litres} litres of water per cycle "
                    f"and runs quietly enough ({db} dB) to use at night."
                ),
                price=lek(rng, price),
                specifications=[
                    spec("Kapaciteti (servise)", "Capacity (place settings)", settings),
                    spec("Gjerësia", "Width", f"{width} cm"),
                    spec("Klasa energjetike", "Energy class", energy),
                    spec("Zhurma", "Noise level", f"{db} dB"),
                    spec("Konsumi i ujit për cikël", "Water per cycle", f"{litres} l"),
                ],
            )
        )
    return products


COOKER_KINDS = {
    "elektrike": ("Sobë elektrike", "Electric Cooker", "me pllaka qeramike", "with a ceramic hob"),
    "gaz": ("Sobë me gaz", "Gas Cooker", "me katër vatra gazi", "with four gas burners"),
    "kombinuar": (
        "Sobë e kombinuar",
        "Dual Fuel Cooker",
        "me vatra gazi dhe furrë elektrike",
        "with gas burners and an electric oven",
    ),
    "furre": (
        "Furrë inkaso",
        "Built-in Oven",
        "për t'u montuar në mobilien e kuzhinës",
        "to fit into your kitchen units",
    ),
    "induksion": (
        "Pllakë induksioni",
        "Induction Hob",
        "që ngroh enën direkt dhe shpejt",
        "that heats the pan directly and fast",
    ),
    "mikrovale": (
        "Mikrovalë",
        "Microwave",
        "për ngrohje dhe shkrirje të shpejtë",
        "for quick reheating and defrosting",
    ),
}

# fmt: off
# brand, model, kind, oven litres (0: none), zones (0: none), watts, energy, price
COOKERS: list[tuple[str, str, str, int, int, int, str, int]] = [
    ("Gorenje", "GEC6A41WG", "elektrike", 71, 4, 9300, "A", 46_000),
    ("Gorenje", "GK5C60WJ", "gaz", 70, 4, 2700, "A", 42_000),
    ("Gorenje", "GI6401WSC", "kombinuar", 71, 4, 3300, "A", 54_000),
    ("Beko", "FSE67310GW", "elektrike", 72, 4, 9500, "A", 39_000),
    ("Beko", "FSM62120DW", "kombinuar", 66, 4, 2300, "A", 34_000),
    ("Beko", "BBIE123002XD", "furre", 72, 0, 2400, "A", 39_000),
    ("Bosch", "HBA534ES0", "furre", 71, 0, 3400, "A", 64_000),
    ("Bosch", "HBF154YS0", "furre", 66, 0, 3400, "A", 46_000),
    ("Bosch", "PUE611BB5E", "induksion", 0, 4, 4600, "", 49_000),
    ("Electrolux", "EOF3H50BX", "furre", 65, 0, 2790, "A", 48_000),
    ("Candy", "FCT405N", "furre", 65, 0, 2100, "A", 27_000),
    ("Whirlpool", "AKZ9 6230 IX", "furre", 73, 0, 3650, "A+", 58_000),
    ("Whirlpool", "WS68IQ8CCXT", "induksion", 0, 4, 7200, "", 62_000),
    ("Samsung", "NV7B41207AK", "furre", 76, 0, 3950, "A+", 58_000),
    ("Samsung", "NZ64B5046FK", "induksion", 0, 4, 7400, "", 48_000),
    ("Samsung", "MS23K3515AS", "mikrovale", 23, 0, 800, "", 13_500),
    ("Samsung", "MG23K3515AS", "mikrovale", 23, 0, 800, "", 15_500),
    ("LG", "MS2336GIB", "mikrovale", 23, 0, 1000, "", 12_500),
    ("Indesit", "IS5V4KHW/E", "elektrike", 57, 4, 8000, "A", 33_000),
    ("Indesit", "IS67V5KHX/E", "elektrike", 73, 4, 9000, "A", 42_000),
]
# fmt: on


def cookers(rng: random.Random) -> list[DemoProduct]:
    products = []
    for brand, model, kind, litres, zones, watts, energy, price in COOKERS:
        noun_sq, noun_en, trait_sq, trait_en = COOKER_KINDS[kind]
        volume_sq = f" Furra ka vëllim {litres} litra." if litres and kind != "mikrovale" else ""
        volume_en = f" The oven holds {litres} litres." if litres and kind != "mikrovale" else ""
        if kind == "mikrovale":
            volume_sq = f" Vëllimi {litres} litra nxë edhe pjata të mëdha."
            volume_en = f" The {litres}-litre cavity takes large plates."
        specifications = []
        if litres:
            specifications.append(spec("Vëllimi", "Capacity", f"{litres} l"))
        if zones:
            specifications.append(spec("Numri i vatrave", "Cooking zones", zones))
        specifications.append(spec("Fuqia maksimale", "Maximum power", f"{thousands(watts)} W"))
        if energy:
            specifications.append(spec("Klasa energjetike e furrës", "Oven energy class", energy))
        width = "" if kind == "mikrovale" else " 60 cm"
        products.append(
            DemoProduct(
                category="soba-furra",
                brand=brand,
                name_sq=f"{noun_sq} {brand}{width} {model}",
                name_en=f"{brand}{width} {noun_en} {model}",
                description_sq=f"{noun_sq} {trait_sq}.{volume_sq} Pastrohet lehtë dhe "
                f"komandohet thjesht me çelësa ose me prekje.",
                description_en=f"{noun_en} {trait_en}.{volume_en} Easy to clean and simple to "
                f"control with knobs or touch.",
                price=lek(rng, price),
                specifications=specifications,
            )
        )
    return products


# fmt: off
# brand, line, BTU, cooling kW, heating kW, SEER class, SCOP class, indoor dB, price
AIR_CONDITIONERS: list[tuple[str, str, int, float, float, str, str, int, int]] = [
    ("Gree", "Pular GWH09AGA", 9000, 2.6, 2.8, "A++", "A+", 24, 46_000),
    ("Gree", "Pular GWH12AGB", 12000, 3.5, 3.7, "A++", "A+", 26, 52_000),
    ("Gree", "Pular GWH18AGD", 18000, 5.3, 5.6, "A++", "A+", 35, 82_000),
    ("Gree", "Pular GWH24AGE", 24000, 7.0, 7.3, "A++", "A+", 38, 104_000),
    ("Gree", "Fairy GWH12ACC", 12000, 3.5, 3.8, "A++", "A+", 22, 62_000),
    ("Gree", "Fairy GWH18ACD", 18000, 5.3, 5.6, "A++", "A+", 32, 92_000),
    ("Gree", "Clivia GWH12AUCXB", 12000, 3.5, 3.7, "A+++", "A++", 21, 79_000),
    ("Daikin", "Sensira FTXF25E", 9000, 2.5, 2.8, "A++", "A+", 21, 72_000),
    ("Daikin", "Sensira FTXF35E", 12000, 3.4, 4.0, "A++", "A+", 21, 82_000),
    ("Daikin", "Sensira FTXF50E", 18000, 5.0, 5.8, "A++", "A+", 32, 125_000),
    ("Daikin", "Perfera FTXM35A", 12000, 3.5, 4.0, "A+++", "A++", 19, 128_000),
    ("Daikin", "Emura FTXJ25AW", 9000, 2.4, 3.2, "A+++", "A++", 19, 169_000),
    ("Midea", "Xtreme Save 12", 12000, 3.5, 3.8, "A++", "A+", 21, 48_000),
    ("Midea", "Xtreme Save 18", 18000, 5.3, 5.6, "A++", "A+", 31, 72_000),
    ("Midea", "Breezeless+ 12", 12000, 3.5, 3.8, "A+++", "A++", 19, 69_000),
    ("Samsung", "WindFree Comfort AR12TXFCAWKN", 12000, 3.5, 3.5, "A++", "A+", 21, 86_000),
    ("Samsung", "WindFree Avant AR18TXEAAWKN", 18000, 5.0, 6.0, "A++", "A+", 29, 129_000),
    ("LG", "Dualcool Deluxe DC12RH", 12000, 3.5, 3.8, "A+++", "A+", 19, 79_000),
    ("LG", "Artcool Mirror AC12BH", 12000, 3.5, 3.8, "A++", "A+", 19, 94_000),
    ("Beko", "BEVPI 120", 12000, 3.5, 3.7, "A++", "A+", 24, 44_000),
    ("Bosch", "Climate 3000i 35 WE", 12000, 3.5, 3.8, "A++", "A+", 24, 68_000),
]
# fmt: on

ROOM_SIZE = {9000: "15–25 m²", 12000: "25–35 m²", 18000: "35–50 m²", 24000: "50–70 m²"}


def air_conditioners(rng: random.Random) -> list[DemoProduct]:
    products = []
    for brand, line, btu, cool, heat, seer, scop, db, price in AIR_CONDITIONERS:
        area = ROOM_SIZE[btu]
        products.append(
            DemoProduct(
                category="kondicionere",
                brand=brand,
                name_sq=f"Kondicioner inverter {brand} {line} {thousands(btu)} BTU",
                name_en=f"{brand} {line} {thousands(btu)} BTU Inverter Air Conditioner",
                description_sq=(
                    f"Kondicioner inverter {thousands(btu)} BTU për ftohje në verë dhe ngrohje "
                    f"në dimër, i përshtatshëm për ambiente {area}. Me gaz ekologjik R32 dhe "
                    f"klasë energjetike {seer} në ftohje, harxhon pak energji edhe kur punon "
                    f"gjithë ditën. Njësia e brendshme është shumë e qetë: vetëm {db} dB(A)."
                ),
                description_en=(
                    f"{thousands(btu)} BTU inverter air conditioner that cools in summer and "
                    f"heats in winter, suited to rooms of {area}. With eco-friendly R32 gas and "
                    f"energy class {seer} for cooling, it uses little power even running all "
                    f"day. The indoor unit is very quiet: only {db} dB(A)."
                ),
                price=lek(rng, price),
                specifications=[
                    spec("Fuqia ftohëse", "Cooling capacity", f"{thousands(btu)} BTU ({cool} kW)"),
                    spec("Fuqia ngrohëse", "Heating capacity", f"{heat} kW"),
                    spec("Klasa energjetike (ftohje)", "Energy class (cooling)", seer),
                    spec("Klasa energjetike (ngrohje)", "Energy class (heating)", scop),
                    spec("Gazi ftohës", "Refrigerant", "R32"),
                    spec("Zhurma e njësisë së brendshme", "Indoor unit noise", f"{db} dB(A)"),
                    spec("Sipërfaqja e rekomanduar", "Recommended room size", area),
                ],
            )
        )
    return products


# fmt: off
# (category, brand, Albanian noun, English noun, model, watts, capacity or "", price,
#  Albanian sentence, English sentence)
SMALL: list[tuple[str, str, str, str, str, int, str, int, str, str]] = [
    ("pajisje-kuzhine", "Tefal", "Fritezë me ajër", "Air Fryer", "Easy Fry Essential XXL EY1308",
     1700, "4.2 l", 9_000,
     "Gatuan patate të skuqura krokante me pak ose aspak vaj.",
     "Makes crispy chips with little or no oil."),
    ("pajisje-kuzhine", "Tefal", "Fritezë me ajër", "Air Fryer", "Dual Easy Fry & Grill EY905D",
     2700, "8.3 l", 19_500,
     "Dy shporta të pavarura: gatuani mishin dhe garniturën njëkohësisht.",
     "Two independent baskets: cook the main and the side at the same time."),
    ("pajisje-kuzhine", "Philips", "Fritezë me ajër", "Air Fryer", "3000 Series HD9200/90",
     1400, "4.1 l", 8_500,
     "Teknologjia Rapid Air gatuan shpejt dhe në mënyrë të njëtrajtshme.",
     "Rapid Air technology cooks quickly and evenly."),
    ("pajisje-kuzhine", "Philips", "Fritezë me ajër", "Air Fryer", "XXL HD9650/90",
     2225, "7.3 l", 32_000,
     "Kapacitet i madh për një familje prej gjashtë vetash.",
     "Big enough for a family of six."),
    ("pajisje-kuzhine", "Xiaomi", "Fritezë me ajër", "Air Fryer", "Smart Air Fryer 6.5L",
     1800, "6.5 l", 11_500,
     "Komandohet nga telefoni përmes aplikacionit Xiaomi Home.",
     "Control it from your phone with the Xiaomi Home app."),
    ("pajisje-kuzhine", "Ninja", "Fritezë me ajër", "Air Fryer", "Foodi Dual Zone AF300EU",
     2470, "7.6 l", 22_500,
     "Dy zona gatimi me funksionin Sync që mbarojnë në të njëjtën kohë.",
     "Two cooking zones with Sync so both finish at the same time."),
    ("pajisje-kuzhine", "Philips", "Ibrik elektrik", "Electric Kettle", "Series 3000 HD9350/90",
     2200, "1.7 l", 4_000,
     "Trup prej çeliku inoks dhe fikje automatike kur uji vlon.",
     "Stainless steel body and automatic shut-off when the water boils."),
    ("pajisje-kuzhine", "Bosch", "Ibrik elektrik", "Electric Kettle", "TWK3A011",
     2400, "1.7 l", 3_500,
     "Vlon ujin shpejt dhe ka filtër kundër gëlqeres.",
     "Boils water fast and has a limescale filter."),
    ("pajisje-kuzhine", "Xiaomi", "Ibrik elektrik", "Electric Kettle", "Electric Kettle 2",
     1800, "1.7 l", 2_500,
     "Dizajn i thjeshtë dhe mure të dyfishta që nuk nxehen nga jashtë.",
     "Simple design with double walls that stay cool outside."),
    ("pajisje-kuzhine", "Tefal", "Blender", "Blender", "Blendforce BL4208",
     800, "1.25 l", 6_000,
     "Për smoothie, supa krem dhe salca në pak sekonda.",
     "Smoothies, cream soups and sauces in seconds."),
    ("pajisje-kuzhine", "Philips", "Blender", "Blender", "Series 5000 HR2041/00",
     450, "1.9 l", 5_500,
     "Thika ProBlend copëton edhe frutat e ngrira.",
     "ProBlend blades crush even frozen fruit."),
    ("pajisje-kuzhine", "Braun", "Mikser dore", "Hand Blender", "MultiQuick 3 MQ 3135",
     750, "", 6_500,
     "Vjen me gotë matëse, rrahëse dhe copëtues të vogël.",
     "Comes with a measuring beaker, a whisk and a mini chopper."),
    ("pajisje-kuzhine", "Bosch", "Robot kuzhine", "Kitchen Machine", "MUM5 MUM58K20",
     1000, "3.9 l", 34_000,
     "Gatuan brumë, rrah kremra dhe copëton perime me aksesorët e përfshirë.",
     "Kneads dough, whips cream and slices vegetables with the included tools."),
    ("pajisje-kuzhine", "Tefal", "Robot kuzhine", "Kitchen Machine", "Masterchef Gourmet QB516D",
     1100, "4.6 l", 24_000,
     "Tas i madh prej çeliku, ideal për pastiçeri shtëpie.",
     "A large steel bowl, ideal for home baking."),
    ("pajisje-kuzhine", "Philips", "Thekëse buke", "Toaster", "Series 3000 HD2581/00",
     830, "", 3_000,
     "Tetë nivele pjekjeje dhe mbajtëse për kuleçë.",
     "Eight browning levels and a bun warming rack."),
    ("pajisje-kuzhine", "Tefal", "Sanduiçiere", "Sandwich Maker", "Ultracompact SM1572",
     700, "", 3_500,
     "Pllaka që nuk ngjisin, për tost të artë çdo mëngjes.",
     "Non-stick plates for golden toasties every morning."),
    ("pajisje-kuzhine", "Tefal", "Multicooker", "Multicooker", "Cook4me Touch CY912830",
     1600, "6 l", 39_000,
     "Mbi 150 receta të gatshme hap pas hapi në ekran.",
     "More than 150 step-by-step recipes on screen."),
    ("pajisje-kuzhine", "De'Longhi", "Ibrik elektrik", "Electric Kettle", "Distinta KBI2001.BK",
     2000, "1 l", 7_500,
     "Dizajn elegant italian me dorezë të rehatshme.",
     "Elegant Italian design with a comfortable handle."),
    ("pajisje-kuzhine", "Braun", "Shtrydhëse frutash", "Citrus Juicer", "TributeCollection CJ 3050",
     60, "", 3_000,
     "Shtrydh portokaj dhe limonë pa u lodhur.",
     "Squeezes oranges and lemons with no effort."),
    ("makina-kafeje", "De'Longhi", "Makinë kafeje automatike", "Bean-to-Cup Coffee Machine",
     "Magnifica S ECAM22.110.B", 1450, "1.8 l", 39_000,
     "Bluan kokrrat e freskëta për çdo filxhan espresso.",
     "Grinds fresh beans for every espresso."),
    ("makina-kafeje", "De'Longhi", "Makinë kafeje automatike", "Bean-to-Cup Coffee Machine",
     "Magnifica Evo ECAM290.61.B", 1450, "1.8 l", 59_000,
     "Sistemi LatteCrema bën kapuçino me një prekje.",
     "LatteCrema makes a cappuccino at one touch."),
    ("makina-kafeje", "De'Longhi", "Makinë kafeje automatike", "Bean-to-Cup Coffee Machine",
     "Dinamica ECAM350.55.B", 1450, "1.8 l", 72_000,
     "Bluajtës i heshtur dhe 13 nivele bluarjeje.",
     "A quiet grinder with 13 grind settings."),
    ("makina-kafeje", "De'Longhi", "Makinë espresso", "Espresso Machine", "Dedica EC685.M",
     1300, "1.1 l", 22_000,
     "Vetëm 15 cm e gjerë, por me pompë 15 bar si në lokal.",
     "Only 15 cm wide, with a café-grade 15 bar pump."),
    ("makina-kafeje", "De'Longhi", "Makinë espresso", "Espresso Machine", "Stilosa EC230.BK",
     1100, "1 l", 11_500,
     "Espresso i vërtetë në shtëpi me një çmim të arsyeshëm.",
     "Real espresso at home for a fair price."),
    ("makina-kafeje", "Philips", "Makinë kafeje automatike", "Bean-to-Cup Coffee Machine",
     "Series 2200 EP2220/10", 1500, "1.8 l", 36_000,
     "Ekran me prekje dhe shkumëzues klasik qumështi.",
     "Touch display and a classic milk frother."),
    ("makina-kafeje", "Philips", "Makinë kafeje automatike", "Bean-to-Cup Coffee Machine",
     "Series 3300 LatteGo EP3341/50", 1500, "1.8 l", 52_000,
     "Sistemi LatteGo pastrohet nën rubinet për 15 sekonda.",
     "The LatteGo system rinses clean in 15 seconds."),
    ("makina-kafeje", "Philips", "Makinë kafeje automatike", "Bean-to-Cup Coffee Machine",
     "Series 5400 LatteGo EP5447/90", 1500, "1.8 l", 79_000,
     "12 lloje kafeje dhe katër profile përdoruesish.",
     "12 coffee varieties and four user profiles."),
    ("makina-kafeje", "Krups", "Makinë kafeje me kapsula", "Capsule Coffee Machine",
     "Nespresso Inissia XN1005", 1260, "0.7 l", 10_500,
     "E vogël dhe gati për përdorim në 25 sekonda.",
     "Compact and ready in 25 seconds."),
    ("makina-kafeje", "Krups", "Makinë kafeje me kapsula", "Capsule Coffee Machine",
     "Nespresso Essenza Mini XN1108", 1260, "0.6 l", 11_500,
     "Nespresso më i vogël, ideal për zyrë.",
     "The smallest Nespresso, ideal for the office."),
    ("makina-kafeje", "Bosch", "Makinë kafeje me kapsula", "Capsule Coffee Machine",
     "Tassimo Style TAS1102", 1400, "0.7 l", 6_500,
     "Lexon kodin e kapsulës dhe përgatit pijen saktë çdo herë.",
     "Reads each capsule's barcode and brews it right every time."),
    ("fshesa-me-korrent", "Dyson", "Fshesë me korrent pa kabllo", "Cordless Vacuum Cleaner",
     "V8 Absolute", 425, "0.54 l", 42_000,
     "Deri në 40 minuta pastrim pa kabllo, me furçë për qimet e kafshëve.",
     "Up to 40 minutes of cordless cleaning, with a pet hair brush."),
    ("fshesa-me-korrent", "Dyson", "Fshesë me korrent pa kabllo", "Cordless Vacuum Cleaner",
     "V12 Detect Slim Absolute", 545, "0.35 l", 69_000,
     "Drita lazer zbulon pluhurin e padukshëm në dysheme.",
     "A laser reveals invisible dust on hard floors."),
    ("fshesa-me-korrent", "Dyson", "Fshesë me korrent pa kabllo", "Cordless Vacuum Cleaner",
     "V15 Detect Absolute", 660, "0.76 l", 89_000,
     "Sensori numëron grimcat dhe rrit fuqinë kur ka më shumë pluhur.",
     "A sensor counts particles and raises power where it is dirtiest."),
    ("fshesa-me-korrent", "Samsung", "Fshesë me korrent pa kabllo", "Cordless Vacuum Cleaner",
     "Jet 75 VS20T7536T5", 580, "0.8 l", 39_000,
     "Bateri e ndërrueshme dhe deri në 60 minuta autonomi.",
     "Swappable battery and up to 60 minutes of runtime."),
    ("fshesa-me-korrent", "Samsung", "Fshesë me korrent pa kabllo", "Cordless Vacuum Cleaner",
     "Bespoke Jet VS20A95823W", 580, "0.5 l", 79_000,
     "Stacioni Clean Station zbraz kutinë e pluhurit automatikisht.",
     "The Clean Station empties the dust bin for you."),
    ("fshesa-me-korrent", "Samsung", "Fshesë me korrent pa qese", "Bagless Vacuum Cleaner",
     "VC07M25E0WR", 750, "1.5 l", 11_500,
     "Teknologjia Cyclone Force mban fuqinë thithëse të qëndrueshme.",
     "Cyclone Force keeps suction strong."),
    ("fshesa-me-korrent", "Rowenta", "Fshesë me korrent pa kabllo", "Cordless Vacuum Cleaner",
     "X-Force Flex 8.60 RH9690WO", 400, "0.55 l", 34_000,
     "Tubi përkulet për të pastruar poshtë divanit pa u përkulur ju.",
     "The tube bends to reach under the sofa so you don't have to."),
    ("fshesa-me-korrent", "Rowenta", "Fshesë me korrent pa qese", "Bagless Vacuum Cleaner",
     "Compact Power XXL RO4871EA", 900, "2.5 l", 13_000,
     "Depozitë e madhe 2,5 l dhe rreze veprimi 8,8 m.",
     "A big 2.5 l bin and an 8.8 m reach."),
    ("fshesa-me-korrent", "Philips", "Fshesë me korrent pa qese", "Bagless Vacuum Cleaner",
     "3000 Series XB2122/09", 850, "1.5 l", 9_500,
     "E lehtë për t'u mbajtur dhe me filtër që kap 99,9% të pluhurit.",
     "Easy to carry, with a filter that traps 99.9% of dust."),
    ("fshesa-me-korrent", "Philips", "Fshesë me korrent pa kabllo", "Cordless Vacuum Cleaner",
     "8000 Series XC8055/01", 600, "0.6 l", 44_000,
     "Furça 360° pastron edhe anash dhe prapa.",
     "The 360° nozzle cleans sideways and backwards too."),
    ("fshesa-me-korrent", "Xiaomi", "Fshesë robot", "Robot Vacuum Cleaner", "Robot Vacuum S10+",
     55, "0.45 l", 52_000,
     "Fshin dhe lan dyshemenë, duke e hartuar shtëpinë me sensor lazer.",
     "Vacuums and mops while mapping your home with a laser sensor."),
    ("fshesa-me-korrent", "Xiaomi", "Fshesë me korrent pa kabllo", "Cordless Vacuum Cleaner",
     "Vacuum Cleaner G10", 450, "0.6 l", 24_000,
     "Ekran që tregon fuqinë dhe baterinë e mbetur.",
     "A display shows power mode and battery left."),
    ("fshesa-me-korrent", "Bosch", "Fshesë me korrent pa kabllo", "Cordless Vacuum Cleaner",
     "Unlimited 7 BCS711XXL", 350, "0.3 l", 42_000,
     "Bateri Power for ALL që përdoret edhe në veglat e kopshtit Bosch.",
     "A Power for ALL battery that also fits Bosch garden tools."),
    ("kujdes-personal", "Braun", "Makinë rroje", "Electric Shaver", "Series 9 Pro+ 9510s",
     0, "", 39_000,
     "Rruan pastër me një kalim të vetëm, edhe mjekrën tre ditëshe.",
     "Shaves clean in one stroke, even three-day stubble."),
    ("kujdes-personal", "Braun", "Makinë rroje", "Electric Shaver", "Series 7 71-S1000s",
     0, "", 19_500,
     "Koka fleksibël 360° ndjek çdo kontur të fytyrës.",
     "A 360° flexible head follows every contour of your face."),
    ("kujdes-personal", "Braun", "Makinë rroje", "Electric Shaver", "Series 5 51-B1200s",
     0, "", 10_500,
     "Përdoret edhe nën dush, me xhel ose shkumë.",
     "Use it in the shower, with gel or foam."),
    ("kujdes-personal", "Braun", "Epilator", "Epilator", "Silk-épil 9 9-020",
     0, "", 13_500,
     "Heq qimet nga rrënja për deri në katër javë lëkurë të lëmuar.",
     "Removes hair at the root for up to four weeks of smooth skin."),
    ("kujdes-personal", "Braun", "Furçë dhëmbësh elektrike", "Electric Toothbrush",
     "Oral-B Pro 3 3000", 0, "", 7_500,
     "Sensori i presionit ju paralajmëron kur shtypni shumë.",
     "A pressure sensor warns you when you brush too hard."),
    ("kujdes-personal", "Philips", "Makinë rroje", "Electric Shaver", "Series 5000 S5587/10",
     0, "", 12_500,
     "Teknologjia SkinIQ përshtat fuqinë sipas dendësisë së mjekrës.",
     "SkinIQ adapts power to the density of your beard."),
    ("kujdes-personal", "Philips", "Makinë rroje dhe rregulluese", "Shaver and Trimmer",
     "OneBlade 360 QP2824/20", 0, "", 7_000,
     "Rregullon, konturon dhe rruan çdo gjatësi mjekre.",
     "Trims, edges and shaves any length of beard."),
    ("kujdes-personal", "Philips", "Tharëse flokësh", "Hair Dryer", "5000 Series BHD512/00",
     2100, "", 5_000,
     "Jonet ThermoShield mbrojnë flokët nga nxehtësia e tepërt.",
     "ThermoShield ions protect hair from too much heat."),
    ("kujdes-personal", "Rowenta", "Tharëse flokësh", "Hair Dryer", "Powerline CV5820",
     2300, "", 4_500,
     "Motor i fuqishëm dhe gjashtë kombinime shpejtësie e temperature.",
     "A powerful motor with six speed and heat settings."),
    ("kujdes-personal", "Rowenta", "Drejtuese flokësh", "Hair Straightener",
     "Optiliss SF3210", 0, "", 3_500,
     "Pllaka qeramike që rrëshqasin lehtë dhe nxehen në 30 sekonda.",
     "Ceramic plates that glide easily and heat up in 30 seconds."),
    ("kujdes-personal", "Dyson", "Tharëse flokësh", "Hair Dryer", "Supersonic HD07",
     1600, "", 49_000,
     "Than shpejt pa nxehtësi ekstreme, me pesë aksesorë magnetikë.",
     "Dries fast without extreme heat, with five magnetic attachments."),
    ("kujdes-personal", "Dyson", "Formues flokësh", "Multi-styler", "Airwrap Complete Long",
     1300, "", 69_000,
     "Kaçurrela, valë dhe flokë të lëmuar pa nxehtësi të tepërt.",
     "Curls, waves and smooth styles without extreme heat."),
    ("kujdes-personal", "Xiaomi", "Furçë dhëmbësh elektrike", "Electric Toothbrush",
     "Electric Toothbrush T302", 0, "", 3_000,
     "Bateria zgjat deri në 150 ditë me një karikim.",
     "The battery lasts up to 150 days on one charge."),
]
# fmt: on

SMALL_CAPACITY_LABEL = {
    "makina-kafeje": ("Depozita e ujit", "Water tank"),
    "fshesa-me-korrent": ("Kapaciteti i depozitës", "Dust capacity"),
}


def small_appliances(rng: random.Random) -> list[DemoProduct]:
    products = []
    for category, brand, noun_sq, noun_en, model, watts, capacity, price, line_sq, line_en in SMALL:
        specifications = []
        if watts:
            specifications.append(spec("Fuqia", "Power", f"{thousands(watts)} W"))
        if capacity:
            label_sq, label_en = SMALL_CAPACITY_LABEL.get(category, ("Kapaciteti", "Capacity"))
            specifications.append(spec(label_sq, label_en, capacity))
        if category == "makina-kafeje" and "kapsula" not in noun_sq:
            specifications.append(spec("Presioni i pompës", "Pump pressure", "15 bar"))
        if category == "kujdes-personal" and not watts:
            specifications.append(spec("Bateria", "Battery", "Li-ion"))
        specifications.append(spec("Kodi i modelit", "Model code", model))
        products.append(
            DemoProduct(
                category=category,
                brand=brand,
                name_sq=f"{noun_sq} {brand} {model}",
                name_en=f"{brand} {model} {noun_en}",
                description_sq=line_sq,
                description_en=line_en,
                price=lek(rng, price),
                specifications=specifications,
            )
        )
    return products
