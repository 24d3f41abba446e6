"""Demo tables: TV & audio, phones & tablets, laptops & monitors."""

from __future__ import annotations

import random

from demo.base import DemoProduct, lek, spec

UHD = "4K UHD (3840 × 2160)"

# brand, line as sold, model code with {s} for the size, sizes, panel, OS, Hz, HDR,
# energy class, price of the smallest size in lekë
# fmt: off
TV_SERIES: list[tuple[str, str, str, list[int], str, str, int, str, str, int]] = [
    ("Samsung", "Crystal UHD 4K", "UE{s}CU7172U", [43, 50, 55, 65, 75], "LED", "Tizen", 50,
     "HDR10+, HLG", "F", 38_000),
    ("Samsung", "QLED 4K Q60D", "QE{s}Q60DAU", [43, 50, 55, 65, 75], "QLED", "Tizen", 50,
     "HDR10+, HLG", "F", 52_000),
    ("Samsung", "Neo QLED 4K QN90D", "QE{s}QN90DAT", [55, 65, 75], "Neo QLED (Mini LED)", "Tizen",
     120, "HDR10+, HLG", "F", 165_000),
    ("Samsung", "OLED 4K S90D", "QE{s}S90DAE", [55, 65, 77], "OLED", "Tizen", 120, "HDR10+, HLG",
     "G", 168_000),
    ("LG", "UHD 4K UR78", "{s}UR78006LK", [43, 50, 55, 65], "LED", "webOS", 50, "HDR10, HLG", "F",
     34_000),
    ("LG", "QNED 4K QNED82", "{s}QNED82T6B", [50, 55, 65], "QNED", "webOS", 60, "HDR10, HLG", "F",
     62_000),
    ("LG", "OLED evo 4K C4", "OLED{s}C44LA", [48, 55, 65, 77], "OLED evo", "webOS", 144,
     "Dolby Vision, HDR10, HLG", "G", 125_000),
    ("Sony", "Bravia 4K X75WL", "KD-{s}X75WL", [43, 50, 55, 65], "LED", "Google TV", 50,
     "HDR10, HLG", "G", 46_000),
    ("Sony", "Bravia 7 Mini LED 4K", "K-{s}XR70", [55, 65, 75], "Mini LED", "Google TV", 100,
     "Dolby Vision, HDR10, HLG", "F", 175_000),
    ("Philips", "Ambilight 4K PUS8009", "{s}PUS8009/12", [43, 50, 55, 65], "LED", "Titan OS", 60,
     "HDR10+, Dolby Vision", "F", 45_000),
    ("TCL", "QLED 4K C655", "{s}C655", [43, 50, 55, 65, 75], "QLED", "Google TV", 60,
     "Dolby Vision, HDR10+", "F", 33_000),
    ("TCL", "4K UHD P755", "{s}P755", [43, 55, 65], "LED", "Google TV", 60, "HDR10, HLG", "F",
     27_000),
    ("Hisense", "4K UHD A6N", "{s}A6N", [43, 50, 55, 65, 75], "DLED", "VIDAA", 60,
     "Dolby Vision, HDR10", "F", 29_000),
    ("Hisense", "Mini LED 4K U7NQ", "{s}U7NQ", [55, 65], "Mini LED", "VIDAA", 144,
     "Dolby Vision IQ, HDR10+", "F", 98_000),
    ("Xiaomi", "TV A Pro QLED 4K", "L{s}MA-SPL", [43, 55, 65], "QLED", "Google TV", 60,
     "Dolby Vision, HDR10", "F", 31_000),
]
# fmt: on


def televisions(rng: random.Random) -> list[DemoProduct]:
    products = []
    for brand, line, code, sizes, panel, os_name, hz, hdr, energy, base in TV_SERIES:
        for size in sizes:
            model = code.format(s=size)
            cm = round(size * 2.54)
            hdmi = 4 if hz >= 100 else 3
            products.append(
                DemoProduct(
                    category="televizore",
                    brand=brand,
                    name_sq=f'Televizor Smart {brand} {size}" {line} {model}',
                    name_en=f'{brand} {size}" {line} Smart TV {model}',
                    description_sq=(
                        f"Televizor Smart me ekran {size} inç ({cm} cm), rezolucion 4K UHD dhe "
                        f"panel {panel}. Sistemi {os_name} ju jep akses të shpejtë në Netflix, "
                        f"YouTube, Prime Video dhe aplikacionet e tjera, ndërsa rifreskimi {hz} Hz "
                        f"e bën lëvizjen më të rrjedhshme gjatë ndeshjeve dhe lojërave.\n\n"
                        f"Mbështet {hdr} për ngjyra më të gjalla dhe kontrast më të thellë. "
                        f"Ka {hdmi} porta HDMI, Wi-Fi dhe Bluetooth për t'u lidhur lehtë me "
                        f"soundbar-in, konsolën ose telefonin."
                    ),
                    description_en=(
                        f"{size}-inch ({cm} cm) Smart TV with 4K UHD resolution and a {panel} "
                        f"panel. {os_name} gives quick access to Netflix, YouTube, Prime Video "
                        f"and other apps, while the {hz} Hz refresh rate keeps sport and games "
                        f"smooth.\n\nSupports {hdr} for richer colour and deeper contrast. "
                        f"{hdmi} HDMI ports, Wi-Fi and Bluetooth make it easy to connect a "
                        f"soundbar, a console or your phone."
                    ),
                    price=lek(rng, base * (size / sizes[0]) ** 1.8),
                    specifications=[
                        spec("Madhësia e ekranit", "Screen size", f'{size}" ({cm} cm)'),
                        spec("Rezolucioni", "Resolution", UHD),
                        spec("Teknologjia e ekranit", "Display technology", panel),
                        spec("Sistemi operativ", "Operating system", os_name),
                        spec("Shpejtësia e rifreskimit", "Refresh rate", f"{hz} Hz"),
                        spec("HDR", "HDR", hdr),
                        spec("Porta HDMI", "HDMI ports", hdmi),
                        spec("Klasa energjetike", "Energy class", energy),
                    ],
                )
            )
    return products


# brand, model, channels, watts, formats, connectivity, price
# fmt: off
SOUNDBARS: list[tuple[str, str, str, int, str, str, int]] = [
    ("Samsung", "HW-B450", "2.1", 300, "Dolby Digital, DTS", "HDMI ARC, Bluetooth, Optical",
     17_500),
    ("Samsung", "HW-Q600C", "3.1.2", 360, "Dolby Atmos, DTS:X", "HDMI eARC, Bluetooth, Wi-Fi",
     39_000),
    ("Samsung", "HW-Q800D", "5.1.2", 360, "Dolby Atmos, DTS:X", "HDMI eARC, Bluetooth, Wi-Fi",
     69_000),
    ("Samsung", "HW-Q990D", "11.1.4", 656, "Dolby Atmos, DTS:X", "HDMI eARC, Bluetooth, Wi-Fi",
     145_000),
    ("LG", "S40T", "2.1", 300, "Dolby Digital, DTS Virtual:X", "HDMI ARC, Bluetooth, Optical",
     15_500),
    ("LG", "S65TR", "5.1", 600, "Dolby Digital, DTS Virtual:X", "HDMI ARC, Bluetooth, Optical",
     36_000),
    ("LG", "SC9S", "3.1.3", 400, "Dolby Atmos, DTS:X", "HDMI eARC, Bluetooth, Wi-Fi", 59_000),
    ("Sony", "HT-S400", "2.1", 330, "Dolby Digital", "HDMI ARC, Bluetooth, Optical", 24_000),
    ("Sony", "HT-S2000", "3.1", 250, "Dolby Atmos, DTS:X", "HDMI eARC, Bluetooth", 46_000),
    ("Sony", "Bravia Theatre Bar 8", "5.0.2", 495, "Dolby Atmos, DTS:X",
     "HDMI eARC, Bluetooth, Wi-Fi", 95_000),
    ("Philips", "TAB5309/10", "2.1", 240, "Dolby Audio", "HDMI ARC, Bluetooth, Optical", 14_000),
    ("Philips", "TAB8507B/10", "3.1", 600, "Dolby Atmos", "HDMI eARC, Bluetooth", 42_000),
    ("JBL", "Bar 300", "5.0", 260, "Dolby Atmos", "HDMI eARC, Bluetooth, Wi-Fi", 42_000),
    ("JBL", "Bar 500", "5.1", 590, "Dolby Atmos", "HDMI eARC, Bluetooth, Wi-Fi", 62_000),
    ("Bose", "Smart Soundbar", "5.0", 0, "Dolby Atmos", "HDMI eARC, Bluetooth, Wi-Fi", 62_000),
]
# fmt: on

# brand, model, watts, hours of battery, IP rating, price
# fmt: off
SPEAKERS: list[tuple[str, str, int, int, str, int]] = [
    ("JBL", "Flip 6", 30, 12, "IP67", 12_500),
    ("JBL", "Charge 5", 40, 20, "IP67", 17_000),
    ("JBL", "PartyBox 110", 160, 12, "IPX4", 44_000),
    ("JBL", "Go 4", 4, 7, "IP67", 5500),
    ("Sony", "SRS-XB100", 5, 16, "IP67", 6000),
    ("Sony", "ULT Field 1", 20, 12, "IP67", 13_500),
    ("Marshall", "Emberton III", 38, 32, "IP67", 19_500),
    ("Xiaomi", "Sound Outdoor 30W", 30, 12, "IP67", 5000),
]
# fmt: on


def audio(rng: random.Random) -> list[DemoProduct]:
    products = []
    for brand, model, channels, watts, formats, ports, price in SOUNDBARS:
        power = f"{watts} W" if watts else "—"
        power_sq = f" me fuqi {watts} W" if watts else ""
        power_en = f" with {watts} W of power" if watts else ""
        atmos = "Dolby Atmos" in formats
        products.append(
            DemoProduct(
                category="soundbar-audio",
                brand=brand,
                name_sq=f"Soundbar {brand} {model} {channels}" + (" Dolby Atmos" if atmos else ""),
                name_en=f"{brand} {model} {channels}"
                + (" Dolby Atmos" if atmos else "")
                + " Soundbar",
                description_sq=(
                    f"Soundbar {channels} kanalesh{power_sq}, që e kthen sallonin në kinema. "
                    + (
                        "Me Dolby Atmos tingulli vjen edhe nga lart, ndaj filmat dhe ndeshjet "
                        "ndihen shumë më afër. "
                        if atmos
                        else "Dialogët dëgjohen qartë edhe kur zëri i filmit është i ulët. "
                    )
                    + f"Lidhet me televizorin përmes {ports.split(',')[0]} dhe me telefonin "
                    f"përmes Bluetooth."
                ),
                description_en=(
                    f"{channels}-channel soundbar{power_en} that turns the living room into a "
                    f"cinema. "
                    + (
                        "Dolby Atmos adds sound from above, bringing films and matches closer. "
                        if atmos
                        else "Dialogue stays clear even when the film is quiet. "
                    )
                    + f"Connects to the TV over {ports.split(',')[0]} and to your phone over "
                    f"Bluetooth."
                ),
                price=lek(rng, price),
                specifications=[
                    spec("Kanalet", "Channels", channels),
                    spec("Fuqia totale", "Total power", power),
                    spec("Formatet audio", "Audio formats", formats),
                    spec("Lidhjet", "Connectivity", ports),
                ],
            )
        )
    for brand, model, watts, hours, ip, price in SPEAKERS:
        products.append(
            DemoProduct(
                category="soundbar-audio",
                brand=brand,
                name_sq=f"Altoparlant portativ Bluetooth {brand} {model}",
                name_en=f"{brand} {model} Portable Bluetooth Speaker",
                description_sq=(
                    f"Altoparlant i vogël me tingull të fuqishëm ({watts} W) dhe bateri që "
                    f"zgjat deri në {hours} orë. Mbrojtja {ip} e bën të sigurt në plazh, në "
                    f"pishinë apo në ballkon."
                ),
                description_en=(
                    f"Compact speaker with powerful {watts} W sound and a battery that lasts up "
                    f"to {hours} hours. {ip} protection makes it safe at the beach, by the pool "
                    f"or on the balcony."
                ),
                price=lek(rng, price),
                specifications=[
                    spec("Fuqia", "Power", f"{watts} W"),
                    spec("Autonomia e baterisë", "Battery life", f"{hours} h"),
                    spec("Mbrojtja nga uji dhe pluhuri", "Water and dust protection", ip),
                    spec("Lidhja", "Connectivity", "Bluetooth 5.3"),
                ],
            )
        )
    return products


# brand, model, kind (over/in), active noise cancelling, hours, codecs, grams, price
# fmt: off
HEADPHONES: list[tuple[str, str, str, bool, int, str, int, int]] = [
    ("Sony", "WH-1000XM5", "over", True, 30, "SBC, AAC, LDAC", 250, 39_000),
    ("Sony", "WH-CH720N", "over", True, 35, "SBC, AAC", 192, 13_500),
    ("Sony", "WF-1000XM5", "in", True, 8, "SBC, AAC, LDAC", 6, 31_000),
    ("Sony", "WF-C700N", "in", True, 7, "SBC, AAC", 5, 11_000),
    ("Apple", "AirPods 4", "in", False, 5, "AAC", 4, 16_000),
    ("Apple", "AirPods 4 me ANC", "in", True, 5, "AAC", 4, 21_000),
    ("Apple", "AirPods Pro 2 (USB-C)", "in", True, 6, "AAC", 5, 28_000),
    ("Apple", "AirPods Max (USB-C)", "over", True, 20, "AAC", 385, 62_000),
    ("Samsung", "Galaxy Buds3 Pro", "in", True, 6, "SBC, AAC, SSC", 5, 27_000),
    ("Samsung", "Galaxy Buds3", "in", True, 5, "SBC, AAC, SSC", 5, 19_000),
    ("Samsung", "Galaxy Buds FE", "in", True, 6, "SBC, AAC, SSC", 6, 9500),
    ("JBL", "Tune 520BT", "over", False, 57, "SBC, AAC", 157, 5500),
    ("JBL", "Tune 770NC", "over", True, 44, "SBC, AAC", 232, 12_000),
    ("JBL", "Live Beam 3", "in", True, 12, "SBC, AAC, LC3", 5, 19_000),
    ("Xiaomi", "Redmi Buds 6 Active", "in", False, 6, "SBC", 4, 2000),
    ("Xiaomi", "Redmi Buds 6 Pro", "in", True, 9, "SBC, AAC, LDAC", 5, 7500),
    ("Bose", "QuietComfort Ultra Headphones", "over", True, 24, "SBC, AAC, aptX Adaptive", 250,
     46_000),
    ("Bose", "QuietComfort Earbuds", "in", True, 8, "SBC, AAC", 9, 19_500),
    ("Philips", "TAT2206BK/00", "in", False, 6, "SBC", 5, 3000),
    ("Philips", "TAH4209BK/00", "over", False, 55, "SBC", 175, 5500),
    ("Marshall", "Major V", "over", False, 100, "SBC", 186, 15_500),
]
# fmt: on


def headphones(rng: random.Random) -> list[DemoProduct]:
    products = []
    for brand, model, kind, anc, hours, codecs, grams, price in HEADPHONES:
        model_en = model.replace(" me ANC", " with ANC")
        kind_sq = "mbi vesh" if kind == "over" else "brenda veshit"
        kind_en = "over-ear" if kind == "over" else "true wireless in-ear"
        noun_en = "Headphones" if kind == "over" else "Earbuds"
        anc_sq = (
            "Anulimi aktiv i zhurmës ju izolon nga trafiku dhe zhurma e zyrës. "
            if anc
            else "Janë të lehta dhe të rehatshme për përdorim gjatë gjithë ditës. "
        )
        anc_en = (
            "Active noise cancelling shuts out traffic and office chatter. "
            if anc
            else "Light and comfortable to wear all day. "
        )
        products.append(
            DemoProduct(
                category="kufje",
                brand=brand,
                name_sq=f"Kufje {'pa tel ' if kind == 'in' else ''}{brand} {model}",
                name_en=f"{brand} {model_en} Wireless {noun_en}",
                description_sq=(
                    f"Kufje Bluetooth {kind_sq}. {anc_sq}Bateria zgjat deri në {hours} orë "
                    f"dëgjim me një karikim."
                ),
                description_en=(
                    f"Bluetooth {kind_en} headphones. {anc_en}Up to {hours} hours of listening "
                    f"on a single charge."
                ),
                price=lek(rng, price),
                specifications=[
                    spec("Lidhja", "Connectivity", "Bluetooth 5.3"),
                    spec(
                        "Anulimi aktiv i zhurmës", "Active noise cancelling", "ANC" if anc else "—"
                    ),
                    spec("Autonomia e baterisë", "Battery life", f"{hours} h"),
                    spec("Kodekët audio", "Audio codecs", codecs),
                    spec("Pesha", "Weight", f"{grams} g"),
                ],
            )
        )
    return products


# brand, model, [(RAM GB, storage GB, price)], display, chip, camera MP, battery mAh, OS
# fmt: off
PHONES: list[tuple[str, str, list[tuple[int, int, int]], str, str, int, int, str]] = [
    ("Samsung", "Galaxy S24 Ultra 5G", [(12, 256, 142_000), (12, 512, 162_000)],
     '6.8" Dynamic AMOLED 2X, 120 Hz', "Snapdragon 8 Gen 3", 200, 5000, "Android 14"),
    ("Samsung", "Galaxy S24+ 5G", [(12, 256, 112_000), (12, 512, 126_000)],
     '6.7" Dynamic AMOLED 2X, 120 Hz', "Exynos 2400", 50, 4900, "Android 14"),
    ("Samsung", "Galaxy S24 5G", [(8, 128, 82_000), (8, 256, 89_000)],
     '6.2" Dynamic AMOLED 2X, 120 Hz', "Exynos 2400", 50, 4000, "Android 14"),
    ("Samsung", "Galaxy S24 FE 5G", [(8, 128, 64_000), (8, 256, 71_000)],
     '6.7" Dynamic AMOLED 2X, 120 Hz', "Exynos 2400e", 50, 4700, "Android 14"),
    ("Samsung", "Galaxy Z Fold6 5G", [(12, 256, 172_000)], '7.6" Dynamic AMOLED 2X, 120 Hz',
     "Snapdragon 8 Gen 3", 50, 4400, "Android 14"),
    ("Samsung", "Galaxy Z Flip6 5G", [(12, 256, 112_000)], '6.7" Dynamic AMOLED 2X, 120 Hz',
     "Snapdragon 8 Gen 3", 50, 4000, "Android 14"),
    ("Samsung", "Galaxy A55 5G", [(8, 128, 43_000), (8, 256, 48_000)],
     '6.6" Super AMOLED, 120 Hz', "Exynos 1480", 50, 5000, "Android 14"),
    ("Samsung", "Galaxy A35 5G", [(6, 128, 33_000), (8, 256, 38_000)],
     '6.6" Super AMOLED, 120 Hz', "Exynos 1380", 50, 5000, "Android 14"),
    ("Samsung", "Galaxy A25 5G", [(6, 128, 25_000)], '6.5" Super AMOLED, 120 Hz', "Exynos 1280",
     50, 5000, "Android 14"),
    ("Samsung", "Galaxy A15", [(4, 128, 16_500)], '6.5" Super AMOLED, 90 Hz', "Helio G99", 50,
     5000, "Android 14"),
    ("Apple", "iPhone 16 Pro Max", [(8, 256, 169_000)], '6.9" Super Retina XDR, 120 Hz',
     "A18 Pro", 48, 4685, "iOS 18"),
    ("Apple", "iPhone 16 Pro", [(8, 128, 139_000), (8, 256, 154_000)],
     '6.3" Super Retina XDR, 120 Hz', "A18 Pro", 48, 3582, "iOS 18"),
    ("Apple", "iPhone 16 Plus", [(8, 128, 117_000)], '6.7" Super Retina XDR', "A18", 48, 4674,
     "iOS 18"),
    ("Apple", "iPhone 16", [(8, 128, 102_000), (8, 256, 117_000)], '6.1" Super Retina XDR', "A18",
     48, 3561, "iOS 18"),
    ("Apple", "iPhone 15", [(6, 128, 89_000)], '6.1" Super Retina XDR', "A16 Bionic", 48, 3349,
     "iOS 18"),
    ("Apple", "iPhone 14", [(6, 128, 76_000)], '6.1" Super Retina XDR', "A15 Bionic", 12, 3279,
     "iOS 18"),
    ("Xiaomi", "14T Pro 5G", [(12, 512, 84_000)], '6.67" AMOLED, 144 Hz', "Dimensity 9300+", 50,
     5000, "Android 14"),
    ("Xiaomi", "14T 5G", [(12, 256, 62_000)], '6.67" AMOLED, 144 Hz', "Dimensity 8300-Ultra", 50,
     5000, "Android 14"),
    ("Xiaomi", "Redmi Note 13 Pro+ 5G", [(12, 512, 47_000)], '6.67" AMOLED, 120 Hz',
     "Dimensity 7200-Ultra", 200, 5000, "Android 13"),
    ("Xiaomi", "Redmi Note 13 Pro", [(8, 256, 33_000)], '6.67" AMOLED, 120 Hz', "Helio G99-Ultra",
     200, 5000, "Android 13"),
    ("Xiaomi", "Redmi Note 13", [(6, 128, 21_000), (8, 256, 24_500)], '6.67" AMOLED, 120 Hz',
     "Snapdragon 685", 108, 5000, "Android 13"),
    ("Xiaomi", "Redmi 13C", [(4, 128, 16_500)], '6.74" IPS LCD, 90 Hz', "Helio G85", 50, 5000,
     "Android 13"),
    ("Xiaomi", "Poco X6 Pro 5G", [(12, 512, 38_000)], '6.67" AMOLED, 120 Hz',
     "Dimensity 8300-Ultra", 64, 5000, "Android 14"),
    ("Google", "Pixel 9", [(12, 128, 92_000)], '6.3" Actua OLED, 120 Hz', "Tensor G4", 50, 4700,
     "Android 14"),
    ("Google", "Pixel 8a", [(8, 128, 56_000)], '6.1" Actua OLED, 120 Hz', "Tensor G3", 64, 4492,
     "Android 14"),
    ("Motorola", "edge 50 Pro 5G", [(12, 512, 52_000)], '6.7" pOLED, 144 Hz',
     "Snapdragon 7 Gen 3", 50, 4500, "Android 14"),
    ("Motorola", "moto g84 5G", [(12, 256, 27_000)], '6.55" pOLED, 120 Hz', "Snapdragon 695", 50,
     5000, "Android 13"),
    ("Honor", "200 5G", [(12, 512, 58_000)], '6.7" OLED, 120 Hz', "Snapdragon 7 Gen 3", 50, 5200,
     "Android 14"),
    ("Honor", "Magic6 Lite 5G", [(8, 256, 36_000)], '6.78" AMOLED, 120 Hz', "Snapdragon 6 Gen 1",
     108, 5300, "Android 13"),
]
# fmt: on


def phones(rng: random.Random) -> list[DemoProduct]:
    products = []
    for brand, model, variants, display, chip, camera, battery, os_name in PHONES:
        for ram, storage, price in variants:
            memory = f"{storage} GB" if brand == "Apple" else f"{ram}/{storage} GB"
            products.append(
                DemoProduct(
                    category="smartfone",
                    brand=brand,
                    name_sq=f"Smartfon {brand} {model} {memory}",
                    name_en=f"{brand} {model} {memory} Smartphone",
                    description_sq=(
                        f"{brand} {model} vjen me ekran {display}, procesor {chip} dhe "
                        f"{storage} GB hapësirë për foto, video dhe aplikacione. Kamera kryesore "
                        f"{camera} MP bën foto të qarta edhe në dritë të dobët, ndërsa bateria "
                        f"{battery} mAh ju mban gjithë ditën pa karikues."
                    ),
                    description_en=(
                        f"{brand} {model} with a {display} display, {chip} processor and "
                        f"{storage} GB of space for photos, videos and apps. The {camera} MP main "
                        f"camera takes sharp photos even in low light, and the {battery} mAh "
                        f"battery lasts all day."
                    ),
                    price=lek(rng, price),
                    specifications=[
                        spec("Ekrani", "Display", display),
                        spec("Procesori", "Processor", chip),
                        spec("Memoria RAM", "RAM", f"{ram} GB"),
                        spec("Hapësira e brendshme", "Storage", f"{storage} GB"),
                        spec("Kamera kryesore", "Main camera", f"{camera} MP"),
                        spec("Bateria", "Battery", f"{battery} mAh"),
                        spec("Sistemi operativ", "Operating system", os_name),
                    ],
                )
            )
    return products


# brand, model, display, storage GB, network, battery mAh, price
# fmt: off
TABLETS: list[tuple[str, str, str, int, str, int, int]] = [
    ("Samsung", "Galaxy Tab S10+ 5G", '12.4" Dynamic AMOLED 2X, 120 Hz', 256, "Wi-Fi + 5G",
     10_090, 128_000),
    ("Samsung", "Galaxy Tab S9 FE+", '12.4" TFT LCD, 90 Hz', 128, "Wi-Fi", 10_090, 58_000),
    ("Samsung", "Galaxy Tab S9 FE", '10.9" TFT LCD, 90 Hz', 128, "Wi-Fi", 8000, 45_000),
    ("Samsung", "Galaxy Tab A9+", '11" TFT LCD, 90 Hz', 64, "Wi-Fi", 7040, 22_000),
    ("Samsung", "Galaxy Tab A9 LTE", '8.7" TFT LCD', 64, "Wi-Fi + 4G", 5100, 17_500),
    ("Apple", 'iPad 10.9" (gjenerata e 10-të)', '10.9" Liquid Retina', 64, "Wi-Fi", 7606, 46_000),
    ("Apple", 'iPad Air 11" M2', '11" Liquid Retina', 128, "Wi-Fi", 7606, 72_000),
    ("Apple", 'iPad Pro 11" M4', '11" Ultra Retina XDR, 120 Hz', 256, "Wi-Fi", 8160, 125_000),
    ("Apple", "iPad mini (A17 Pro)", '8.3" Liquid Retina', 128, "Wi-Fi", 5078, 66_000),
    ("Xiaomi", "Pad 6", '11" IPS LCD, 144 Hz', 128, "Wi-Fi", 8840, 36_000),
    ("Xiaomi", "Redmi Pad Pro", '12.1" IPS LCD, 120 Hz', 256, "Wi-Fi", 10_000, 32_000),
    ("Xiaomi", "Redmi Pad SE", '11" IPS LCD, 90 Hz', 128, "Wi-Fi", 8000, 17_000),
    ("Lenovo", "Tab M11", '11" IPS LCD, 90 Hz', 128, "Wi-Fi", 7040, 19_500),
    ("Lenovo", "Tab P12", '12.7" LTPS LCD', 128, "Wi-Fi", 10_200, 34_000),
]
# fmt: on


def tablets(rng: random.Random) -> list[DemoProduct]:
    products = []
    for brand, model, display, storage, network, battery, price in TABLETS:
        model_en = model.replace("(gjenerata e 10-të)", "(10th generation)")
        products.append(
            DemoProduct(
                category="tablete",
                brand=brand,
                name_sq=f"Tablet {brand} {model} {storage} GB {network}",
                name_en=f"{brand} {model_en} {storage} GB {network} Tablet",
                description_sq=(
                    f"Tablet me ekran {display}, i përshtatshëm për mësim, punë dhe filma. "
                    f"Ka {storage} GB hapësirë dhe bateri {battery} mAh që mjafton për një ditë "
                    f"të plotë përdorimi."
                ),
                description_en=(
                    f"Tablet with a {display} display, made for study, work and films. "
                    f"{storage} GB of storage and a {battery} mAh battery that lasts a full day."
                ),
                price=lek(rng, price),
                specifications=[
                    spec("Ekrani", "Display", display),
                    spec("Hapësira e brendshme", "Storage", f"{storage} GB"),
                    spec("Lidhja", "Connectivity", network),
                    spec("Bateria", "Battery", f"{battery} mAh"),
                ],
            )
        )
    return products


# brand, model, case mm, display, water resistance, battery hours, price
# fmt: off
WATCHES: list[tuple[str, str, int, str, str, int, int]] = [
    ("Samsung", "Galaxy Watch Ultra", 47, '1.5" Super AMOLED', "10 ATM", 100, 62_000),
    ("Samsung", "Galaxy Watch7", 44, '1.47" Super AMOLED', "5 ATM", 40, 33_000),
    ("Samsung", "Galaxy Watch7", 40, '1.31" Super AMOLED', "5 ATM", 40, 30_000),
    ("Samsung", "Galaxy Watch FE", 40, '1.2" Super AMOLED', "5 ATM", 30, 19_500),
    ("Samsung", "Galaxy Fit3", 40, '1.6" AMOLED', "5 ATM", 312, 6500),
    ("Apple", "Watch Series 10 GPS", 46, '1.96" LTPO3 OLED', "WR50", 18, 50_000),
    ("Apple", "Watch Series 10 GPS", 42, '1.77" LTPO3 OLED', "WR50", 18, 46_000),
    ("Apple", "Watch SE GPS", 44, '1.78" Retina LTPO OLED', "WR50", 18, 31_000),
    ("Apple", "Watch SE GPS", 40, '1.57" Retina LTPO OLED', "WR50", 18, 27_500),
    ("Apple", "Watch Ultra 2", 49, '1.92" LTPO3 OLED', "WR100", 36, 89_000),
    ("Xiaomi", "Smart Band 9", 46, '1.62" AMOLED', "5 ATM", 504, 4000),
    ("Xiaomi", "Redmi Watch 5 Active", 47, '2" LCD', "5 ATM", 432, 3500),
    ("Xiaomi", "Watch S3", 47, '1.43" AMOLED', "5 ATM", 360, 15_000),
    ("Huawei", "Watch GT 5", 46, '1.43" AMOLED', "5 ATM", 336, 25_000),
]
# fmt: on


def watches(rng: random.Random) -> list[DemoProduct]:
    products = []
    for brand, model, case, display, water, hours, price in WATCHES:
        days = hours // 24
        battery_sq = f"{days} ditë" if days >= 2 else f"{hours} orë"
        battery_en = f"{days} days" if days >= 2 else f"{hours} hours"
        products.append(
            DemoProduct(
                category="ore-inteligjente",
                brand=brand,
                name_sq=f"Orë inteligjente {brand} {model} {case} mm",
                name_en=f"{brand} {model} {case} mm Smartwatch",
                description_sq=(
                    f"Ndiq hapat, gjumin, rrahjet e zemrës dhe stërvitjet direkt nga kyçi i "
                    f"dorës. Ekrani {display} lexohet mirë edhe në diell, ndërsa bateria zgjat "
                    f"deri në {battery_sq}. Rezistencë ndaj ujit {water}."
                ),
                description_en=(
                    f"Track steps, sleep, heart rate and workouts right from your wrist. The "
                    f"{display} screen stays readable in sunlight and the battery lasts up to "
                    f"{battery_en}. Water resistant to {water}."
                ),
                price=lek(rng, price),
                specifications=[
                    spec("Madhësia e kasës", "Case size", f"{case} mm"),
                    spec("Ekrani", "Display", display),
                    spec("Rezistenca ndaj ujit", "Water resistance", water),
                    spec("Autonomia e baterisë", "Battery life", f"{hours} h"),
                ],
            )
        )
    return products


# brand, line, model code, CPU, RAM GB, SSD, display, graphics, OS, kg, price
# fmt: off
LAPTOPS: list[tuple[str, str, str, str, int, str, str, str, str, float, int]] = [
    ("Lenovo", "IdeaPad Slim 3", "15IRU8 82X7", "Intel Core i3-1315U", 8, "512 GB",
     '15.6" FHD IPS', "Intel UHD", "FreeDOS", 1.62, 45_000),
    ("Lenovo", "IdeaPad Slim 3", "15IRH8 83EM", "Intel Core i5-13420H", 16, "512 GB",
     '15.6" FHD IPS', "Intel UHD", "Windows 11 Home", 1.62, 69_000),
    ("Lenovo", "IdeaPad Slim 5", "14AHP9 83DB", "AMD Ryzen 7 8845HS", 16, "1 TB",
     '14" WUXGA OLED', "AMD Radeon 780M", "Windows 11 Home", 1.46, 98_000),
    ("Lenovo", "ThinkPad E14 Gen 5", "21JK00", "Intel Core i5-1335U", 16, "512 GB",
     '14" WUXGA IPS', "Intel Iris Xe", "Windows 11 Pro", 1.41, 99_000),
    ("Lenovo", "LOQ 15IAX9", "83GS", "Intel Core i5-12450HX", 16, "512 GB",
     '15.6" FHD IPS 144 Hz', "NVIDIA GeForce RTX 3050 6 GB", "FreeDOS", 2.38, 85_000),
    ("Lenovo", "Legion 5 16IRX9", "83DG", "Intel Core i7-14650HX", 32, "1 TB",
     '16" WQXGA IPS 165 Hz', "NVIDIA GeForce RTX 4060 8 GB", "Windows 11 Home", 2.4, 185_000),
    ("HP", "250 G10", "8A5D7EA", "Intel Core i3-1315U", 8, "256 GB", '15.6" FHD IPS', "Intel UHD",
     "FreeDOS", 1.52, 42_000),
    ("HP", "255 G10", "8A5G5EA", "AMD Ryzen 5 7530U", 8, "512 GB", '15.6" FHD IPS', "AMD Radeon",
     "FreeDOS", 1.52, 49_000),
    ("HP", "Pavilion 15-eg3", "8C0V5EA", "Intel Core i5-1335U", 16, "512 GB", '15.6" FHD IPS',
     "Intel Iris Xe", "Windows 11 Home", 1.74, 82_000),
    ("HP", "Victus 15-fa1", "8C5M5EA", "Intel Core i5-12450H", 16, "512 GB",
     '15.6" FHD IPS 144 Hz', "NVIDIA GeForce RTX 3050 6 GB", "FreeDOS", 2.29, 79_000),
    ("HP", "ProBook 450 G10", "85B70EA", "Intel Core i7-1355U", 16, "512 GB", '15.6" FHD IPS',
     "Intel Iris Xe", "Windows 11 Pro", 1.79, 118_000),
    ("HP", "EliteBook 840 G10", "818F5EA", "Intel Core i7-1355U", 16, "1 TB", '14" WUXGA IPS',
     "Intel Iris Xe", "Windows 11 Pro", 1.36, 175_000),
    ("Dell", "Inspiron 15 3520", "N3520", "Intel Core i5-1235U", 8, "512 GB", '15.6" FHD 120 Hz',
     "Intel Iris Xe", "Windows 11 Home", 1.65, 62_000),
    ("Dell", "Inspiron 14 5440", "N5440", "Intel Core 7 150U", 16, "1 TB", '14" FHD+ IPS',
     "Intel Graphics", "Windows 11 Home", 1.54, 96_000),
    ("Dell", "Vostro 3520", "N5315PVNB", "Intel Core i5-1235U", 8, "512 GB", '15.6" FHD 120 Hz',
     "Intel Iris Xe", "Windows 11 Pro", 1.65, 68_000),
    ("Dell", "Latitude 5440", "N017L544014EMEA", "Intel Core i5-1335U", 16, "512 GB",
     '14" FHD IPS', "Intel Iris Xe", "Windows 11 Pro", 1.39, 128_000),
    ("Dell", "XPS 13 9340", "XPS9340", "Intel Core Ultra 7 155H", 16, "512 GB",
     '13.4" FHD+ 120 Hz', "Intel Arc", "Windows 11 Home", 1.19, 189_000),
    ("Asus", "Vivobook 15", "X1504ZA-NJ", "Intel Core i3-1215U", 8, "256 GB", '15.6" FHD',
     "Intel UHD", "FreeDOS", 1.7, 39_000),
    ("Asus", "Vivobook 16", "X1605VA-MB", "Intel Core i5-13500H", 16, "512 GB", '16" WUXGA',
     "Intel Iris Xe", "Windows 11 Home", 1.88, 74_000),
    ("Asus", "Zenbook 14 OLED", "UX3405MA-PP", "Intel Core Ultra 7 155H", 16, "1 TB",
     '14" 3K OLED 120 Hz', "Intel Arc", "Windows 11 Home", 1.2, 139_000),
    ("Asus", "TUF Gaming A15", "FA507NV-LP", "AMD Ryzen 7 7735HS", 16, "512 GB",
     '15.6" FHD IPS 144 Hz', "NVIDIA GeForce RTX 4060 8 GB", "FreeDOS", 2.2, 112_000),
    ("Asus", "ROG Strix G16", "G614JV-N3", "Intel Core i7-13650HX", 16, "1 TB", '16" FHD+ 165 Hz',
     "NVIDIA GeForce RTX 4060 8 GB", "Windows 11 Home", 2.5, 169_000),
    ("Acer", "Aspire 3 A315-59", "NX.K6TEX", "Intel Core i5-1235U", 8, "512 GB", '15.6" FHD IPS',
     "Intel Iris Xe", "FreeDOS", 1.78, 49_000),
    ("Acer", "Aspire 5 A515-58M", "NX.KHGEX", "Intel Core i7-1355U", 16, "1 TB", '15.6" FHD IPS',
     "Intel Iris Xe", "Windows 11 Home", 1.76, 89_000),
    ("Acer", "Nitro V 15 ANV15-51", "NH.QNBEX", "Intel Core i5-13420H", 16, "512 GB",
     '15.6" FHD IPS 144 Hz', "NVIDIA GeForce RTX 4050 6 GB", "FreeDOS", 2.1, 92_000),
    ("Samsung", "Galaxy Book4", "NP750XGK-KG3", "Intel Core 5 120U", 16, "512 GB",
     '15.6" FHD IPS', "Intel Graphics", "Windows 11 Home", 1.55, 84_000),
    ("Samsung", "Galaxy Book4 Pro", "NP940XGK-KG1", "Intel Core Ultra 7 155H", 16, "512 GB",
     '14" 3K AMOLED 120 Hz', "Intel Arc", "Windows 11 Home", 1.23, 165_000),
    ("Apple", 'MacBook Air 13" M2', "MLY33", "Apple M2 8-core", 8, "256 GB",
     '13.6" Liquid Retina', "GPU 8-core", "macOS", 1.24, 109_000),
    ("Apple", 'MacBook Air 13" M3', "MC8K4", "Apple M3 8-core", 16, "256 GB",
     '13.6" Liquid Retina', "GPU 8-core", "macOS", 1.24, 132_000),
    ("Apple", 'MacBook Air 15" M3', "MC9E4", "Apple M3 8-core", 16, "512 GB",
     '15.3" Liquid Retina', "GPU 10-core", "macOS", 1.51, 172_000),
    ("Apple", 'MacBook Pro 14" M4', "MW2U3", "Apple M4 10-core", 16, "512 GB",
     '14.2" Liquid Retina XDR', "GPU 10-core", "macOS", 1.55, 209_000),
]
# fmt: on


def laptops(rng: random.Random) -> list[DemoProduct]:
    products = []
    for brand, line, code, cpu, ram, ssd, display, gpu, os_name, kg, price in LAPTOPS:
        gaming = "RTX" in gpu
        use_sq = (
            "lojëra dhe programe të rënda grafike"
            if gaming
            else "punë zyre, mësim dhe shfletim të përditshëm"
        )
        use_en = "games and heavy graphics work" if gaming else "office work, study and browsing"
        inch = display.split(" ")[0]
        chip = cpu.removeprefix("Intel ").removeprefix("AMD ").removeprefix("Apple ")
        products.append(
            DemoProduct(
                category="laptope",
                brand=brand,
                name_sq=f"Laptop {brand} {line} {inch} {chip}, {ram} GB RAM, {ssd} SSD",
                name_en=f"{brand} {line} {inch} Laptop, {chip}, {ram} GB RAM, {ssd} SSD",
                description_sq=(
                    f"Laptop me procesor {cpu}, {ram} GB RAM dhe disk SSD {ssd}, i ndërtuar për "
                    f"{use_sq}. Ekrani {display} dhe grafika {gpu} e bëjnë punën të rrjedhshme, "
                    f"ndërsa me {str(kg).replace('.', ',')} kg e merrni lehtë kudo me vete."
                ),
                description_en=(
                    f"Laptop with an {cpu} processor, {ram} GB of RAM and a {ssd} SSD, built for "
                    f"{use_en}. The {display} screen and {gpu} graphics keep things smooth, and "
                    f"at {kg} kg it goes anywhere with you."
                ),
                price=lek(rng, price),
                specifications=[
                    spec("Procesori", "Processor", cpu),
                    spec("Memoria RAM", "RAM", f"{ram} GB"),
                    spec("Disku", "Storage", f"{ssd} SSD"),
                    spec("Ekrani", "Display", display),
                    spec("Karta grafike", "Graphics", gpu),
                    spec("Sistemi operativ", "Operating system", os_name),
                    spec("Pesha", "Weight", f"{kg} kg"),
                    spec("Kodi i modelit", "Model code", code),
                ],
            )
        )
    return products


# brand, line, model, inches, resolution, panel, Hz, ports, price
# fmt: off
MONITORS: list[tuple[str, str, str, float, str, str, int, str, int]] = [
    ("Samsung", "Essential S3", "LS24C310EAUXEN", 24, "1920 × 1080", "IPS", 75, "HDMI, D-Sub",
     11_500),
    ("Samsung", "Odyssey G5", "LS27CG552EUXEN", 27, "2560 × 1440", "VA", 165, "HDMI, DisplayPort",
     29_000),
    ("Samsung", "ViewFinity S6", "LS27C610EQUXEN", 27, "2560 × 1440", "IPS", 100,
     "HDMI, DisplayPort, USB-C 90 W", 34_000),
    ("Samsung", "Smart Monitor M7", "LS32CM700UUXEN", 32, "3840 × 2160", "VA", 60,
     "HDMI, USB-C 65 W, Wi-Fi", 42_000),
    ("LG", "24MR400-B", "24MR400-B", 24, "1920 × 1080", "IPS", 100, "HDMI, D-Sub", 10_500),
    ("LG", "UltraGear 27GR75Q", "27GR75Q-B", 27, "2560 × 1440", "IPS", 165, "HDMI, DisplayPort",
     33_000),
    ("LG", "27UP850N", "27UP850N-W", 27, "3840 × 2160", "IPS", 60,
     "HDMI, DisplayPort, USB-C 96 W", 49_000),
    ("Dell", "S2425H", "210-BMHH", 24, "1920 × 1080", "IPS", 100, "HDMI", 14_500),
    ("Dell", "P2723D", "210-BDDW", 27, "2560 × 1440", "IPS", 60, "HDMI, DisplayPort", 36_000),
    ("Dell", "Alienware AW2724HF", "210-BHTM", 27, "1920 × 1080", "IPS", 360, "HDMI, DisplayPort",
     54_000),
    ("Asus", "VA24EHF", "90LM0560-B01170", 24, "1920 × 1080", "IPS", 100, "HDMI", 10_000),
    ("Asus", "ROG Strix XG27ACS", "90LM09Q0-B01170", 27, "2560 × 1440", "IPS", 180,
     "HDMI, DisplayPort, USB-C", 43_000),
    ("Asus", "ProArt PA278CV", "90LM06Q0-B01370", 27, "2560 × 1440", "IPS", 75,
     "HDMI, DisplayPort, USB-C 65 W", 46_000),
    ("HP", "M24f", "2D9K0E9", 23.8, "1920 × 1080", "IPS", 75, "HDMI, VGA", 13_000),
    ("HP", "527sh Series 5", "94C50E9", 27, "1920 × 1080", "IPS", 100, "HDMI, VGA", 19_000),
    ("Philips", "24E1N1100A", "24E1N1100A/00", 23.8, "1920 × 1080", "IPS", 100, "HDMI, VGA",
     9500),
    ("Philips", "27M1N3200ZA", "27M1N3200ZA/00", 27, "1920 × 1080", "IPS", 165,
     "HDMI, DisplayPort", 21_000),
]
# fmt: on


def monitors(rng: random.Random) -> list[DemoProduct]:
    products = []
    for brand, line, model, inches, resolution, panel, hz, ports, price in MONITORS:
        size = f"{inches:g}"
        gaming = hz >= 144
        products.append(
            DemoProduct(
                category="monitore",
                brand=brand,
                name_sq=f'Monitor {brand} {line} {size}" {panel} {hz} Hz',
                name_en=f'{brand} {line} {size}" {panel} {hz} Hz Monitor',
                description_sq=(
                    f"Monitor {size} inç me panel {panel} dhe rezolucion {resolution}. "
                    + (
                        f"Rifreskimi {hz} Hz e bën çdo lëvizje në lojëra të butë dhe pa vonesë."
                        if gaming
                        else "Ngjyrat e sakta dhe këndet e gjera të shikimit e bëjnë ideal për "
                        "zyrë dhe shtëpi."
                    )
                ),
                description_en=(
                    f"{size}-inch monitor with an {panel} panel and {resolution} resolution. "
                    + (
                        f"The {hz} Hz refresh rate keeps every move in games smooth and responsive."
                        if gaming
                        else "Accurate colour and wide viewing angles make it ideal for the "
                        "office and home."
                    )
                ),
                price=lek(rng, price),
                specifications=[
                    spec("Madhësia e ekranit", "Screen size", f'{size}"'),
                    spec("Rezolucioni", "Resolution", resolution),
                    spec("Paneli", "Panel", panel),
                    spec("Shpejtësia e rifreskimit", "Refresh rate", f"{hz} Hz"),
                    spec("Lidhjet", "Ports", ports),
                    spec("Kodi i modelit", "Model code", model),
                ],
            )
        )
    return products
