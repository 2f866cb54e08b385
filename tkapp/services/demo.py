"""A demo catalogue: about 30 realistic records from a fictional Kichwa community in Napo.

Andean and Amazonian species, Spanish and English text, Kichwa names (some marked for
community review), several access levels and Local Contexts labels, a few knowledge holders
(one deceased), consent records, generated photos (PNG written here with zlib) and a short
generated audio clip (WAV). The community, people and places are invented for the demo.
"""

from __future__ import annotations

import io
import math
import struct
import wave
import zlib
from array import array
from collections.abc import Callable
from datetime import date
from pathlib import Path

from tkapp.core.model import (
    AccessLevel,
    Category,
    Community,
    ConsentMethod,
    ConsentRecord,
    ConsentStatus,
    HolderLink,
    KnowledgeRecord,
    Media,
    MediaKind,
    Person,
    Place,
    RecordStatus,
    Sensitivity,
    Taxon,
    Use,
    VernacularName,
)
from tkapp.services.catalogue import Catalogue, create_catalogue

DEMO_COMMUNITY = Community(
    name="Comunidad Kichwa Sacha Yaku (demo)",
    other_names=["Sacha Yaku Ayllu"],
    people="Kichwa de la Amazonía",
    country="EC",
    region="Napo",
    languages=["es", "qu", "en"],
    contact="Asamblea comunitaria, casa comunal",
    governance="Decisions about sharing are taken by the community assembly (asamblea).",
)

# (key, scientific name, family, [(name, language, community_review)])
_TAXA: list[tuple[str, str, str, list[tuple[str, str, bool]]]] = [
    (
        "unia",
        "Uncaria tomentosa",
        "Rubiaceae",
        [("uña de gato", "es", False), ("cat's claw", "en", False), ("paka shillinka", "qu", True)],
    ),
    (
        "drago",
        "Croton lechleri",
        "Euphorbiaceae",
        [
            ("sangre de drago", "es", False),
            ("dragon's blood", "en", False),
            ("lan huiqui", "qu", True),
        ],
    ),
    (
        "guayusa",
        "Ilex guayusa",
        "Aquifoliaceae",
        [("guayusa", "es", False), ("wayusa", "qu", False)],
    ),
    (
        "caapi",
        "Banisteriopsis caapi",
        "Malpighiaceae",
        [("ayahuasca", "es", False), ("aya waska", "qu", False)],
    ),
    (
        "quinua",
        "Chenopodium quinoa",
        "Amaranthaceae",
        [("quinua", "es", False), ("quinoa", "en", False), ("kinwa", "qu", False)],
    ),
    (
        "yacon",
        "Smallanthus sonchifolius",
        "Asteraceae",
        [("yacón", "es", False), ("yakun", "qu", True)],
    ),
    (
        "coca",
        "Erythroxylum coca",
        "Erythroxylaceae",
        [("coca", "es", False), ("kuka", "qu", False)],
    ),
    (
        "cascarilla",
        "Cinchona officinalis",
        "Rubiaceae",
        [("cascarilla", "es", False), ("quinine bark", "en", False)],
    ),
    (
        "chonta",
        "Bactris gasipaes",
        "Arecaceae",
        [("chonta", "es", False), ("peach palm", "en", False), ("chunta", "qu", False)],
    ),
    ("cacao", "Theobroma cacao", "Malvaceae", [("cacao", "es", False), ("kakaw", "qu", True)]),
    (
        "yuca",
        "Manihot esculenta",
        "Euphorbiaceae",
        [("yuca", "es", False), ("cassava", "en", False), ("lumu", "qu", False)],
    ),
    ("arrayan", "Ugni myricoides", "Myrtaceae", [("arrayán", "es", False), ("murta", "es", False)]),
    ("munia", "Minthostachys mollis", "Lamiaceae", [("muña", "es", False), ("muña", "qu", False)]),
    (
        "papa",
        "Solanum tuberosum",
        "Solanaceae",
        [("papa", "es", False), ("potato", "en", False), ("chaucha", "es", False)],
    ),
    ("chocho", "Lupinus mutabilis", "Fabaceae", [("chocho", "es", False), ("tarwi", "qu", False)]),
    ("achiote", "Bixa orellana", "Bixaceae", [("achiote", "es", False), ("manduru", "qu", True)]),
    ("huito", "Genipa americana", "Rubiaceae", [("huito", "es", False), ("wituk", "qu", False)]),
    (
        "toquilla",
        "Carludovica palmata",
        "Cyclanthaceae",
        [("paja toquilla", "es", False), ("Panama hat palm", "en", False)],
    ),
    (
        "morete",
        "Mauritia flexuosa",
        "Arecaceae",
        [("morete", "es", False), ("aguaje", "es", False)],
    ),
    ("ceibo", "Ceiba pentandra", "Malvaceae", [("ceibo", "es", False), ("kapok", "en", False)]),
    ("ortiga", "Urtica dioica", "Urticaceae", [("ortiga", "es", False), ("chini", "qu", True)]),
    ("guaba", "Inga edulis", "Fabaceae", [("guaba", "es", False), ("pakay", "qu", False)]),
]

# key, name, roles, deceased, anonymous outside
_PERSONS: list[tuple[str, str, list[str], bool, bool]] = [
    ("rosa", "Mama Rosa Grefa", ["healer", "elder"], False, False),
    ("segundo", "Taita Segundo Tapuy", ["elder", "healer"], True, False),
    ("luzmila", "Luzmila Andi", ["midwife"], False, True),
    ("carlos", "Carlos Shiguango", ["recorder", "translator"], False, False),
    ("manuel", "Manuel Cerda", ["farmer"], False, False),
    ("beatriz", "Beatriz Alvarado", ["weaver"], False, False),
]

_PLACES: dict[str, tuple[str, float, float, int]] = {
    "chakra": ("Chakra familiar, orilla del río Jatunyaku", -0.9532, -77.8121, 50),
    "bosque": ("Bosque primario, sendero de los cazadores", -0.9877, -77.7654, 200),
    "casa": ("Casa comunal Sacha Yaku", -0.9610, -77.8015, 20),
    "paramo": ("Páramo alto, camino a la laguna", -0.6352, -78.2011, 500),
    "huerta": ("Huerta andina, ladera de Papallacta", -0.3768, -78.1432, 100),
    "secret": ("Lugar sagrado (no revelar)", -1.0123, -77.7002, 30),
}

# title, summary, description, language, category, taxa, use(part, prep, purpose, season),
# holders [(key, role)], place key, sensitivity, access, restricted group, labels, status
_Row = tuple[
    str,
    str,
    str,
    str,
    Category,
    list[str],
    tuple[str, str, str, str],
    list[tuple[str, str]],
    str,
    Sensitivity,
    AccessLevel,
    str,
    list[str],
    RecordStatus,
]
_RECORDS: list[_Row] = [
    (
        "Uña de gato para la inflamación",
        "Corteza cocida para dolores de huesos.",
        "La corteza de bejucos maduros se raspa y se hierve durante media hora. Se toma una taza "
        "en ayunas durante nueve días. Mama Rosa recomienda no darla a mujeres embarazadas.",
        "es",
        Category.MEDICINAL,
        ["unia"],
        ("corteza", "cocimiento", "inflamación, dolor de huesos", "todo el año"),
        [("rosa", "healer")],
        "bosque",
        Sensitivity.MEDIUM,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tkv", "tknc"],
        RecordStatus.VERIFIED,
    ),
    (
        "Sangre de drago para heridas",
        "Resina roja aplicada sobre cortes.",
        "The red latex is collected by cutting the bark in the morning. A few drops are rubbed on "
        "fresh cuts until they form a film. Used by hunters on long trips.",
        "en",
        Category.MEDICINAL,
        ["drago"],
        ("latex", "applied fresh", "wounds, cuts", "dry season"),
        [("rosa", "healer"), ("manuel", "")],
        "chakra",
        Sensitivity.LOW,
        AccessLevel.PUBLIC,
        "",
        ["tka", "bcp"],
        RecordStatus.VERIFIED,
    ),
    (
        "Guayusa al amanecer",
        "Infusión de hojas que se bebe antes del alba.",
        "Antes del amanecer la familia se reúne junto al fogón a tomar wayusa, conversar los "
        "sueños y planificar el día. Las hojas se hierven en olla de barro.",
        "es",
        Category.RITUAL,
        ["guayusa"],
        ("hojas", "infusión", "energía, interpretación de sueños", "todo el año"),
        [("segundo", "elder"), ("rosa", "")],
        "casa",
        Sensitivity.HIGH,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tkcv"],
        RecordStatus.VERIFIED,
    ),
    (
        "Ceremonia de aya waska",
        "Conocimiento ceremonial reservado a los yachak.",
        "Este conocimiento es sagrado. Solo los yachak de la comunidad conocen la preparación y "
        "el momento de la ceremonia. No debe salir del catálogo.",
        "es",
        Category.RITUAL,
        ["caapi"],
        ("bejuco", "(reservado)", "ceremonia de curación", "luna nueva"),
        [("segundo", "healer")],
        "secret",
        Sensitivity.WITHHOLD,
        AccessLevel.SECRET_SACRED,
        "",
        ["tkss", "tkcs"],
        RecordStatus.VERIFIED,
    ),
    (
        "Quinua de altura",
        "Variedades de quinua del páramo y su lavado.",
        "Quinoa seeds are washed several times in running water to remove the bitter saponin. "
        "Families keep their own seed from the best plants of each harvest.",
        "en",
        Category.FOOD,
        ["quinua"],
        ("seeds", "washed, boiled", "food, soups", "harvest in June"),
        [("manuel", "farmer")],
        "paramo",
        Sensitivity.MEDIUM,
        AccessLevel.PUBLIC,
        "",
        ["tka", "tkoc"],
        RecordStatus.VERIFIED,
    ),
    (
        "Yacón endulzado al sol",
        "Raíces expuestas al sol para endulzarlas.",
        "Las raíces de yacón se dejan al sol entre tres y siete días hasta que se arrugan; así se "
        "vuelven más dulces. Se comen crudas como fruta.",
        "es",
        Category.FOOD,
        ["yacon"],
        ("raíz", "asoleado", "alimento, dulce", "cosecha de mayo"),
        [("manuel", "farmer")],
        "huerta",
        Sensitivity.LOW,
        AccessLevel.PUBLIC,
        "",
        ["tka"],
        RecordStatus.DRAFT,
    ),
    (
        "Mambeo de coca en la minga",
        "Uso de la hoja de coca durante el trabajo comunitario.",
        "During the minga (community work day) elders share coca leaves with lime ash to resist "
        "tiredness and to open the conversation. Sharing the leaves is a sign of respect.",
        "en",
        Category.RITUAL,
        ["coca"],
        ("leaves", "chewed with ash", "stamina, respect", "minga days"),
        [("segundo", "elder")],
        "casa",
        Sensitivity.HIGH,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tkcs", "tkco"],
        RecordStatus.VERIFIED,
    ),
    (
        "Cascarilla contra la fiebre",
        "Corteza amarga usada para fiebres y paludismo.",
        "Se hierve un trozo pequeño de corteza de cascarilla. Es muy amarga. Antes se vendía a "
        "comerciantes; hoy la comunidad protege los árboles que quedan.",
        "es",
        Category.MEDICINAL,
        ["cascarilla"],
        ("corteza", "cocimiento", "fiebre", "todo el año"),
        [("rosa", "healer")],
        "paramo",
        Sensitivity.HIGH,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tknc"],
        RecordStatus.VERIFIED,
    ),
    (
        "Fiesta de la chonta",
        "Celebración de la cosecha del fruto de chonta.",
        "Cuando madura la chonta (febrero a abril) se prepara chicha de chonta y se celebra con "
        "música y danza. Los frutos se cocinan con sal.",
        "es",
        Category.RITUAL,
        ["chonta"],
        ("fruto", "cocido, chicha", "fiesta, alimento", "febrero-abril"),
        [("beatriz", ""), ("manuel", "")],
        "chakra",
        Sensitivity.MEDIUM,
        AccessLevel.PUBLIC,
        "",
        ["tka", "tks", "tkcv"],
        RecordStatus.VERIFIED,
    ),
    (
        "Cacao fino de aroma en la chakra",
        "Manejo del cacao bajo sombra en la chakra.",
        "Cacao trees grow in the chakra among banana, guaba and timber trees. Pods are "
        "fermented in leaves for five days before drying.",
        "en",
        Category.AGRICULTURE,
        ["cacao", "guaba"],
        ("seeds", "fermented, dried", "income, drink", "two harvests a year"),
        [("manuel", "farmer")],
        "chakra",
        Sensitivity.LOW,
        AccessLevel.PUBLIC,
        "",
        ["tka", "tkoc", "bcp"],
        RecordStatus.VERIFIED,
    ),
    (
        "Chicha de yuca (aswa)",
        "Bebida fermentada de yuca preparada por las mujeres.",
        "La yuca (lumu) se cocina, se machaca en la batea y se deja fermentar. La preparación es "
        "conocimiento de las mujeres y se comparte en mingas y fiestas.",
        "es",
        Category.FOOD,
        ["yuca"],
        ("raíz", "cocida, fermentada", "bebida", "todo el año"),
        [("luzmila", ""), ("beatriz", "")],
        "casa",
        Sensitivity.MEDIUM,
        AccessLevel.RESTRICTED,
        "mujeres de la comunidad",
        ["tkwg", "tka"],
        RecordStatus.VERIFIED,
    ),
    (
        "Variedades de yuca de la chakra",
        "Doce variedades de yuca y cómo se distinguen.",
        "Each family keeps several cassava varieties: red-stemmed for chicha, white for boiling, "
        "and a bitter one that must be soaked. Cuttings are exchanged between families.",
        "en",
        Category.AGRICULTURE,
        ["yuca"],
        ("stem cuttings", "planted", "seed exchange", "rainy season"),
        [("luzmila", "farmer")],
        "chakra",
        Sensitivity.HIGH,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tkmc"],
        RecordStatus.DRAFT,
    ),
    (
        "Arrayán en los baños de limpieza",
        "Ramas aromáticas para baños.",
        "Se hierven ramas de arrayán con otras plantas olorosas para baños de limpieza después "
        "de un susto o un viaje largo.",
        "es",
        Category.MEDICINAL,
        ["arrayan"],
        ("ramas", "baño", "limpieza, susto", "todo el año"),
        [("rosa", "healer")],
        "huerta",
        Sensitivity.MEDIUM,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tkcs"],
        RecordStatus.VERIFIED,
    ),
    (
        "Muña para el frío y la digestión",
        "Infusión de muña y uso en el almacenaje de papas.",
        "Muña tea warms the body on the páramo and helps digestion. Branches are also layered "
        "between stored potatoes to keep insects away.",
        "en",
        Category.MEDICINAL,
        ["munia", "papa"],
        ("leaves, branches", "tea; layered in storage", "digestion, storage", "all year"),
        [("manuel", "")],
        "paramo",
        Sensitivity.MEDIUM,
        AccessLevel.PUBLIC,
        "",
        ["tka"],
        RecordStatus.VERIFIED,
    ),
    (
        "Papas nativas y su conservación",
        "Variedades de papa chaucha y su secado.",
        "Las papas chauchas se cosechan temprano. Para guardarlas se escogen las sanas y se "
        "cubren con muña. Algunas familias aún hacen chuño en las heladas.",
        "es",
        Category.AGRICULTURE,
        ["papa", "munia"],
        ("tubérculos", "almacenados, chuño", "alimento, semilla", "heladas de julio"),
        [("manuel", "farmer")],
        "paramo",
        Sensitivity.MEDIUM,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tkcb"],
        RecordStatus.DRAFT,
    ),
    (
        "Desamargado del chocho",
        "Remojo del tarwi en agua corriente.",
        "Los granos de chocho se cocinan y luego se dejan tres a cinco días en agua corriente "
        "(en un costal en la acequia) hasta que pierden el amargo.",
        "es",
        Category.FOOD,
        ["chocho"],
        ("granos", "cocidos y remojados", "alimento, proteína", "cosecha de agosto"),
        [("manuel", "")],
        "huerta",
        Sensitivity.LOW,
        AccessLevel.PUBLIC,
        "",
        ["tka"],
        RecordStatus.VERIFIED,
    ),
    (
        "Pintura facial con achiote",
        "Pintura roja para fiestas y protección del sol.",
        "Achiote seeds are rubbed between the fingers to paint the face in red lines for "
        "celebrations. The designs belong to families and are not copied.",
        "en",
        Category.CRAFT,
        ["achiote"],
        ("seeds", "rubbed", "face paint, sun protection", "festivals"),
        [("beatriz", "weaver")],
        "casa",
        Sensitivity.HIGH,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tkf", "tkcs"],
        RecordStatus.VERIFIED,
    ),
    (
        "Tinte negro de wituk",
        "Fruto de huito para pintura corporal.",
        "El jugo del fruto verde de wituk se ralla y se aplica; a las pocas horas se vuelve negro "
        "y dura dos semanas. Se usa en ritos de paso de las jóvenes.",
        "es",
        Category.RITUAL,
        ["huito"],
        ("fruto verde", "rallado", "pintura corporal", "todo el año"),
        [("luzmila", "")],
        "chakra",
        Sensitivity.HIGH,
        AccessLevel.RESTRICTED,
        "mujeres de la comunidad",
        ["tkwr", "tkcs"],
        RecordStatus.VERIFIED,
    ),
    (
        "Tejido de paja toquilla",
        "Preparación de la fibra y tejido de canastos.",
        "Young leaves are cut before they open, boiled, dried in the shade and split into fine "
        "strands. Beatriz teaches the weaving to the young people of the community.",
        "en",
        Category.CRAFT,
        ["toquilla"],
        ("young leaves", "boiled, dried, split", "baskets, hats", "all year"),
        [("beatriz", "weaver")],
        "casa",
        Sensitivity.NONE,
        AccessLevel.PUBLIC,
        "",
        ["tka", "tkcr", "tko"],
        RecordStatus.VERIFIED,
    ),
    (
        "Morete: fruto y refugio de animales",
        "El morete en los pantanos y su cosecha.",
        "Los moretales son pantanos donde comen dantas y loros. El fruto se recoge del suelo; ya "
        "no se tumba la palmera para cosecharlo.",
        "es",
        Category.ECOLOGY,
        ["morete"],
        ("fruto", "remojado", "alimento, fauna", "marzo-junio"),
        [("manuel", "")],
        "bosque",
        Sensitivity.HIGH,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tks"],
        RecordStatus.DRAFT,
    ),
    (
        "El ceibo, casa de los espíritus",
        "Relatos sobre el gran ceibo del bosque.",
        "Los abuelos cuentan que en el ceibo viven los supay y que no se debe cortar. Se pide "
        "permiso antes de pasar cerca en la noche.",
        "es",
        Category.LANGUAGE,
        ["ceibo"],
        ("árbol", "—", "relato, respeto", "—"),
        [("segundo", "elder")],
        "bosque",
        Sensitivity.WITHHOLD,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tkcs", "tkcv"],
        RecordStatus.VERIFIED,
    ),
    (
        "Ortiga (chini) para el dolor de cuerpo",
        "Azotes suaves con ortiga fresca.",
        "Fresh nettle is tapped on sore muscles after heavy work in the chakra. Children are "
        "sometimes touched with chini as a lesson for bad behaviour.",
        "en",
        Category.MEDICINAL,
        ["ortiga"],
        ("fresh branches", "tapped on skin", "body pain, discipline", "all year"),
        [("rosa", "healer")],
        "huerta",
        Sensitivity.MEDIUM,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tknv"],
        RecordStatus.DISPUTED,
    ),
    (
        "Guaba: sombra y fruta en la chakra",
        "La guaba da sombra al cacao y alimento.",
        "La guaba (pakay) se siembra en la chakra para dar sombra y mejorar el suelo. Los niños "
        "comen la pulpa blanca y dulce de las vainas.",
        "es",
        Category.AGRICULTURE,
        ["guaba", "cacao"],
        ("vainas, árbol", "fruta fresca", "sombra, alimento", "enero-marzo"),
        [("manuel", "farmer")],
        "chakra",
        Sensitivity.LOW,
        AccessLevel.PUBLIC,
        "",
        ["tka", "tkcb"],
        RecordStatus.VERIFIED,
    ),
    (
        "Parto con apoyo de la partera",
        "Plantas y cuidados de la partera durante el parto.",
        "Luzmila acompaña los partos en casa con baños tibios de hierbas y masajes. Los nombres "
        "de las plantas y las cantidades se guardan solo entre parteras.",
        "es",
        Category.MEDICINAL,
        ["unia", "arrayan"],
        ("varias", "baños tibios", "parto", "—"),
        [("luzmila", "midwife")],
        "casa",
        Sensitivity.WITHHOLD,
        AccessLevel.RESTRICTED,
        "parteras",
        ["tkwr", "tkss"],
        RecordStatus.VERIFIED,
    ),
    (
        "Sangre de drago para la gastritis",
        "Gotas de resina en agua tibia.",
        "Tres gotas de resina en un vaso de agua tibia por la mañana, durante una semana. "
        "Algunas familias lo usan también para el dolor de muelas.",
        "es",
        Category.MEDICINAL,
        ["drago"],
        ("resina", "diluida", "gastritis, muelas", "todo el año"),
        [("rosa", "healer")],
        "chakra",
        Sensitivity.MEDIUM,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tknc"],
        RecordStatus.DRAFT,
    ),
    (
        "Canción de la wayusa",
        "Canto de madrugada grabado en la casa comunal.",
        "A dawn song sung while drinking wayusa. The recording keeps the voice of Taita Segundo, "
        "who passed away; the family asked that it carry a warning.",
        "en",
        Category.LANGUAGE,
        ["guayusa"],
        ("", "", "song, memory", "dawn"),
        [("segundo", "elder"), ("carlos", "recorder")],
        "casa",
        Sensitivity.HIGH,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tkcv", "tkcs"],
        RecordStatus.VERIFIED,
    ),
    (
        "Nombres kichwa de las plantas de la chakra",
        "Lista de nombres para revisar.",
        "Lista preparada por Carlos con los nombres kichwa de las plantas de la chakra. Algunos "
        "nombres y su escritura deben ser revisados por la asamblea.",
        "es",
        Category.LANGUAGE,
        ["yuca", "cacao", "achiote", "ortiga"],
        ("", "", "lengua", ""),
        [("carlos", "translator")],
        "casa",
        Sensitivity.NONE,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tknv"],
        RecordStatus.DRAFT,
    ),
    (
        "Cosecha de semillas de quinua",
        "Selección de panojas para semilla.",
        "Seed heads are chosen from the healthiest plants, dried on mats and threshed by hand. "
        "Seed is stored in clay jars with ash.",
        "en",
        Category.AGRICULTURE,
        ["quinua"],
        ("seed heads", "dried, threshed", "seed saving", "June"),
        [("manuel", "farmer")],
        "paramo",
        Sensitivity.MEDIUM,
        AccessLevel.PUBLIC,
        "",
        ["tka", "bcr"],
        RecordStatus.VERIFIED,
    ),
    (
        "Cacería y veda en el bosque",
        "Reglas comunitarias de caza y épocas de veda.",
        "La asamblea decidió no cazar en la época de reproducción de las guantas y respetar el "
        "salado. Los cazadores usan sangre de drago en sus heridas.",
        "es",
        Category.ECOLOGY,
        ["drago"],
        ("", "", "manejo del territorio", "veda de enero-marzo"),
        [("manuel", "hunter")],
        "bosque",
        Sensitivity.HIGH,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tkco", "tkmg"],
        RecordStatus.VERIFIED,
    ),
    (
        "Fibra de chonta para flechas y telares",
        "La madera dura de la chonta en la artesanía.",
        "The black, hard wood of old chonta palms is split for blowgun darts, weaving swords for "
        "the loom and floor boards.",
        "en",
        Category.CRAFT,
        ["chonta"],
        ("trunk wood", "split, polished", "darts, loom parts", "dry season"),
        [("beatriz", "weaver"), ("manuel", "hunter")],
        "bosque",
        Sensitivity.MEDIUM,
        AccessLevel.COMMUNITY,
        "",
        ["tka", "tkmg"],
        RecordStatus.DRAFT,
    ),
]

# (record index, kind, file name, caption, colour pair, content warning, person keys)
_PHOTOS: list[tuple[int, str, str, tuple[int, int, int], tuple[int, int, int]]] = [
    (
        0,
        "una-de-gato.png",
        "Bejuco de uña de gato (dibujo generado)",
        (34, 120, 60),
        (196, 222, 140),
    ),
    (
        1,
        "sangre-de-drago.png",
        "Resina de sangre de drago (dibujo generado)",
        (150, 30, 30),
        (240, 200, 180),
    ),
    (2, "guayusa.png", "Hojas de guayusa (dibujo generado)", (20, 100, 40), (210, 235, 200)),
    (
        18,
        "paja-toquilla.png",
        "Fibra de paja toquilla (dibujo generado)",
        (170, 150, 60),
        (245, 235, 200),
    ),
]
_AUDIO_RECORD = 25  # "Canción de la wayusa"


# --- generated media --------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def make_png(width: int, height: int, pixel: Callable[[int, int], tuple[int, int, int]]) -> bytes:
    """An RGB PNG drawn by ``pixel(x, y)`` (no image library needed)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows.extend(pixel(x, y))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def leaf_png(dark: tuple[int, int, int], light: tuple[int, int, int], size: int = 160) -> bytes:
    """A leaf (rotated ellipse with a midrib) on a soft gradient."""
    cx = cy = size / 2
    angle = math.radians(35)
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    a, b = size * 0.42, size * 0.2

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        dx, dy = x - cx, y - cy
        u = dx * cos_a + dy * sin_a
        v = -dx * sin_a + dy * cos_a
        inside = (u / a) ** 2 + (v / b) ** 2
        if inside <= 1.0:
            if abs(v) < 1.2 and abs(u) < a * 0.95:
                return light  # midrib
            shade = 0.75 + 0.25 * (1 - inside)
            return (int(dark[0] * shade), int(dark[1] * shade), int(dark[2] * shade))
        t = y / size
        return (
            int(light[0] * (1 - t) + 250 * t),
            int(light[1] * (1 - t) + 248 * t),
            int(light[2] * (1 - t) + 240 * t),
        )

    return make_png(size, size, pixel)


def tones_wav(seconds: float = 3.0, rate: int = 16000) -> bytes:
    """A short pentatonic melody with soft attack and decay, 16-bit mono."""
    notes = [392.0, 440.0, 523.25, 587.33, 659.25, 587.33, 523.25, 440.0]
    per_note = int(rate * seconds / len(notes))
    samples = array("h")
    for freq in notes:
        for i in range(per_note):
            env = min(1.0, i / (0.05 * rate)) * (1 - i / per_note) ** 0.5
            samples.append(int(12000 * env * math.sin(2 * math.pi * freq * i / rate)))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    return out.getvalue()


# --- the catalogue ----------------------------------------------------------------------


def populate(cat: Catalogue) -> None:
    """Fill an open, empty catalogue with the demo contents."""
    persons: dict[str, Person] = {}
    for key, name, roles, deceased, anonymous in _PERSONS:
        persons[key] = cat.add_person(
            Person(
                name=name,
                roles=roles,
                community=DEMO_COMMUNITY.name,
                consent_status=ConsentStatus.GRANTED,
                deceased=deceased,
                anonymous_outside=anonymous,
            )
        )
    taxa: dict[str, Taxon] = {}
    for key, scientific, family, names in _TAXA:
        taxa[key] = cat.add_taxon(
            Taxon(
                scientific_name=scientific,
                kingdom="Plantae",
                family=family,
                genus=scientific.split()[0],
                vernacular_names=[VernacularName(n, lang, review) for n, lang, review in names],
            )
        )
    saved: list[KnowledgeRecord] = []
    for number, row in enumerate(_RECORDS):
        (
            title,
            summary,
            description,
            language,
            category,
            taxon_keys,
            use,
            holders,
            place_key,
            sensitivity,
            access,
            group,
            labels,
            status,
        ) = row
        locality, lat, lon, uncertainty = _PLACES[place_key]
        confidential = {"place"} if sensitivity is Sensitivity.WITHHOLD else set()
        if access is AccessLevel.RESTRICTED:
            confidential.add("preparation")
        saved.append(
            cat.add_record(
                KnowledgeRecord(
                    title=title,
                    summary=summary,
                    description=description,
                    language=language,
                    category=category,
                    uses=[Use(*use)] if any(use) else [],
                    taxon_ids=[taxa[k].id for k in taxon_keys],
                    holders=[HolderLink(persons[k].id, role) for k, role in holders],
                    recorded_by=persons["carlos"].id,
                    recorded_date=date(2024, 1 + number % 12, 1 + number % 27),
                    place=Place(locality, lat, lon, uncertainty, sensitivity),
                    access=access,
                    restricted_group=group,
                    labels=labels,
                    confidential=confidential,
                    status=status,
                )
            )
        )
    # Consents as a community really keeps them (LICENSING.md, "Consent is binding"): the
    # assembly's minutes cover most public records for non-commercial uses until 2028; Mama
    # Rosa's oral consent covers her knowledge for education and research only; Manuel
    # withdrew his consent for one record; an older consent has expired; and one public
    # record has no consent record at all, so the export plan shows each case.
    by_title = {r.title: r for r in saved}
    withdrawn = by_title["Desamargado del chocho"]
    expired = by_title["Guaba: sombra y fruta en la chakra"]
    missing = by_title["Muña para el frío y la digestión"]
    public = [r.id for r in saved if r.access is AccessLevel.PUBLIC]
    assembly = cat.add_consent(
        ConsentRecord(
            granted_by="Asamblea comunitaria de Sacha Yaku",
            record_ids=[rid for rid in public if rid not in {expired.id, missing.id}],
            granted_on=date(2024, 3, 16),
            method=ConsentMethod.ASSEMBLY_MINUTES,
            status=ConsentStatus.GRANTED,
            purposes=["personal_study", "education", "research", "publication", "conservation"],
            user_classes=["community", "noncommercial", "public_research", "commons_enterprise"],
            expires=date(2028, 3, 16),
            notes="Acta n.º 12 de la asamblea: se autoriza compartir los registros públicos "
            "con fines educativos y de investigación no comercial.",
        )
    )
    cat.add_consent(
        ConsentRecord(
            granted_by="Mama Rosa Grefa",
            record_ids=[
                r.id for r in saved if persons["rosa"].id in {h.person_id for h in r.holders}
            ],
            person_ids=[persons["rosa"].id],
            granted_on=date(2024, 5, 2),
            method=ConsentMethod.ORAL_RECORDED,
            status=ConsentStatus.LIMITED,
            purposes=["education", "research"],
            user_classes=["community", "noncommercial", "public_research"],
            notes="Consentimiento oral grabado en kichwa, traducido por Carlos Shiguango. Solo "
            "para enseñar e investigar; nada de productos.",
        )
    )
    cat.add_consent(
        ConsentRecord(
            granted_by="Manuel Tapuy",
            record_ids=[withdrawn.id],
            person_ids=[persons["manuel"].id],
            granted_on=date(2024, 4, 20),
            method=ConsentMethod.SIGNED_FORM,
            status=ConsentStatus.WITHDRAWN,
            purposes=["education", "research"],
            user_classes=["public_research"],
            notes="Retirado en la asamblea de enero de 2025: la receta es de su familia.",
        )
    )
    cat.add_consent(
        ConsentRecord(
            granted_by="Asamblea comunitaria de Sacha Yaku",
            record_ids=[expired.id],
            granted_on=date(2022, 8, 1),
            method=ConsentMethod.ASSEMBLY_MINUTES,
            status=ConsentStatus.GRANTED,
            purposes=["education", "research"],
            user_classes=["public_research"],
            expires=date(2024, 8, 1),
            notes="Acta n.º 7: permiso por dos años para el proyecto de agroforestería.",
        )
    )
    for index, file_name, caption, dark, light in _PHOTOS:
        cat.add_media(
            Media(
                kind=MediaKind.PHOTO,
                mime_type="image/png",
                file_name=file_name,
                record_id=saved[index].id,
                caption=caption,
                creator=persons["carlos"].name,
                created=date(2024, 6, 10),
            ),
            io.BytesIO(leaf_png(dark, light)),
        )
    cat.add_media(
        Media(
            kind=MediaKind.AUDIO,
            mime_type="audio/wav",
            file_name="cancion-wayusa.wav",
            record_id=saved[_AUDIO_RECORD].id,
            caption="Canción de la wayusa (audio generado para la demo)",
            creator=persons["carlos"].name,
            created=date(2024, 2, 14),
            language="qu",
            content_warning="Contains the voice of a person who has died.",
            person_ids=[persons["segundo"].id],
        ),
        io.BytesIO(tones_wav()),
    )
    cat.add_media(
        Media(
            kind=MediaKind.DOCUMENT,
            mime_type="text/plain",
            file_name="acta-12.txt",
            consent_id=assembly.id,
            caption="Acta n.º 12 (resumen)",
        ),
        io.BytesIO(
            "Acta n.º 12 — Asamblea de Sacha Yaku, 16 de marzo de 2024.\n"
            "Se aprueba compartir los registros públicos del catálogo con fines "
            "educativos.\n".encode()
        ),
    )


#: The name of the demo catalogue's custodian (shown in People & access).
DEMO_CUSTODIAN = "Sisa Tanguila"


def create_demo(path: Path, passphrase: str, *, actor: str = "demo") -> Catalogue:
    """Create the demo catalogue at ``path`` (refuses an existing file) and return it open."""
    # The demo's one person (issue 13): an invented custodian, like everyone in the demo.
    cat = create_catalogue(path, passphrase, DEMO_COMMUNITY, actor=actor, custodian=DEMO_CUSTODIAN)
    try:
        populate(cat)
    except BaseException:
        cat.close()
        # A half-filled demo is worth nothing; the next run starts clean.
        path.unlink(missing_ok=True)
        Path(str(path) + "-keys").unlink(missing_ok=True)  # its key slots file goes too
        raise
    return cat
