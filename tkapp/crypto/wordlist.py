"""The 256 words used to read a key fingerprint aloud (one word per byte).

Written for this project. Every word is two open syllables (consonant + vowel) built only from
sounds that Spanish and Kichwa speakers say the same way: the vowels a, i, u and the
consonants ch, k, l, m, n, p, r, s, t, y. The first syllable comes from one set of 16 and the
second from another, so two different bytes never share a word, and a mistake in hearing one
syllable always gives a different word rather than a near-miss that could go unnoticed. A few
combinations that read as rude or childish in Spanish were swapped for spare ones (``-chu``).
The order is the byte value: never reorder or edit this list, or fingerprints read aloud by
older versions would no longer match.
"""

from __future__ import annotations

WORDS: tuple[str, ...] = (
    "chaka", "chaku", "chala", "chalu", "chama", "chamu", "chana", "chanu",
    "chapa", "chapu", "chara", "charu", "chasa", "chasu", "chaya", "chayu",
    "chika", "chiku", "chila", "chilu", "chima", "chimu", "china", "chinu",
    "chipa", "chipu", "chira", "chiru", "chisa", "chisu", "chiya", "chiyu",
    "kachu", "kaku", "kala", "kalu", "kama", "kamu", "kana", "kanu",
    "kapa", "kapu", "kara", "karu", "kasa", "kasu", "kaya", "kayu",
    "kika", "kiku", "kila", "kilu", "kima", "kimu", "kina", "kinu",
    "kipa", "kipu", "kira", "kiru", "kisa", "kisu", "kiya", "kiyu",
    "laka", "laku", "lala", "lalu", "lama", "lamu", "lana", "lanu",
    "lapa", "lapu", "lara", "laru", "lasa", "lasu", "laya", "layu",
    "lika", "liku", "lila", "lilu", "lima", "limu", "lina", "linu",
    "lipa", "lipu", "lira", "liru", "lisa", "lisu", "liya", "liyu",
    "maka", "maku", "mala", "malu", "mama", "mamu", "mana", "manu",
    "mapa", "mapu", "mara", "maru", "masa", "masu", "maya", "mayu",
    "mika", "miku", "mila", "milu", "mima", "mimu", "mina", "minu",
    "mipa", "mipu", "mira", "miru", "misa", "misu", "miya", "miyu",
    "paka", "paku", "pala", "palu", "pama", "pamu", "pana", "panu",
    "papa", "papu", "para", "paru", "pasa", "pasu", "paya", "payu",
    "pika", "piku", "pila", "pilu", "pima", "pimu", "pina", "pinu",
    "pipa", "pichu", "pira", "piru", "pisa", "pisu", "piya", "piyu",
    "raka", "raku", "rala", "ralu", "rama", "ramu", "rana", "ranu",
    "rapa", "rapu", "rara", "raru", "rasa", "rasu", "raya", "rayu",
    "rika", "riku", "rila", "rilu", "rima", "rimu", "rina", "rinu",
    "ripa", "ripu", "rira", "riru", "risa", "risu", "riya", "riyu",
    "saka", "saku", "sala", "salu", "sama", "samu", "sana", "sanu",
    "sapa", "sapu", "sara", "saru", "sasa", "sasu", "saya", "sayu",
    "sika", "siku", "sila", "silu", "sima", "simu", "sina", "sinu",
    "sipa", "sipu", "sira", "siru", "sisa", "sisu", "siya", "siyu",
    "taka", "taku", "tala", "talu", "tama", "tamu", "tana", "tanu",
    "tapa", "tapu", "tara", "taru", "tasa", "tasu", "taya", "tayu",
    "tika", "tiku", "tila", "tilu", "tima", "timu", "tina", "tinu",
    "tipa", "tipu", "tira", "tiru", "tisa", "tisu", "tiya", "tiyu",
)

assert len(WORDS) == 256 and len(set(WORDS)) == 256
