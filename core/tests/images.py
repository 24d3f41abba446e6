"""Pictures for the upload tests: a phone photo with GPS, a decompression bomb, a fake."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image

# Where the photographer stood (Tirana's Skanderbeg Square) and what they carried.
GPS_LATITUDE = (41.0, 19.0, 45.12)
GPS_LONGITUDE = (19.0, 49.0, 18.3)
CAMERA_MAKE = "FejzoPhone"
CAMERA_OWNER = "Arben Krasniqi"
XMP_PACKET = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b"<rdf:Description>Arben Krasniqi, Tirana</rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)
# The traces a stripped file must not carry, by bytes.
METADATA_MARKERS = (
    b"Exif",
    b"GPS",
    CAMERA_MAKE.encode(),
    CAMERA_OWNER.encode(),
    b"xmpmeta",
    b"Tirana",
)


def phone_photo_jpeg(*, width: int = 1200, height: int = 900, orientation: int = 6) -> bytes:
    """Return a JPEG as a phone writes it: EXIF with GPS, make, owner, orientation; XMP."""
    image = Image.new("RGB", (width, height), (214, 222, 232))
    # A dark block on the left: after turning upright (orientation 6) it is at the top.
    image.paste((30, 34, 40), (0, 0, width // 3, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.Base.Artist] = CAMERA_OWNER
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: GPS_LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: GPS_LONGITUDE,
    }
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif, xmp=XMP_PACKET)
    return buffer.getvalue()


def png_bytes(*, width: int = 400, height: int = 300) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 120, 200, 128)).save(buffer, "PNG")
    return buffer.getvalue()


def png_bomb(*, width: int = 10_000, height: int = 10_000) -> bytes:
    """Return a small, valid PNG that would unpack into ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    # One bit per pixel, grey: each row is a filter byte and width/8 zero bytes.
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


HTML_AS_JPEG = (
    b"<!doctype html><html><head><title>photo</title></head>"
    b"<body><script>alert(document.cookie)</script></body></html>"
)
