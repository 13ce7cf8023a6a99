"""The protocols besides TCP, UDP and SCTP as one more port-set dimension, keyed "IP".

Only inputs whose Calico rules name such a protocol (ICMP, ICMPv6, UDPLite, a number,
notProtocol, icmp / notICMP) have it; without it every result is what it always was.

The dimension is every IP protocol number 1-255 but 6, 17 and 132 (TCP, UDP and SCTP are
their own dimensions), 65,536 values each, in number order. ICMP and ICMPv6 use their values
as `type * 256 + code`; every other protocol only ever as a whole. A range of the dimension
is cut back into readable pieces: whole protocols (runs of unnamed numbers), ICMP types and
codes.
"""

from __future__ import annotations

from dataclasses import dataclass

IP = "IP"
BLOCK = 256 * 256  # values per protocol: ICMP type * 256 + code
NAMES = {1: "ICMP", 58: "ICMPv6", 136: "UDPLite"}
ICMP_LIKE = (1, 58)
_OWN = (6, 17, 132)  # TCP, UDP, SCTP: the port dimensions
NUMBERS = tuple(n for n in range(1, 256) if n not in _OWN)
_INDEX = {n: i for i, n in enumerate(NUMBERS)}
SIZE = len(NUMBERS) * BLOCK  # values 0..SIZE-1


def block(number: int) -> tuple[int, int]:
    """The values of one protocol (not TCP, UDP or SCTP)."""
    start = _INDEX[number] * BLOCK
    return start, start + BLOCK - 1


def icmp_range(number: int, type_: int | None, code: int | None) -> tuple[int, int]:
    """The values of ICMP / ICMPv6 traffic of one type (and code, if given)."""
    start, end = block(number)
    if type_ is None:
        return start, end
    if code is None:
        return start + type_ * 256, start + type_ * 256 + 255
    return start + type_ * 256 + code, start + type_ * 256 + code


def value(protocol: str | int, icmp: tuple[int, int] | None = None) -> int:
    """One value of the dimension: a protocol by Calico's name or number, with an ICMP
    (type, code) for ICMP and ICMPv6 (else its first value)."""
    number = _NUMBER_OF.get(protocol, protocol)  # type: ignore[call-overload]
    start = block(int(number))[0]
    if icmp is not None and number in ICMP_LIKE:
        return start + icmp[0] * 256 + icmp[1]
    return start


_NUMBER_OF = {name: n for n, name in NAMES.items()}


def number_of(protocol: str | int) -> int:
    """A protocol's number from Calico's name (ICMP, ICMPv6, UDPLite) or its number."""
    return int(_NUMBER_OF.get(protocol, protocol))  # type: ignore[call-overload]


@dataclass(frozen=True)
class Piece:
    """A readable part of a range: protocols `number..end_number` (whole), or of one ICMP
    protocol the types `type..end_type`, whole or only `code..end_code` of one type."""

    number: int
    end_number: int
    type: int | None = None
    end_type: int | None = None
    code: int | None = None
    end_code: int | None = None

    @property
    def protocol(self) -> str:
        named = NAMES.get(self.number)
        return named if named and self.number == self.end_number else IP

    def __str__(self) -> str:
        if self.protocol == IP:
            nums = _span(self.number, self.end_number)
            return f"proto {nums}"
        text = self.protocol
        if self.type is not None:
            text += f" type {_span(self.type, self.end_type)}"  # type: ignore[arg-type]
        if self.code is not None:
            text += f" code {_span(self.code, self.end_code)}"  # type: ignore[arg-type]
        return text

    def as_json(self) -> dict:
        out: dict = {"protocol": self.protocol, "number": self.number}
        out["end_number"] = self.end_number
        if self.type is not None:
            out["icmp_type"], out["end_icmp_type"] = self.type, self.end_type
        if self.code is not None:
            out["icmp_code"], out["end_icmp_code"] = self.code, self.end_code
        return out

    def values(self) -> tuple[int, int]:
        """The inverse of pieces(): the range of the dimension this piece is."""
        if self.type is None:
            return block(self.number)[0], block(self.end_number)[1]
        base = block(self.number)[0]
        if self.code is None:
            return base + self.type * 256, base + self.end_type * 256 + 255  # type: ignore[operator]
        return base + self.type * 256 + self.code, base + self.type * 256 + self.end_code  # type: ignore[operator]


def _span(a: int, b: int) -> str:
    return str(a) if a == b else f"{a}-{b}"


def pieces(start: int, end: int) -> list[Piece]:
    """A range of the dimension as readable pieces, in value order."""
    out: list[Piece] = []
    first, last = start // BLOCK, end // BLOCK
    for i in range(first, last + 1):
        number = NUMBERS[i]
        lo = max(start, i * BLOCK) - i * BLOCK
        hi = min(end, i * BLOCK + BLOCK - 1) - i * BLOCK
        if lo == 0 and hi == BLOCK - 1:
            prev = out[-1] if out else None
            joinable = (
                prev is not None
                and prev.type is None
                and prev.end_number + 1 == number
                and prev.number not in NAMES
                and number not in NAMES
            )
            if joinable:
                out[-1] = Piece(prev.number, number)  # type: ignore[union-attr]
            else:
                out.append(Piece(number, number))
            continue
        out.extend(_types(number, lo, hi))
    return out


def _types(number: int, lo: int, hi: int) -> list[Piece]:
    t1, c1, t2, c2 = lo >> 8, lo & 255, hi >> 8, hi & 255
    if t1 == t2:
        if c1 == 0 and c2 == 255:
            return [Piece(number, number, t1, t1)]
        return [Piece(number, number, t1, t1, c1, c2)]
    out = []
    if c1 != 0:
        out.append(Piece(number, number, t1, t1, c1, 255))
        t1 += 1
    tail = None
    if c2 != 255:
        tail = Piece(number, number, t2, t2, 0, c2)
        t2 -= 1
    if t1 <= t2:
        out.append(Piece(number, number, t1, t2))
    if tail is not None:
        out.append(tail)
    return out


def from_json(item: dict) -> tuple[int, int]:
    """The range of one as_json() entry of the dimension."""
    number = int(item["number"])
    end_number = int(item.get("end_number", number))
    if "icmp_type" not in item:
        return Piece(number, end_number).values()
    t, et = int(item["icmp_type"]), int(item.get("end_icmp_type", item["icmp_type"]))
    if "icmp_code" not in item:
        return Piece(number, number, t, et).values()
    c = int(item["icmp_code"])
    return Piece(number, number, t, t, c, int(item.get("end_icmp_code", c))).values()


def describe(ranges: tuple[tuple[int, int], ...]) -> str:
    """The dimension's part of a port set in words: few protocols are listed, most are said
    as "all other protocols except ..." (other than TCP, UDP and SCTP)."""
    if ranges == ((0, SIZE - 1),):
        return "all other protocols"
    covered = sum(e // BLOCK - s // BLOCK + 1 for s, e in ranges)
    if covered * 2 <= len(NUMBERS):
        return "; ".join(str(p) for s, e in ranges for p in pieces(s, e))
    gaps, cur = [], 0
    for s, e in ranges:
        if s > cur:
            gaps.append((cur, s - 1))
        cur = e + 1
    if cur < SIZE:
        gaps.append((cur, SIZE - 1))
    return "all other protocols except " + ", ".join(str(p) for s, e in gaps for p in pieces(s, e))
