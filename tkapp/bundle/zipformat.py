"""The fixed shape of a .tkb ZIP, shared by the writer and the reader.

A bundle uses a deliberately tiny subset of ZIP so that every byte has one allowed value or is
covered by a checksum: stored entries only, no extra fields, no comments, no data descriptors,
no directory entries, no ZIP64, timestamps 1980-01-01 00:00, Unix regular-file mode 0644,
UTF-8 names. Local headers, central directory and end record follow each other with no gap.

No ZIP64 (decision): a v1 bundle is at most 4 GiB minus one byte and 65,534 entries. The writer
refuses anything larger with ``LimitExceeded``; the reader treats the ZIP64 marker values
(0xFFFF, 0xFFFFFFFF) as a container error, so there is no ambiguous boundary.
"""

from __future__ import annotations

import struct

from zlib_ng import zlib_ng

LOCAL_SIG = 0x04034B50
CENTRAL_SIG = 0x02014B50
END_SIG = 0x06054B50

LOCAL = struct.Struct("<IHHHHHIIIHH")  # 30 bytes
CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")  # 46 bytes
END = struct.Struct("<IHHHHIIH")  # 22 bytes

VERSION_NEEDED = 20  # 2.0: what unzip tools expect for a UTF-8-flagged stored entry
VERSION_MADE_BY = (3 << 8) | 20  # host 3 = Unix, so the external attributes carry a mode
FLAG_ENCRYPTED = 0x0001
FLAG_DATA_DESCRIPTOR = 0x0008
FLAG_UTF8 = 0x0800
FLAGS = FLAG_UTF8
METHOD_STORED = 0
DOS_TIME = 0  # 00:00:00
DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
REGULAR_FILE_MODE = 0o100644
EXTERNAL_ATTR = REGULAR_FILE_MODE << 16

#: Largest value a plain ZIP field can hold without meaning "see ZIP64".
MAX_U32 = 0xFFFFFFFE
MAX_ENTRIES = 0xFFFE

# The CRC-32 every entry carries (the IEEE polynomial of ZIP: the same values as zlib.crc32),
# from zlib-ng: its carry-less-multiply code computes it at about a fifth of the cost of
# SHA-256 over the same bytes, where the system zlib takes about half (issue 19), so checking
# it in the same read as the hash costs little. One function for the writer and the reader.
crc32 = zlib_ng.crc32
